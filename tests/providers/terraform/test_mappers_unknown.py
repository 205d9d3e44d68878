"""Every google/azurerm/oci/sakuracloud mapper survives an Unknown in any attribute and any nested value:
it never raises, never emits a fact outside the kinds table, and never turns the Unknown into PASS."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

import pytest

from providers.terraform.mappers import map_resource
from providers.terraform.model import TfResource
from scanner.kinds import validate_resource_facts
from scanner.model import Unknown
from tests.providers.terraform.cloud_support import Context, evaluator, hcl
from tests.reliability import record

CLOUDS = ("gcp", "azure", "oci", "sakura")
MARK = Unknown("injected: known only after apply", "")


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path into nested dicts and lists."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield (*prefix, key)
            yield from paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*prefix, index)
            yield from paths(item, (*prefix, index))


def with_unknown(values: Any, path: tuple[Any, ...]) -> Any:
    """A copy of `values` with the value at `path` replaced by an Unknown."""
    if not path:
        return MARK
    head, rest = path[0], path[1:]
    if isinstance(values, Mapping):
        return {k: (with_unknown(v, rest) if k == head else v) for k, v in values.items()}
    return [with_unknown(v, rest) if i == head else v for i, v in enumerate(values)]


@pytest.mark.parametrize("cloud", CLOUDS)
def test_unknown_anywhere_never_crashes_a_mapper(cloud: str) -> None:
    config, baseline = hcl(cloud)
    before = {(r.id, f.check_id): f.status.value for r in baseline.values() for f in evaluator().evaluate(r)}
    resources: list[TfResource] = list(config.resources)
    variants = 0
    turned_pass = []
    for index, tf in enumerate(resources):
        for path in [*paths(tf.values), ("provider_config",)]:
            if path == ("provider_config",):
                changed = replace(tf, provider_config={k: MARK for k in tf.provider_config} or {"region": MARK})
            else:
                changed = replace(tf, values=with_unknown(tf.values, path))
            context = Context([*resources[:index], changed, *resources[index + 1:]])
            for resource in map_resource(changed, context):
                problems = validate_resource_facts(resource.kind, resource.attrs)
                assert not problems, (tf.address, path, problems)
                for finding in evaluator().evaluate(resource):
                    was = before.get((resource.id, finding.check_id))
                    if finding.status.value == "PASS" and was not in (None, "PASS"):
                        turned_pass.append((resource.id, path, finding.check_id, was))
            variants += 1
    assert variants > 100
    assert not turned_pass, turned_pass[:10]
    record("fuzz", target=f"terraform mappers ({cloud}): each attribute and nested value replaced by Unknown",
           examples=variants, tracebacks=0, silent_passes=0)

"""Shared helpers for the Google Cloud, Azure, OCI and Sakura mapper tests: readers, catalog, builders."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from providers.terraform.config import Joins, load
from providers.terraform.mappers import map_resource
from providers.terraform.model import TfResource
from providers.terraform.plan import load_plan
from scanner.catalog import load_catalog
from scanner.engine import Evaluator
from scanner.kinds import validate_resource_facts
from scanner.model import Finding, Resource, Status
from scanner.policy import load_policy

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "iac"


@lru_cache(maxsize=1)
def evaluator() -> Evaluator:
    """The shipped catalog under the baseline policy."""
    catalog = load_catalog()
    return Evaluator(catalog, load_policy(None, catalog))


def mapped(resources: Iterable[TfResource], context: Any) -> dict[str, Resource]:
    """Every mapped resource by address; fails the test on any fact outside the kinds table."""
    out: dict[str, Resource] = {}
    for tf in resources:
        for resource in map_resource(tf, context):
            problems = validate_resource_facts(resource.kind, resource.attrs)
            assert not problems, f"{resource.id}: {problems}"
            out[resource.id] = resource
    return out


def hcl(cloud: str) -> tuple[Any, dict[str, Resource]]:
    """The example Terraform folder of a cloud, read by the HCL reader and mapped."""
    config = load(str(FIXTURES / "terraform" / cloud), "example")
    assert not config.problems, config.problems
    return config, mapped(config.resources, config)


def plan(cloud: str) -> dict[str, Resource]:
    """The recorded `terraform show -json` plan of a cloud, read by the plan reader and mapped."""
    read = load_plan(str(FIXTURES / "plan" / cloud / "plan.json"), "plan")
    assert not read.problems, read.problems
    return mapped(read.resources, read)


def expected(path: Path) -> Mapping[str, Any]:
    """The single case of an expected-findings file (the iac fixtures' format: checks, rows of triples)."""
    with path.open(encoding="utf-8") as handle:
        cases = yaml.safe_load(handle)["cases"]
    assert len(cases) == 1 and not cases[0]["args"]
    return cases[0]


def findings(resource: Resource) -> dict[str, Finding]:
    """The findings of one resource by check id."""
    return {f.check_id: f for f in evaluator().evaluate(resource)}


def status(resource: Resource, check: str) -> Status:
    """The status of one check on one resource (KeyError when the check does not apply)."""
    return findings(resource)[check].status


def triples(resources: Mapping[str, Resource], checks: Iterable[str]) -> set[tuple[str, str, str]]:
    """(check, address, status) of every finding of `checks` on the resources."""
    wanted = set(checks)
    return {(f.check_id, r.id, f.status.value) for r in resources.values() for f in evaluator().evaluate(r)
            if f.check_id in wanted}


def compare_expected(cloud: str) -> None:
    """The example folder and the recorded plan give exactly the expected findings for the listed checks."""
    folder = FIXTURES / "terraform" / cloud
    for resources, file in ((hcl(cloud)[1], folder / "expected.yaml"),
                            (plan(cloud), FIXTURES / "plan" / cloud / "expected.yaml")):
        case = expected(file)
        want = {tuple(row) for row in case["findings"]}
        got = triples(resources, case["checks"])
        assert got == want, f"{file}: missing {sorted(want - got)}; unexpected {sorted(got - want)}"


class Context(Joins):
    """A `TfContext` over hand-built resources (the same joins the readers use)."""

    def __init__(self, resources: Iterable[TfResource], scope: str = "unit") -> None:
        self.scope = scope
        self.index(resources)


def tf(address: str, values: Mapping[str, Any], provider_config: Mapping[str, Any] | None = None,
       attr_lines: Mapping[str, int] | None = None, **extra: Any) -> TfResource:
    """A TfResource shaped like the plan reader's output (nested blocks as lists of dicts)."""
    type_, name = address.split(".")[-2:]
    return TfResource(address=address, type=type_, name=name, values=dict(values), file="unit.tf", line=1,
                      attr_lines=dict(attr_lines or {}), provider_config=dict(provider_config or {}), **extra)


def one(resource: TfResource, *others: TfResource) -> Resource:
    """Map one resource (with `others` in its context) and return its single normalized resource."""
    context = Context([resource, *others])
    out = list(map_resource(resource, context))
    assert len(out) == 1, out
    problems = validate_resource_facts(out[0].kind, out[0].attrs)
    assert not problems, problems
    return out[0]

"""Meta-lint of the catalog, and every check's own examples evaluated through the engine."""

from __future__ import annotations

import pytest

from scanner.catalog import Catalog, load_catalog
from scanner.engine import Evaluator
from scanner.kinds import KINDS
from scanner.model import Origin, Resource, Status
from scanner.policy import load_policy

CATALOG = load_catalog()


def _examples() -> list[tuple[str, int, dict]]:
    return [(c.id, i, e) for c in CATALOG.checks.values() for i, e in enumerate(c.examples)]


def test_catalog_is_large_and_bilingual() -> None:
    assert len(CATALOG.checks) >= 80
    for c in CATALOG.checks.values():
        assert c.title.ja.strip() and c.title.en.strip(), c.id
        assert c.remediation.ja.strip() and c.remediation.en.strip(), c.id
        assert c.title.ja != c.title.en, c.id
        assert c.references, f"{c.id} references no framework control"


def test_every_kind_checked_is_in_the_table() -> None:
    for c in CATALOG.checks.values():
        assert set(c.kinds) <= set(KINDS), c.id


def test_ids_are_unique_per_file_and_stable_format() -> None:
    for c in CATALOG.checks.values():
        assert c.path.endswith(f"/{c.id}.yaml")


def test_every_framework_control_has_a_title_and_coverage_is_computed() -> None:
    for name, fw in CATALOG.frameworks.items():
        cover = CATALOG.coverage(name)
        assert set(cover) == {c.id for c in fw.controls}
        assert any(cover.values()), f"framework {name} has no covered control"


@pytest.mark.parametrize(("check_id", "index", "example"), _examples(), ids=lambda v: str(v)[:30])
def test_examples(check_id: str, index: int, example: dict) -> None:
    c = CATALOG.checks[check_id]
    catalog = Catalog({check_id: c}, CATALOG.frameworks)
    evaluator = Evaluator(catalog, load_policy(None, CATALOG))
    resource = Resource(
        provider=example["provider"], kind=c.kinds[0], native_type="example", id=f"ex-{index}", name=f"ex-{index}",
        scope="example", location="ap-northeast-1", attrs=example["facts"], origin=Origin.live(),
    )
    (finding,) = evaluator.evaluate(resource)
    assert finding.status is Status(example["expect"]), (check_id, example, finding.message.en)

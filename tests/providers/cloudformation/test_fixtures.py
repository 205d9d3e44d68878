"""The CloudFormation fixture corpus (YAML and JSON, with and without --region), compared exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.kinds import validate_resource_facts
from tests.providers.iac_support import FIXTURES, load_expected, scan, target, triples

CASES = [
    (FIXTURES / "cloudformation" / "platform.yaml", FIXTURES / "cloudformation" / "platform.expected.yaml"),
    (FIXTURES / "cloudformation" / "network.json", FIXTURES / "cloudformation" / "network.expected.yaml"),
]


def _params() -> list:
    return [pytest.param(path, case, id=f"{path.name}-{case['name']}")
            for path, expected in CASES for case in load_expected(expected)]


@pytest.mark.parametrize(("path", "case"), _params())
def test_fixture_findings_match_exactly(path: Path, case: dict) -> None:
    result = scan([path], **(case.get("args") or {}))
    assert triples(result, case["checks"]) == {tuple(row) for row in case["findings"]}
    assert len(result.collection_errors) == len(case.get("errors") or [])


def test_without_region_the_message_says_how_to_supply_it() -> None:
    result = scan([FIXTURES / "cloudformation" / "network.json"])
    vpc = next(f for f in result.findings if f.resource_id == "AWS::EC2::VPC.Vpc" and f.check_id == "GC-RES-001")
    assert vpc.status.value == "UNKNOWN"
    assert "--region" in vpc.message["en"]


def test_every_emitted_resource_matches_the_kinds_table() -> None:
    from providers.iac import IacProvider

    provider = IacProvider()
    kinds = set()
    for unit in provider.plan(target([FIXTURES / "cloudformation"], region="ap-northeast-1")):
        for item in provider.collect(unit):
            assert hasattr(item, "kind"), item
            assert validate_resource_facts(item.kind, item.attrs) == [], item.id
            kinds.add(item.kind)
    assert len(kinds) >= 14

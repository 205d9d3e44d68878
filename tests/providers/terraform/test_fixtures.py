"""The Terraform fixture corpus: every expected finding, violations and compliant twins, exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.kinds import validate_resource_facts
from tests.providers.iac_support import FIXTURES, load_expected, scan, triples

CASES = [
    (FIXTURES / "terraform" / "aws_platform", FIXTURES / "terraform" / "aws_platform" / "expected.yaml"),
    (FIXTURES / "terraform" / "modules_remote", FIXTURES / "terraform" / "modules_remote" / "expected.yaml"),
    (FIXTURES / "plan" / "aws_platform.plan.json", FIXTURES / "plan" / "aws_platform.expected.yaml"),
]


def _params() -> list[tuple[Path, dict]]:
    out = []
    for path, expected in CASES:
        for case in load_expected(expected):
            out.append(pytest.param(path, case, id=f"{path.name}-{case['name']}"))
    return out


@pytest.mark.parametrize(("path", "case"), _params())
def test_fixture_findings_match_exactly(path: Path, case: dict) -> None:
    result = scan([path], **(case.get("args") or {}))
    expected = {tuple(row) for row in case["findings"]}
    assert triples(result, case["checks"]) == expected
    errors = case.get("errors") or []
    assert len(result.collection_errors) == len(errors)
    for want in errors:
        assert any(want["at"] in e.reason and want["says"] in e.reason for e in result.collection_errors), want


def test_plan_and_hcl_agree_except_for_suppressions() -> None:
    """The same configuration read as HCL and as a real `terraform show -json` plan gives the same verdicts.

    Plans carry no comments, so the HCL suppression (MUTED) is a FAIL in the plan.
    """
    checks = ["GC-RES-001", "GC-RES-004", "GC-RES-006", "GC-RES-007", "GC-RES-008", "GC-RES-010", "GC-RES-011"]
    hcl = triples(scan([FIXTURES / "terraform" / "aws_platform"]), checks)
    plan = triples(scan([FIXTURES / "plan" / "aws_platform.plan.json"]), checks)
    assert hcl - plan == {("GC-RES-001", "aws_s3_bucket.cdn_logs", "MUTED")}
    assert plan - hcl == {("GC-RES-001", "aws_s3_bucket.cdn_logs", "FAIL")}


def test_every_emitted_resource_matches_the_kinds_table() -> None:
    from providers.iac import IacProvider
    from tests.providers.iac_support import target

    provider = IacProvider()
    seen = 0
    for path in (FIXTURES / "terraform" / "aws_platform", FIXTURES / "plan" / "aws_platform.plan.json",
                 FIXTURES / "terraform" / "modules_remote"):
        for unit in provider.plan(target([path])):
            for item in provider.collect(unit):
                if hasattr(item, "kind"):
                    seen += 1
                    assert validate_resource_facts(item.kind, item.attrs) == [], item.id
    assert seen > 40

"""The policy: the baseline allows only Japan; an organization may tighten, never loosen without an exception."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scanner.catalog import load_catalog
from scanner.engine import Evaluator
from scanner.errors import PolicyError
from scanner.model import Status
from scanner.policy import load_baseline, load_policy
from tests.scanner.fakes import bucket

CATALOG = load_catalog()


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "govscan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_baseline_allows_only_japanese_locations() -> None:
    base = load_baseline()
    assert set(base.allowed_locations["aws"]) == {"ap-northeast-1", "ap-northeast-3"}
    assert "us-east-1" not in base.allowed_locations["aws"]
    assert set(base.allowed_locations["azure"]) == {"japaneast", "japanwest"}


def test_tightening_is_accepted(tmp_path: Path) -> None:
    policy = load_policy(_write(tmp_path, """
allowed_locations:
  aws: [ap-northeast-1]
required_tags: [system, 格付]
params:
  GC-LOG-009: {min_retention_days: 730}
checks:
  severity: {GC-LOG-017: high}
"""), CATALOG)
    assert policy.allowed_locations["aws"] == ("ap-northeast-1",)
    assert policy.allowed_locations["gcp"]  # untouched providers keep the baseline
    osaka = bucket("osaka", "ap-northeast-3")
    (finding,) = [f for f in Evaluator(CATALOG, policy).evaluate(osaka) if f.check_id == "GC-RES-001"]
    assert finding.status is Status.FAIL


@pytest.mark.parametrize(("text", "line", "words"), [
    ("allowed_locations:\n  aws:\n    - ap-northeast-1\n    - us-east-1\n", 4, "us-east-1"),
    ("checks:\n  disable:\n    - GC-RES-001\n", 3, "disabling GC-RES-001"),
    ("checks:\n  severity:\n    GC-RES-001: low\n", 3, "lowering critical to low"),
    ("params:\n  GC-LOG-009:\n    min_retention_days: 30\n", 3, "looser"),
    ("review_locations: [global, us-east-1]\n", 1, "us-east-1"),
])
def test_loosening_is_rejected_with_the_exact_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    with pytest.raises(PolicyError) as err:
        load_policy(_write(tmp_path, text), CATALOG)
    assert err.value.line == line
    assert words in str(err.value)
    assert str(err.value).startswith(f"{tmp_path / 'govscan.yaml'}:{line}:")


def test_loosening_with_an_approved_exception_is_accepted(tmp_path: Path) -> None:
    policy = load_policy(_write(tmp_path, """
checks:
  disable: [GC-LOG-017]
exceptions:
  - check: GC-LOG-017
    reason: access logs are collected by the central log archive
    approver: CISO office
    expires: 2099-03-31
"""), CATALOG)
    assert "GC-LOG-017" in policy.disabled


def test_exception_mutes_until_expiry_then_fails_again(tmp_path: Path) -> None:
    policy = load_policy(_write(tmp_path, """
exceptions:
  - check: GC-RES-001
    resource: "arn:aws:s3:::legacy-*"
    reason: migration to Tokyo planned
    approver: 情報セキュリティ責任者
    expires: 2026-12-31
"""), CATALOG)
    legacy = bucket("legacy-logs", "us-east-1")
    before = Evaluator(CATALOG, policy, today=dt.date(2026, 12, 1))
    after = Evaluator(CATALOG, policy, today=dt.date(2027, 1, 1))
    (muted,) = [f for f in before.evaluate(legacy) if f.check_id == "GC-RES-001"]
    (expired,) = [f for f in after.evaluate(legacy) if f.check_id == "GC-RES-001"]
    assert muted.status is Status.MUTED and "migration to Tokyo planned" in (muted.muted_reason or "")
    assert expired.status is Status.FAIL and "2026-12-31" in expired.message.en
    other = bucket("other", "us-east-1")
    assert [f.status for f in before.evaluate(other) if f.check_id == "GC-RES-001"] == [Status.FAIL]


@pytest.mark.parametrize(("text", "line"), [
    ("allowed_locations: [1, 2\n", 2),
    ("unknown_key: 1\n", 1),
    ("exceptions:\n  - check: GC-RES-001\n    reason: x\n", 2),
    ("checks:\n  disable: [GC-XXX-999]\n", 2),
])
def test_malformed_policy_names_file_and_line(tmp_path: Path, text: str, line: int) -> None:
    with pytest.raises(PolicyError) as err:
        load_policy(_write(tmp_path, text), CATALOG)
    assert err.value.path == str(tmp_path / "govscan.yaml")
    assert err.value.line == line

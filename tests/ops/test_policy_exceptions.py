"""Organization policies: tightening accepted, loosening rejected at the exact line unless an approved
exception covers it; exceptions expire back into failures and are reported as expired."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from scanner.catalog import load_catalog
from scanner.engine import Scan
from scanner.errors import PolicyError
from scanner.model import Status
from scanner.policy import load_policy
from scanner.runner import ScanOptions, execute
from tests.ops.orgfake import OrgProvider
from tests.scanner.fakes import ListProvider, bucket

TODAY = dt.date(2026, 11, 27)


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(["checks", "tests.ops.testcatalog"])


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_tightening_is_accepted(tmp_path: Path, catalog) -> None:
    path = _write(tmp_path, """\
name: 府省A
allowed_locations:
  aws: [ap-northeast-1]
checks:
  severity: {GC-RES-011: critical}
params:
  GC-ENC-990: {max_days: 90}
""")
    policy = load_policy(path, catalog, today=TODAY)
    assert policy.allowed_locations["aws"] == ("ap-northeast-1",)
    assert str(policy.severity["GC-RES-011"]) == "critical"
    assert policy.params["GC-ENC-990"] == {"max_days": 90}
    assert policy.lapsed == ()


@pytest.mark.parametrize(("body", "needle", "words"), [
    ("allowed_locations:\n  aws:\n    - ap-northeast-1\n    - us-east-1\n", "us-east-1", "outside the baseline"),
    ("checks:\n  disable:\n    - GC-RES-004\n", "GC-RES-004", "disabling GC-RES-004"),
    ("checks:\n  severity:\n    GC-RES-001: low\n", "GC-RES-001", "lowering critical to low"),
    ("params:\n  GC-ENC-990:\n    max_days: 730\n", "max_days", "looser than 365"),
    ("review_locations: [global, anycast, us-east-1]\n", "review_locations", "would turn failures into reviews"),
])
def test_loosening_is_rejected_with_the_exact_line(tmp_path: Path, catalog, body: str, needle: str, words: str) -> None:
    path = _write(tmp_path, "name: loose\n# a comment line\n" + body)
    with pytest.raises(PolicyError) as info:
        load_policy(path, catalog, today=TODAY)
    err = info.value
    assert err.path == str(path)
    assert err.line == _line_of(path, needle)
    assert words in err.message
    assert f"{path}:{err.line}:" in str(err)


def test_loosening_covered_by_an_approved_exception_is_accepted(tmp_path: Path, catalog) -> None:
    path = _write(tmp_path, """\
allowed_locations:
  aws: [ap-northeast-1, ap-northeast-3, us-east-1]
checks:
  disable: [GC-RES-004]
exceptions:
  - {check: "GC-RES-*", locations: [us-east-1], reason: 米国の外部連携, approver: CISO, expires: 2027-03-31}
  - {check: GC-RES-004, reason: 移行中, approver: CISO, expires: 2027-03-31}
""")
    policy = load_policy(path, catalog, today=TODAY)
    assert "us-east-1" in policy.allowed_locations["aws"]
    assert "GC-RES-004" in policy.disabled


def test_an_exception_without_approver_or_expiry_is_rejected_at_its_line(tmp_path: Path, catalog) -> None:
    path = _write(tmp_path, "exceptions:\n  - check: GC-RES-004\n    reason: 移行中\n    expires: 2027-03-31\n")
    with pytest.raises(PolicyError) as info:
        load_policy(path, catalog, today=TODAY)
    assert "approver" in info.value.message and info.value.line == 2


def test_a_loosening_whose_exception_expired_lapses_back_to_the_baseline(tmp_path: Path, catalog) -> None:
    # Bug fixed in scanner/policy.py: an expired exception used to keep a disabled check disabled forever.
    path = _write(tmp_path, """\
checks:
  disable: [GC-RES-004]
exceptions:
  - {check: GC-RES-004, reason: 移行中, approver: CISO, expires: 2026-10-31}
""")
    policy = load_policy(path, catalog, today=TODAY)
    assert "GC-RES-004" not in policy.disabled
    (lapsed,) = policy.lapsed
    assert f"{path}:2:" in lapsed and "expired 2026-10-31" in lapsed
    result = Scan(catalog, policy, [(ListProvider({("s3", "r"): [
        bucket("abroad", "ap-northeast-1", **{"replication.locations": ["us-west-2"]})]}), {})]).run()
    (f,) = [f for f in result.findings if f.check_id == "GC-RES-004"]
    assert f.status is Status.FAIL


def test_expired_exception_fails_again_and_is_reported_as_expired(tmp_path: Path, catalog, capsys) -> None:
    path = _write(tmp_path, """\
exceptions:
  - {check: GC-RES-001, resource: "s3-0000-*", reason: 旧システム, approver: 情報システム部長, expires: 2020-01-31}
  - {check: GC-RES-001, resource: "kms-0000-*", reason: 移行期間, approver: 情報システム部長, expires: 2099-12-31}
""")
    out = tmp_path / "out"
    code = execute([(OrgProvider(), {"accounts": 1, "regions": "us-east-1", "services": "s3,kms", "per_unit": 1})],
                   ScanOptions(policy=str(path), output_dir=str(out), lang="en", fail_on="critical"))
    assert code == 1
    doc = json.loads((out / "govscan.json").read_text())
    by_name = {f["resource_name"]: f for f in doc["findings"] if f["check_id"] == "GC-RES-001"}
    expired, active = by_name["s3-0000-us-east-1-0"], by_name["kms-0000-us-east-1-0"]
    assert expired["status"] == "FAIL" and "expired on 2020-01-31" in expired["message"]
    assert active["status"] == "MUTED"
    flags = {e["resource"]: e["expired"] for e in doc["policy"]["exceptions"]}
    assert flags == {"s3-0000-*": True, "kms-0000-*": False}
    console = capsys.readouterr().out
    assert "Expired exceptions (1)" in console and "s3-0000-* (*) expired 2020-01-31" in console


def test_an_active_exception_wins_over_an_expired_one(tmp_path: Path, catalog) -> None:
    # Bug fixed: the first matching exception was used even when it had expired and a renewed one existed.
    path = _write(tmp_path, """\
exceptions:
  - {check: GC-RES-001, resource: abroad, reason: 初回承認, approver: CISO, expires: 2025-03-31}
  - {check: GC-RES-001, resource: abroad, reason: 更新承認, approver: CISO, expires: 2027-03-31}
""")
    policy = load_policy(path, catalog, today=TODAY)
    result = Scan(catalog, policy, [(ListProvider({("s3", "r"): [bucket("abroad", "us-east-1")]}), {})]).run()
    (f,) = [f for f in result.findings if f.check_id == "GC-RES-001"]
    assert f.status is Status.MUTED and "更新承認" in (f.muted_reason or "")

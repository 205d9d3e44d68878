"""History, diff and follow-up over real stored scans, remediation plans and their CSV import."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import cli
from scanner.errors import UsageError
from scanner.runner import ScanOptions, execute
from scanner.store import open_store
from scanner.store.followup import diff, followup, read_plan_csv, render_followup
from tests.ops.orgfake import OrgProvider

TODAY = dt.date(2026, 11, 27)


def _scan(url: str, out: Path, policy: Path | None = None, **target) -> str:
    execute([(OrgProvider(), {"regions": "ap-northeast-1,us-east-1", "services": "s3,kms", **target})],
            ScanOptions(output_dir=str(out), store=url, quiet=True, fail_on="none",
                        policy=str(policy) if policy else None))
    return json.loads((out / "govscan.json").read_text())["findings"]


@pytest.fixture(scope="module")
def two_scans(tmp_path_factory) -> tuple[str, list[str]]:
    tmp = tmp_path_factory.mktemp("followup")
    url = f"sqlite:///{tmp / 'govscan.db'}"
    policy = tmp / "policy.yaml"
    policy.write_text("checks:\n  severity: {GC-RES-010: critical}\n", encoding="utf-8")
    _scan(url, tmp / "a", accounts=4, variant=0)
    _scan(url, tmp / "b", policy=policy, accounts=3, variant=1)  # account 3 not rescanned; GC-RES-010 raised
    return url, open_store(url).scan_ids()


def _rows(url: str, scan_id: str) -> dict[str, dict]:
    return open_store(url).finding_rows(scan_id)


def test_diff_new_fixed_still_failing_changed_severity_not_rescanned(two_scans) -> None:
    url, (old, new) = two_scans
    a, b = _rows(url, old), _rows(url, new)
    result = diff(open_store(url), old, new)
    fail_a = {fp for fp, r in a.items() if r["status"] == "FAIL"}
    fail_b = {fp for fp, r in b.items() if r["status"] == "FAIL"}
    assert {i["fingerprint"] for i in result["new"]} == fail_b - fail_a
    assert {i["fingerprint"] for i in result["still_failing"]} == fail_a & fail_b
    gone_scope = {fp for fp in fail_a if a[fp]["scope"] == "100000000003"}
    assert {i["fingerprint"] for i in result["not_rescanned"]} == gone_scope
    assert {i["fingerprint"] for i in result["fixed"]} == fail_a - fail_b - gone_scope
    assert result["new"] and result["fixed"] and result["still_failing"] and gone_scope
    changed = result["changed_severity"]
    assert changed and all(i["check_id"] == "GC-RES-010" and i["previous_severity"] == "high"
                           and i["severity"] == "critical" for i in changed)
    assert result["counts"]["new"] == len(result["new"])


def test_diff_cli_defaults_to_the_last_two_scans(two_scans) -> None:
    url, (old, new) = two_scans
    res = CliRunner().invoke(cli, ["diff", "--store", url, "--format", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert (doc["old_scan"], doc["new_scan"]) == (old, new)
    text = CliRunner().invoke(cli, ["diff", old, new, "--store", url, "--lang", "en"]).output
    assert "-- New failures" in text and "-- Fixed" in text and "-- Changed severity" in text


def test_history_lists_scans_newest_first(two_scans) -> None:
    url, (old, new) = two_scans
    doc = json.loads(CliRunner().invoke(cli, ["history", "--store", url, "--format", "json"]).output)
    assert [r["scan_id"] for r in doc] == [new, old]
    assert all(r["complete"] and r["counts"]["FAIL"] > 0 for r in doc)


def test_followup_reports_fixed_still_failing_and_overdue_plans(two_scans) -> None:
    url, (old, _new) = two_scans
    store = open_store(url)
    before = followup(store, today=TODAY)
    still = [i for i in before["items"] if i["outcome"] == "still_failing"]
    fixed = [i for i in before["items"] if i["outcome"] == "fixed"]
    assert still and fixed and before["counts"]["not_rescanned"] > 0
    late, done, on_time, fixed_late = still[0]["fingerprint"], still[1]["fingerprint"], still[2]["fingerprint"], \
        fixed[0]["fingerprint"]
    store.set_plan(late, owner="情報システム課 田中", due=dt.date(2026, 10, 31), status="in_progress", note="予算申請中")
    store.set_plan(done, owner="b", due=dt.date(2026, 10, 31), status="done")
    store.set_plan(on_time, owner="c", due=dt.date(2027, 3, 31), status="open")
    store.set_plan(fixed_late, owner="d", due=dt.date(2026, 1, 1), status="in_progress")
    report = followup(store, today=TODAY)
    items = {i["fingerprint"]: i for i in report["items"]}
    assert items[late]["overdue"] and items[late]["plan"]["owner"] == "情報システム課 田中"
    assert not items[done]["overdue"] and not items[on_time]["overdue"] and not items[fixed_late]["overdue"]
    assert report["counts"]["overdue"] == 1 and report["items"][0]["fingerprint"] == late  # overdue first
    # every earlier failure is listed, nothing else
    a = _rows(url, old)
    assert set(items) == {fp for fp, r in a.items() if r["status"] == "FAIL"}
    md = render_followup(report, "markdown", "ja")
    assert md.startswith("# フォローアップ報告") and "期限超過 1 件" in md and "| 未是正 | ⚠ |" in md
    en = render_followup(report, "markdown", "en")
    assert "overdue 1" in en and "| still failing | ⚠ |" in en
    res = CliRunner().invoke(cli, ["followup", "--store", url, "--format", "json", "--today", "2026-11-27"])
    assert json.loads(res.output)["counts"] == report["counts"]


def test_followup_csv_round_trips_through_plan_import(two_scans, tmp_path: Path) -> None:
    url, _ = two_scans
    store = open_store(url)
    text = render_followup(followup(store, today=TODAY), "csv", "ja")
    assert text.startswith("\ufeffフィンガープリント,")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    header, body = rows[0], rows[1:4]
    for row, (owner, due, status) in zip(body, [("=HYPERLINK(1)", "2027/1/5", "対応中"), ("佐藤", "2027-02-01", "完了"),
                                                  ("鈴木", "", "リスク受容")], strict=True):
        row[header.index("担当者")], row[header.index("期限")], row[header.index("対応状況")] = owner, due, status
    sent_back = tmp_path / "返送.csv"
    buf = io.StringIO()
    csv.writer(buf).writerows([header, *body])
    sent_back.write_bytes(("\ufeff" + buf.getvalue()).encode("utf-8"))
    res = CliRunner().invoke(cli, ["plan", "import", str(sent_back), "--store", url])
    assert res.exit_code == 0, res.output
    plans = store.plans()
    first = plans[body[0][0]]
    assert (first["owner"], first["due"], first["status"]) == ("=HYPERLINK(1)", dt.date(2027, 1, 5), "in_progress")
    assert plans[body[1][0]]["status"] == "done" and plans[body[2][0]]["status"] == "risk_accepted"
    # the next follow-up CSV neutralizes a cell Excel would run as a formula
    again = render_followup(followup(store, today=TODAY), "csv", "ja")
    assert "'=HYPERLINK(1)" in again
    listed = json.loads(CliRunner().invoke(cli, ["plan", "list", "--store", url, "--format", "json"]).output)
    assert {p["fingerprint"] for p in listed} >= {r[0] for r in body}


def test_plan_import_reports_every_bad_row_with_its_line_and_imports_nothing(two_scans, tmp_path: Path) -> None:
    url, (old, _) = two_scans
    store = open_store(url)
    fps = sorted(_rows(url, old))
    good = fps[5]
    data = (
        "fingerprint,owner,due,status,note\n"
        f"{good},alice,2027-01-31,open,ok\n"
        f"{fps[6]},bob,2027-13-01,open,bad month\n"
        "\n"
        "deadbeef,carol,2027-01-31,open,unknown\n"
        f"{fps[7]},dave,2027-01-31,someday,bad status\n"
        f'{fps[8]},"multi\nline",2027/02/30,open,bad day after a quoted newline\n'
    ).encode()
    _items, problems = read_plan_csv(data, store.known_fingerprints)
    assert [p.split(":")[0] for p in problems] == ["line 3", "line 5", "line 6", "line 7"]
    assert "2027-13-01" in problems[0] or "month" in problems[0]
    assert "unknown fingerprint 'deadbeef'" in problems[1] and "someday" in problems[2]
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    res = CliRunner().invoke(cli, ["plan", "import", str(path), "--store", url])
    assert isinstance(res.exception, UsageError) and "4 bad row(s); nothing imported" in str(res.exception)
    assert good not in store.plans()


def test_plan_import_rejects_a_file_that_is_not_utf8_or_has_no_plan_columns() -> None:
    _, problems = read_plan_csv("指摘,担当者\n".encode("cp932"), lambda fps: set())
    assert problems[0].startswith("line 1: not UTF-8")
    _, problems = read_plan_csv(b"fingerprint,title\nabc,x\n", lambda fps: set())
    assert problems == ["line 1: no plan column (owner/担当者, due/期限, status/対応状況, note/備考)"]


def test_plan_set_validates_and_status_reports_progress(two_scans) -> None:
    url, (_, new) = two_scans
    fp = next(iter(_rows(url, new)))
    res = CliRunner().invoke(cli, ["plan", "set", fp, "--store", url, "--owner", "x", "--due", "2027-04-01",
                                   "--status", "対応中"])
    assert res.exit_code == 0 and json.loads(res.output)["status"] == "in_progress"
    res = CliRunner().invoke(cli, ["plan", "set", "nope", "--store", url, "--owner", "x"])
    assert isinstance(res.exception, UsageError)
    p = json.loads(CliRunner().invoke(cli, ["status", new, "--store", url, "--format", "json"]).output)
    assert p["complete"] and p["scopes"] == p["scopes_finished"] == 3 and p["percent"] == 100.0

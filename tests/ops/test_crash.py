"""Crash safety (issue 8 item 2): a real `govscan scan` process killed with SIGKILL halfway keeps what it
decided, says it is incomplete, and `--resume` completes it without collecting finished units again."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scanner.runner import ScanOptions, execute
from scanner.spool import read_spool
from tests.ops.conftest import ROOT, cli_env, run_cli
from tests.ops.orgfake import LOG_ENV, OrgProvider
from tests.reliability import record

TARGET = {"accounts": 12, "regions": "ap-northeast-1,us-east-1", "services": "s3,kms", "per_unit": 3}
ARGS = ["scan", "fakeorg", "--accounts", "12", "--regions", "ap-northeast-1,us-east-1", "--services", "s3,kms",
        "--per-unit", "3", "--fail-on", "none", "--quiet", "--workers", "4"]


def _reference(tmp_path: Path) -> set[tuple[str, str, str, str]]:
    out = tmp_path / "reference"
    execute([(OrgProvider(), TARGET)], ScanOptions(output_dir=str(out), quiet=True, fail_on="none"))
    return _keys(json.loads((out / "govscan.json").read_text())["findings"])


def _keys(findings: list[dict]) -> set[tuple[str, str, str, str]]:
    return {(f["fingerprint"], f["check_id"], f["status"], f["severity"]) for f in findings}


def _unit_lines(spool: Path) -> int:
    if not spool.exists():
        return 0
    return sum(1 for line in spool.read_text(encoding="utf-8", errors="replace").splitlines() if '"type": "unit"' in line)


def _kill_halfway(out: Path, log: Path, extra: list[str], done_units: int = 14) -> int:
    proc = subprocess.Popen([sys.executable, "-m", "scanner.cli", *ARGS, "--latency", "0.05", "--output-dir", str(out),
                             *extra], cwd=ROOT, env=cli_env(**{LOG_ENV: str(log)}),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while _unit_lines(out / "findings.jsonl") < done_units:
        assert proc.poll() is None, "the scan finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    return proc.pid


def _collected_by_others(log: Path, pid: int) -> list[str]:
    return [line.split()[1] for line in log.read_text().splitlines() if line.split()[0] != str(pid)]


def test_sigkill_keeps_the_spool_and_resume_completes_it(tmp_path: Path) -> None:
    reference = _reference(tmp_path)
    out, log = tmp_path / "out", tmp_path / "collected.log"
    pid = _kill_halfway(out, log, [])
    kept, done = read_spool(out / "findings.jsonl")
    assert kept.complete is False and "did not finish" in kept.incomplete_reasons[0]
    assert 14 <= len(done) < 48 and kept.findings
    assert _keys([_as_dict(f) for f in kept.findings]) <= reference  # nothing decided wrongly
    assert not (out / "govscan.json").exists()
    proc = run_cli(*ARGS, "--output-dir", str(out), "--resume", kept.scan_id, env=cli_env(**{LOG_ENV: str(log)}))
    assert proc.returncode == 0, proc.stderr
    again = _collected_by_others(log, pid)
    assert not set(again) & done, "a finished unit was collected again"
    assert len(again) == 48 - len(done)
    doc = json.loads((out / "govscan.json").read_text())
    assert doc["complete"] is True and _keys(doc["findings"]) == reference
    record("crash", scenario="SIGKILL mid-scan (spool only), then --resume", findings_kept=len(kept.findings),
           marked_incomplete=True, resumed_complete=True)


def _as_dict(f) -> dict:
    return {"fingerprint": f.fingerprint, "check_id": f.check_id, "status": f.status.value, "severity": f.severity.value}


def _store_case(tmp_path: Path, url: str, label: str) -> None:
    from scanner.store import open_store

    reference = _reference(tmp_path)
    out, log = tmp_path / "out", tmp_path / "collected.log"
    pid = _kill_halfway(out, log, ["--store", url], done_units=20)
    store = open_store(url)
    (scan,) = store.scans()
    assert scan["finished_at"] is None and not scan["complete"]  # the store says it did not finish
    runs = store.scope_runs(scan["id"])
    finished = [r for r in runs if r["status"] == "done"]
    assert finished, "no scope finished before the kill"
    kept = store.findings(scan["id"])
    # one transaction per scope: every finished scope is there whole, nothing of an unfinished one
    per_scope = len(reference) // 12
    assert len(kept) == sum(r["findings"] for r in finished) == per_scope * len(finished)
    assert {f.scope for f in kept} == {r["scope_key"].split("/")[1] for r in finished}
    status = run_cli("status", scan["id"], "--store", url, "--format", "json")
    assert json.loads(status.stdout)["complete"] is False
    proc = run_cli(*ARGS, "--output-dir", str(out), "--store", url, "--resume", scan["id"],
                   env=cli_env(**{LOG_ENV: str(log)}))
    assert proc.returncode == 0, proc.stderr
    finished_units = {u for r in finished for u in r["units"]}
    again = _collected_by_others(log, pid)
    assert not set(again) & finished_units, "a unit of a finished scope was collected again"
    assert len(again) == 48 - len(finished_units)
    doc = json.loads((out / "govscan.json").read_text())
    assert doc["complete"] is True and _keys(doc["findings"]) == reference
    (after,) = store.scans()
    assert after["complete"] and after["id"] == scan["id"]
    assert _keys([_as_dict(f) for f in store.findings(scan["id"])]) == reference
    record("crash", scenario=f"SIGKILL mid-scan with a {label} store, then --resume SCAN_ID",
           findings_kept=len(kept), marked_incomplete=True, resumed_complete=True)


def test_sigkill_keeps_every_finished_scope_in_the_sqlite_store(tmp_path: Path) -> None:
    _store_case(tmp_path, f"sqlite:///{tmp_path / 'govscan.db'}", "SQLite")


@pytest.mark.services
def test_sigkill_keeps_every_finished_scope_in_the_postgresql_store(tmp_path: Path, pg_url: str) -> None:
    _store_case(tmp_path, pg_url, "PostgreSQL")

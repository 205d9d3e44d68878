"""Distributed scans on the real Redis and PostgreSQL of this machine, with real `govscan worker` processes:
the same findings as a single-process scan, nothing lost when a worker is killed, idempotent redelivery,
and a resumed distributed scan that re-collects no finished scope."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scanner.runner import ScanOptions, execute
from tests.ops.conftest import ROOT, Workers, cli_env, run_cli
from tests.ops.orgfake import LOG_ENV, OrgProvider
from tests.reliability import record

pytestmark = pytest.mark.services

ORG = ["--accounts", "20", "--regions", "ap-northeast-1,us-east-1", "--services", "s3,kms", "--per-unit", "2"]
TARGET = {"accounts": 20, "regions": "ap-northeast-1,us-east-1", "services": "s3,kms", "per_unit": 2}


def _keys(findings: list[dict]) -> list[tuple[str, str, str, str, str]]:
    return sorted((f["fingerprint"], f["check_id"], f["status"], f["severity"], f["message"]) for f in findings)


def _single_process(tmp_path: Path) -> list[tuple[str, str, str, str, str]]:
    out = tmp_path / "single"
    execute([(OrgProvider(), TARGET)], ScanOptions(output_dir=str(out), quiet=True, fail_on="none"))
    return _keys(json.loads((out / "govscan.json").read_text())["findings"])


def _distributed(tmp_path: Path, pg_url: str, queue: str, latency: str, timeout: float = 240) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "scanner.cli", "scan", "fakeorg", *ORG, "--latency", latency, "--distributed",
         "--store", pg_url, "--queue", queue, "--output-dir", str(tmp_path / "dist"), "--fail-on", "none", "--quiet"],
        cwd=ROOT, env=cli_env(GOVSCAN_FAKEORG_LOG=str(tmp_path / "collected.log")), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)


def _collected(tmp_path: Path) -> list[tuple[str, str]]:
    log = tmp_path / "collected.log"
    return [tuple(line.split()) for line in log.read_text().splitlines()] if log.exists() else []  # type: ignore[misc]


def test_two_workers_give_exactly_the_single_process_findings(tmp_path: Path, pg_url: str, queue: str,
                                                              workers: Workers) -> None:
    expected = _single_process(tmp_path)
    workers.start(2)
    proc = _distributed(tmp_path, pg_url, queue, "0.01")
    _, err = proc.communicate(timeout=240)
    assert proc.returncode == 0, err
    doc = json.loads((tmp_path / "dist" / "govscan.json").read_text())
    assert doc["complete"] is True
    assert _keys(doc["findings"]) == expected
    from scanner.store import open_store

    store = open_store(pg_url)
    (scan,) = store.scans()
    progress = store.progress(scan["id"])
    assert progress["scopes"] == progress["scopes_finished"] == 20
    assert len(progress["workers"]) == 2  # both workers took scopes
    assert scan["api_calls"] == {"aws": 20 * 4 * 3}
    assert sorted(u for _, u in _collected(tmp_path)) == sorted(
        f"aws/{100000000000 + i:012d}/{s}/{r}" for i in range(20) for s in ("s3", "kms")
        for r in ("ap-northeast-1", "us-east-1"))  # every unit collected exactly once
    status = run_cli("status", scan["id"], "--store", pg_url)
    assert "complete, scopes 20/20 (100.0%)" in status.stdout
    store.close()


def test_a_killed_worker_loses_nothing(tmp_path: Path, pg_url: str, queue: str, workers: Workers) -> None:
    expected = _single_process(tmp_path)
    victim, survivor = workers.start(2, visibility=5)
    proc = _distributed(tmp_path, pg_url, queue, "0.1")
    deadline = time.monotonic() + 60
    while not any(pid == str(victim.pid) for pid, _ in _collected(tmp_path)):  # the victim is mid-scope
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.02)
    workers.kill(victim)
    killed_units = {u for pid, u in _collected(tmp_path) if pid == str(victim.pid)}
    _, err = proc.communicate(timeout=240)
    assert proc.returncode == 0, err
    doc = json.loads((tmp_path / "dist" / "govscan.json").read_text())
    assert doc["complete"] is True
    assert _keys(doc["findings"]) == expected  # nothing lost, nothing duplicated
    redone = {u for pid, u in _collected(tmp_path) if pid == str(survivor.pid)}
    assert killed_units <= redone  # the lost worker's scope was delivered again
    record("crash", scenario="distributed: a Celery worker SIGKILLed mid-scope (acks late, redelivered)",
           findings_kept=len(doc["findings"]), marked_incomplete=False, resumed_complete=True)


def test_a_redelivered_scope_task_does_not_duplicate(tmp_path: Path, pg_url: str) -> None:
    from scanner.distributed.coordinator import group_units
    from scanner.distributed.tasks import scan_scope
    from scanner.store import open_store

    store = open_store(pg_url)
    store.create_scan("s1", "2026-11-27T00:00:00Z", ["fakeorg"], {}, "test", distributed=True)
    units = list(OrgProvider().plan(TARGET))
    groups = group_units(units)
    store.plan_scopes("s1", groups)
    key = "aws/100000000007"
    payload = {"scan_id": "s1", "store": pg_url, "key": key, "labels": groups[key], "provider": "fakeorg",
               "target": TARGET, "policy_path": None, "policy_data": None, "seen_at": "2026-11-27T00:00:00Z"}
    first = scan_scope(payload)
    second = scan_scope(payload)
    assert first["committed"] is True and second == {"key": key, "skipped": True}
    (run,) = [r for r in store.scope_runs("s1") if r["scope_key"] == key]
    assert run["status"] == "done" and run["attempts"] == 1
    assert len(store.findings("s1")) == first["findings"]
    # two deliveries racing past the status check: the second commit is refused
    assert store.commit_scope("s1", key, groups[key], [], [], seen_at="x", once=True) is False
    assert len(store.findings("s1")) == first["findings"]
    store.close()


def test_large_scopes_are_split_per_region() -> None:
    from scanner.distributed.coordinator import group_units

    units = list(OrgProvider().plan({"accounts": 2, "regions": ",".join(f"r{i}" for i in range(30)), "services": "s3,kms"}))
    groups = group_units(units, split_units=40)
    assert len(groups) == 2 * 30 and all("@" in k and len(v) == 2 for k, v in groups.items())
    assert len(group_units(units[:40], split_units=40)) == 1


def test_resuming_a_distributed_scan_sends_only_unfinished_scopes(tmp_path: Path, pg_url: str, queue: str,
                                                                  workers: Workers) -> None:
    import redis

    expected = _single_process(tmp_path)
    (w,) = workers.start(1, visibility=5)
    proc = _distributed(tmp_path, pg_url, queue, "0.05")
    deadline = time.monotonic() + 60
    while len(_collected(tmp_path)) < 5 * 4:  # about five scopes in
        assert time.monotonic() < deadline
        time.sleep(0.02)
    workers.kill(w)
    proc.kill()
    proc.wait()
    redis.Redis.from_url("redis://127.0.0.1:6379/0").delete(queue)  # the queued tasks are lost too
    from scanner.store import open_store

    store = open_store(pg_url)
    (scan,) = store.scans()
    finished = {r["scope_key"] for r in store.scope_runs(scan["id"]) if r["status"] == "done"}
    assert 0 < len(finished) < 20 and not scan["finished_at"]
    before = len(_collected(tmp_path))
    workers.start(1)
    proc = subprocess.run(
        [sys.executable, "-m", "scanner.cli", "scan", "fakeorg", *ORG, "--distributed", "--store", pg_url,
         "--queue", queue, "--resume", scan["id"], "--output-dir", str(tmp_path / "dist"), "--fail-on", "none",
         "--quiet"], cwd=ROOT, env=cli_env(**{LOG_ENV: str(tmp_path / "collected.log")}), capture_output=True,
        text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr
    again = {u.rsplit("/", 2)[0] for _, u in _collected(tmp_path)[before:]}
    assert not again & finished  # no finished scope collected again
    doc = json.loads((tmp_path / "dist" / "govscan.json").read_text())
    assert doc["complete"] is True and _keys(doc["findings"]) == expected
    record("crash", scenario="distributed: coordinator, worker and queue lost, then --resume SCAN_ID",
           findings_kept=sum(r["findings"] for r in store.scope_runs(scan["id"]) if r["scope_key"] in finished),
           marked_incomplete=True, resumed_complete=True)
    store.close()


def test_schedules_become_celery_beat_entries(tmp_path: Path) -> None:
    from celery.schedules import crontab

    from scanner.config import load_config
    from scanner.distributed.app import beat_schedule

    cfg = tmp_path / "govscan.yaml"
    cfg.write_text("""\
targets:
  - {provider: fakeorg, name: org-a, group: nightly, accounts: 2}
  - {provider: fakeorg, name: org-b, group: weekly, accounts: 3}
schedules:
  - {name: nightly, cron: "30 2 * * *", groups: [nightly]}
  - {name: weekly, cron: "@weekly", groups: [nightly, weekly]}
""", encoding="utf-8")
    entries = beat_schedule(load_config(cfg), queue="q1")
    assert entries["nightly"]["schedule"] == crontab(minute="30", hour="2")
    assert entries["weekly"]["schedule"] == crontab(minute="0", hour="0", day_of_week="0")
    assert entries["weekly"]["args"] == (str(cfg.resolve()), ["nightly", "weekly"])
    assert entries["nightly"]["task"] == "govscan.scan_config" and entries["nightly"]["options"] == {"queue": "q1"}
    dry = run_cli("schedule", "--config", str(cfg), "--dry-run")
    assert json.loads(dry.stdout)["schedules"][0] == {"name": "nightly", "cron": ["30", "2", "*", "*", "*"],
                                                      "groups": ["nightly"]}

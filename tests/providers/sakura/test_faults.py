"""Fault injection against the fake Sakura API: every fault ends in a named collection error, never a pass."""

from __future__ import annotations

import time

import pytest

from scanner.model import Status
from tests.fakes.sakura_api import FakeSakura, Fault
from tests.providers.sakura.conftest import ACCOUNT
from tests.providers.sakura.test_scan import run, status
from tests.reliability import record

REASONS = {"429": "HTTP 429", "503": "HTTP 503", "500": "HTTP 500", "401": "HTTP 401", "403": "HTTP 403",
           "malformed": "malformed", "truncated": "truncated", "reset": "reset", "slow": "timeout",
           "lying_total": "paging did not advance"}

# label, fault, (service, zone, operation) named, dependent (check, resource), judged elsewhere (check, resource)
CASES = [
    ("throttling 429 past retries", Fault("429", "cloud/1.1/disk", "is1b"), ("server", "is1b", "GET disk"),
     ("GC-ENC-501", "compute.disk in is1b (not collected)"), ("GC-ENC-501", "app01-disk")),
    ("server error 503 past retries", Fault("503", "cloud/1.1/packetfilter", "is1a"), ("network", "is1a", "GET packetfilter"),
     ("GC-NET-501", "network.firewall in is1a (not collected)"), ("GC-NET-015", "web01")),
    ("authentication failure 401 in one zone", Fault("401", "cloud/1.1/appliance", "is1a"),
     ("appliance", "is1a", "GET appliance (loadbalancer)"), ("GC-ENC-501", "database.instance in is1a (not collected)"),
     ("GC-ENC-501", "app01-disk")),
    ("permission denied 403 on a bucket detail", Fault("403", "buckets/{name}/encryption"),
     ("objectstorage", "is1a", "GET objectstorage/buckets/encryption"), ("GC-ENC-501", "gov-archive"), ("GC-NET-015", "web01")),
    ("malformed body", Fault("malformed", "cloud/1.1/server", "is1c"), ("server", "is1c", "GET server"),
     ("GC-NET-015", "compute.instance in is1c (not collected)"), ("GC-NET-015", "web01")),
    ("truncated body", Fault("truncated", "cloud/1.1/disk", "tk1b"), ("server", "tk1b", "GET disk"),
     ("GC-ENC-501", "compute.disk in tk1b (not collected)"), ("GC-ENC-501", "web01-disk")),
    ("connection reset", Fault("reset", "cloud/1.1/packetfilter", "tk1a"), ("network", "tk1a", "GET packetfilter"),
     ("GC-NET-501", "network.firewall in tk1a (not collected)"), ("GC-NET-501", "pf-closed")),
    ("timeout (slow response)", Fault("slow", "webaccel/1.0/site", delay=2.5), ("webaccel", "is1a", "GET webaccel/site"),
     ("GC-RES-001", "cdn.distribution in is1a (not collected)"), ("GC-RES-001", "gov-archive")),
    ("a Total that lies (paging never advances)", Fault("lying_total", "cloud/1.1/server", "is1a"),
     ("server", "is1a", "GET server"), ("GC-NET-015", "compute.instance in is1a (not collected)"), ("GC-NET-501", "pf-closed")),
]


@pytest.mark.parametrize(("label", "fault", "named", "dependent", "elsewhere"), CASES, ids=[c[0] for c in CASES])
def test_fault_gives_named_error_and_scan_completes(fake: FakeSakura, label: str, fault: Fault, named: tuple[str, str, str],
                                                   dependent: tuple[str, str], elsewhere: tuple[str, str]) -> None:
    fake.faults.append(fault)
    started = time.monotonic()
    result, _ = run(fake, read_timeout=1.0, page_size=1 if fault.kind == "lying_total" else 100)
    seconds = time.monotonic() - started
    assert seconds < 20
    errors = [e for e in result.collection_errors if (e.service, e.region, e.operation) == named]
    assert errors, [e.as_dict() for e in result.collection_errors]
    assert all(e.scope == ACCOUNT and REASONS[fault.kind] in e.reason for e in errors), errors[0].reason
    assert status(result, *dependent) in (Status.UNKNOWN, Status.ERROR)
    assert status(result, *elsewhere) in (Status.PASS, Status.FAIL)
    silent = sum(1 for f in result.findings if f.check_id == dependent[0] and f.resource_name == dependent[1]
                 and f.status == Status.PASS)
    assert silent == 0
    record("faults", provider="sakura", fault=label, where="/".join(named), finished=True, seconds=round(seconds, 2),
           error_names=f"{ACCOUNT}/{named[0]}/{named[1]}/{named[2]}", silent_passes=silent, kept_elsewhere=True)


def test_rate_limit_once_is_retried_after_retry_after(fake: FakeSakura) -> None:
    fake.faults.append(Fault("429", "cloud/1.1/server", "is1a", times=1))
    started = time.monotonic()
    result, _ = run(fake)
    assert result.collection_errors == []
    assert sum(1 for e in fake.log if e["operation"] == "GET cloud/1.1/server" and e["zone"] == "is1a") == 2
    assert time.monotonic() - started >= 0.2  # the Retry-After of 1 s, bounded by max_wait_seconds=0.2
    assert status(result, "GC-NET-015", "web01") == Status.FAIL


def test_wrong_key_fails_every_unit_and_passes_nothing(fake: FakeSakura, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAKURACLOUD_ACCESS_TOKEN_SECRET", "wrong-secret")
    result, _ = run(fake)
    assert result.collection_errors and all("HTTP 401" in e.reason for e in result.collection_errors)
    assert not [f for f in result.findings if f.status == Status.PASS]
    assert all("wrong-secret" not in e.reason for e in result.collection_errors)
    record("faults", provider="sakura", fault="authentication failure (wrong API key) everywhere", where="*/*/*",
           finished=True, seconds=0, error_names="every unit: HTTP 401 unauthorized", silent_passes=0, kept_elsewhere="n/a")


def test_missing_credentials_is_a_plan_error(fake: FakeSakura, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SAKURACLOUD_ACCESS_TOKEN")
    result, _ = run(fake)
    assert [(e.service, e.operation) for e in result.collection_errors] == [("plan", "configure")]
    assert fake.log == []

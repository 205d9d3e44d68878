"""Faults injected into the fake ARM / Resource Graph: each scan finishes within its bound, the
collection error names scope, service, region and operation, dependent checks are UNKNOWN (never
PASS) and everything else is still evaluated."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest

from scanner.model import CollectionError, Status
from tests.fakes.azure_arm import GRAPH_PATH, Fault, from_fixtures
from tests.providers.azure.support import SUB_A, SUB_C, Outcome, run_scan
from tests.reliability import record

BOUND_SECONDS = 20.0


def graph_for(kind: str) -> Callable[[str, str, Mapping[str, Any]], bool]:
    """Match Resource Graph queries that ask for `kind`."""
    return lambda method, path, body: path.lower() == GRAPH_PATH and kind in str(body.get("query") or "")


def arm_path(fragment: str) -> Callable[[str, str, Mapping[str, Any]], bool]:
    return lambda method, path, body: method == "GET" and fragment.lower() in path.lower()


def _named(errors: list[CollectionError]) -> bool:
    return bool(errors) and all(e.scope and e.service and e.region and e.operation and e.reason for e in errors)


def _check(out: Outcome, fault: str, where: str, service: str, dependent: list[tuple[str, str, str | None]],
           elsewhere: list[tuple[str, str, Status]]) -> None:
    """Assert the common contract and record the row."""
    errors = [e for e in out.result.collection_errors if e.service == service]
    assert out.seconds < BOUND_SECONDS, out.seconds
    assert _named(errors), out.result.collection_errors
    silent = 0
    for check_id, kind, name in dependent:
        found = [f for f in out.result.findings if f.check_id == check_id and f.resource_kind == kind
                 and (name is None or f.resource_name == name)]
        assert found, (check_id, kind, name)
        silent += sum(f.status is Status.PASS for f in found)
        assert {f.status for f in found} <= {Status.UNKNOWN, Status.ERROR}, [(f.resource_name, f.status) for f in found]
    for check_id, name, status in elsewhere:
        assert out.status(check_id, name) is status, (check_id, name)
    record("faults", provider="azure", fault=fault, where=where, finished=True, seconds=round(out.seconds, 2),
           error_names=True, silent_passes=silent, kept_elsewhere=True)


ELSEWHERE = [("GC-NET-001", "nsg-web-b", Status.FAIL), ("GC-LOG-001", "gov-juminkiroku-prod", Status.PASS)]


def test_throttling_past_retries() -> None:
    fake = from_fixtures()
    fake.faults.append(Fault("429", graph_for("microsoft.storage/storageaccounts"), retry_after="30"))
    out = run_scan(fake)
    (error,) = [e for e in out.result.collection_errors if e.service == "storage"]
    assert error.operation == "Microsoft.ResourceGraph/resources/read" and "429" in error.reason
    assert error.region == "global" and "4 subscriptions" in error.scope
    _check(out, "429 RateLimiting with Retry-After 30 s, past retries", "Resource Graph (storage)", "storage",
           [("GC-RES-004", "storage.bucket", None), ("GC-NET-004", "storage.bucket", None)], ELSEWHERE)


def test_retry_after_is_honoured_within_its_bound() -> None:
    fake = from_fixtures()
    fake.faults.append(Fault("429", graph_for("microsoft.storage/storageaccounts"), times=1, retry_after="3600"))
    out = run_scan(fake, max_retry_after=0.3)
    assert out.result.collection_errors == []
    assert out.status("GC-RES-004", "govdataa01") is Status.PASS
    assert 0.3 <= out.seconds < BOUND_SECONDS  # slept the clamped Retry-After, not an hour
    record("faults", provider="azure", fault="429 once with Retry-After 3600 s (clamped to the bound)",
           where="Resource Graph (storage)", finished=True, seconds=round(out.seconds, 2), error_names=True,
           silent_passes=0, kept_elsewhere=True)


def test_server_error_on_a_whole_family() -> None:
    fake = from_fixtures()
    fake.faults.append(Fault("500", graph_for("microsoft.sql/servers'")))
    out = run_scan(fake)
    _check(out, "HTTP 500 on every attempt", "Resource Graph (databases)", "databases",
           [("GC-NET-005", "database.instance", None), ("GC-RES-006", "nosql.table", None),
            ("GC-ENC-006", "database.instance", None)], ELSEWHERE)


def test_server_error_on_one_detail_call_blurs_one_fact() -> None:
    fake = from_fixtures()
    fake.faults.append(Fault("503", arm_path("/vaults/kv-gov-a/keys")))
    out = run_scan(fake)
    (error,) = [e for e in out.result.collection_errors if e.service == "keyvault"]
    assert (error.scope, error.region, error.operation) == (SUB_A, "japaneast", "GET keys")
    assert out.status("GC-ENC-011", "kv-gov-a") is Status.PASS  # the vault itself was read
    _check(out, "HTTP 503 on one ARM GET", "Key Vault keys of one vault", "keyvault",
           [("GC-ENC-010", "kms.key", "kv-gov-a"), ("GC-ENC-008", "kms.key", "kv-gov-a")],
           [*ELSEWHERE, ("GC-ENC-010", "kv-gov-b", Status.FAIL)])


def test_timeout() -> None:
    fake = from_fixtures()
    fake.faults.append(Fault("slow", graph_for("microsoft.network/networksecuritygroups"), delay=2.5))
    out = run_scan(fake, read_timeout=0.5)
    _check(out, "slow response (2.5 s, read timeout 0.5 s)", "Resource Graph (network)", "network",
           [("GC-NET-001", "network.firewall", None), ("GC-LOG-008", "network.vpc", None)],
           [("GC-RES-004", "govdataa01", Status.PASS), ("GC-LOG-001", "gov-juminkiroku-prod", Status.PASS)])


def test_connection_reset() -> None:
    fake = from_fixtures()
    fake.faults.append(Fault("reset", graph_for("microsoft.web/sites")))
    out = run_scan(fake)
    _check(out, "connection reset (TCP RST)", "Resource Graph (web)", "web",
           [("GC-ENC-007", "web.app", None), ("GC-NET-019", "web.app", None)], ELSEWHERE)


def test_permission_error_on_one_subscription() -> None:
    fake = from_fixtures()
    refuse = lambda method, path, body: (SUB_C in (body.get("subscriptions") or [])  # noqa: E731
                                         or f"/subscriptions/{SUB_C}" in path)
    fake.faults.append(Fault("403", refuse))
    out = run_scan(fake)
    mine = [e for e in out.result.collection_errors if e.scope == SUB_C]
    assert {e.service for e in mine} >= {"storage", "network", "databases", "keyvault", "web", "account", "monitor"}
    assert all("403" in e.reason for e in mine)
    others = [e for e in out.result.collection_errors if e.scope != SUB_C]
    assert others and all(SUB_C in e.reason for e in others)  # the unit's error names the refused subscription
    seen_c = [f for f in out.result.findings if f.scope == SUB_C]
    assert seen_c and all(f.status is not Status.PASS for f in seen_c)
    assert not [f for f in out.result.findings if f.resource_id.startswith(f"/subscriptions/{SUB_C}/")]
    assert out.status("GC-LOG-001", "gov-zeimu-prod") is Status.UNKNOWN
    _check(out, "403 AuthorizationFailed on one subscription", f"subscription {SUB_C[-4:]} (all calls)", "storage",
           [("GC-RES-004", "storage.bucket", "storage.bucket in global (not collected)")],
           [*ELSEWHERE, ("GC-RES-004", "govdataa01", Status.PASS), ("GC-RES-004", "govbackupb02", Status.FAIL)])


def test_malformed_json() -> None:
    fake = from_fixtures()
    fake.faults.append(Fault("malformed", graph_for("microsoft.keyvault/vaults")))
    out = run_scan(fake)
    _check(out, "malformed JSON body", "Resource Graph (keyvault)", "keyvault",
           [("GC-ENC-011", "kms.key", None), ("GC-RES-010", "kms.key", None)], ELSEWHERE)


def test_truncated_body() -> None:
    fake = from_fixtures()
    fake.faults.append(Fault("truncated", graph_for("microsoft.compute/disks")))
    out = run_scan(fake)
    _check(out, "truncated body (Content-Length larger than sent)", "Resource Graph (compute)", "compute",
           [("GC-ENC-302", "compute.disk", None), ("GC-NET-006", "compute.instance", None)], ELSEWHERE)


def test_truncated_subscription_list_stops_only_planning() -> None:
    fake = from_fixtures()
    fake.faults.append(Fault("truncated", lambda m, p, b: p.rstrip("/").lower() == "/subscriptions"))
    out = run_scan(fake)
    (error,) = out.result.collection_errors
    assert (error.service, error.operation) == ("plan", "Microsoft.Resources/subscriptions/read")
    assert not [f for f in out.result.findings if f.status is Status.PASS]
    assert out.seconds < BOUND_SECONDS
    record("faults", provider="azure", fault="truncated subscription list", where="SubscriptionClient.list",
           finished=True, seconds=round(out.seconds, 2), error_names=True, silent_passes=0, kept_elsewhere="n/a")


@pytest.mark.parametrize("kind", ["endless", "repeat_token"])
def test_skip_token_that_never_ends(kind: str) -> None:
    fake = from_fixtures(page_size=1)
    fake.faults.append(Fault(kind, graph_for("microsoft.keyvault/vaults")))
    out = run_scan(fake)
    (error,) = [e for e in out.result.collection_errors if e.service == "keyvault"]
    assert "skip token" in error.reason
    names = [f.resource_name for f in out.result.findings if f.check_id == "GC-ENC-011"]
    assert len(names) == len(set(names))  # a repeated page is never evaluated twice
    graph_calls = [e for e in fake.log if "microsoft.keyvault/vaults" in str(e)]
    assert len(graph_calls) <= 3
    _check(out, f"skip token that never ends ({kind})", "Resource Graph (keyvault)", "keyvault",
           [("GC-ENC-010", "kms.key", "kms.key in global (not collected)")], ELSEWHERE)


def test_subscription_that_resource_graph_silently_leaves_out() -> None:
    fake = from_fixtures()
    fake.rows = [r for r in fake.rows if r["subscriptionId"] != SUB_C]  # ARG answers, but without SUB_C
    fake.index()
    out = run_scan(fake)
    (error,) = [e for e in out.result.collection_errors if e.scope == SUB_C]
    assert error.service == "account" and "not visible" in error.reason
    assert out.status("GC-LOG-006", "gov-zeimu-prod") is Status.UNKNOWN
    assert out.status("GC-RES-002", "gov-zeimu-prod") is Status.UNKNOWN
    record("faults", provider="azure", fault="subscription silently missing from Resource Graph answers",
           where=f"subscription {SUB_C[-4:]}", finished=True, seconds=round(out.seconds, 2), error_names=True,
           silent_passes=0, kept_elsewhere=True)

"""Fault injection against the fake OCI API: every fault ends in a named collection error, never a pass."""

from __future__ import annotations

import time

import pytest

from scanner.model import Status
from tests.fakes.oci_api import FakeOci, Fault
from tests.providers.oci.conftest import TENANCY
from tests.providers.oci.test_scan import run, status
from tests.reliability import record

# fault, operation, region, (service, sdk operation) named in the error, a resource whose check depends on it
# (check, resource name) and a resource collected elsewhere that must still be judged.
CASES = [
    ("throttling 429 past retries", Fault("429", "GetBucket", "ap-tokyo-1"), ("objectstorage", "get_bucket", "ap-tokyo-1"),
     ("GC-RES-004", "gov-data"), ("GC-RES-004", "gov-secure-dr")),
    ("server error 500", Fault("500", "GetVolume", "ap-tokyo-1"), ("blockstorage", "get_volume", "ap-tokyo-1"),
     ("GC-ENC-401", "vol-cmk"), ("GC-ENC-401", "vol-dr")),
    ("authentication failure 401", Fault("401", "GetSecurityList", "ap-tokyo-1"),
     ("network", "get_security_list", "ap-tokyo-1"), ("GC-NET-401", "sl-app"), ("GC-ENC-401", "gov-secure")),
    ("permission denied (404 NotAuthorizedOrNotFound) in one region", Fault("404", "GetBucket", "ap-osaka-1"),
     ("objectstorage", "get_bucket", "ap-osaka-1"), ("GC-RES-004", "gov-secure-dr"), ("GC-RES-004", "gov-secure")),
    ("malformed body", Fault("malformed", "GetInstance", "ap-tokyo-1"), ("compute", "get_instance", "ap-tokyo-1"),
     ("GC-GOV-403", "app-1"), ("GC-ENC-401", "vol-cmk")),
    ("truncated body", Fault("truncated", "GetFileSystem", "ap-tokyo-1"), ("filestorage", "get_file_system", "ap-tokyo-1"),
     ("GC-ENC-401", "fs-cmk"), ("GC-RES-004", "gov-secure")),
    ("connection reset", Fault("reset", "GetAutonomousDatabase", "ap-tokyo-1"),
     ("database", "get_autonomous_database", "ap-tokyo-1"), ("GC-RES-006", "adb-private"), ("GC-RES-006", "PROD")),
    ("timeout (slow response)", Fault("slow", "GetKey", "ap-tokyo-1", delay=2.5), ("kms", "get_key", "ap-tokyo-1"),
     ("GC-RES-010", "key-rotated"), ("GC-RES-004", "gov-secure")),
    ("page token that never ends", Fault("endless", "ListReplicationPolicies", "ap-tokyo-1"),
     ("objectstorage", "list_replication_policies", "ap-tokyo-1"), ("GC-RES-004", "gov-secure"), ("GC-ENC-401", "vol-cmk")),
]


# What the reason must say for each fault kind.
REASONS = {"429": "HTTP 429", "500": "HTTP 500", "401": "HTTP 401", "404": "NotAuthorizedOrNotFound",
           "malformed": "malformed response body", "truncated": "cut short", "reset": "reset",
           "slow": "timeout", "endless": "paging stopped"}


@pytest.mark.parametrize(("label", "fault", "named", "dependent", "elsewhere"), CASES, ids=[c[0] for c in CASES])
def test_fault_gives_named_error_and_scan_completes(fake: FakeOci, label: str, fault: Fault, named: tuple[str, str, str],
                                                   dependent: tuple[str, str], elsewhere: tuple[str, str]) -> None:
    fake.faults.append(fault)
    started = time.monotonic()
    result, _ = run(fake, read_timeout=1.0, max_pages=20)
    seconds = time.monotonic() - started
    assert seconds < 20
    service, operation, region = named
    errors = [e for e in result.collection_errors if (e.service, e.operation, e.region) == named]
    assert errors, [e.as_dict() for e in result.collection_errors]
    assert all(e.scope == TENANCY and REASONS[fault.kind] in e.reason for e in errors), errors[0].reason
    dep = status(result, *dependent)
    assert dep in (Status.UNKNOWN, Status.ERROR)
    kept = status(result, *elsewhere)
    assert kept in (Status.PASS, Status.FAIL)
    silent = sum(1 for f in result.findings if f.resource_name == dependent[1] and f.check_id == dependent[0]
                 and f.status == Status.PASS)
    assert silent == 0
    record("faults", provider="oci", fault=label, where=f"{service}/{region}/{operation}", finished=True,
           seconds=round(seconds, 2), error_names=f"{TENANCY[:24]}…/{service}/{region}/{operation}",
           silent_passes=silent, kept_elsewhere=True)


def test_search_failure_fails_the_region_units_only(fake: FakeOci) -> None:
    fake.faults.append(Fault("500", "SearchResources", "ap-osaka-1"))
    started = time.monotonic()
    result, _ = run(fake)
    failed = {(e.service, e.region, e.operation) for e in result.collection_errors}
    assert ("objectstorage", "ap-osaka-1", "search_resources") in failed
    unknown = [f for f in result.findings if f.location == "unknown" or "ap-osaka-1/objectstorage" in f.resource_id]
    assert unknown and all(f.status == Status.UNKNOWN for f in unknown)
    assert status(result, "GC-RES-004", "gov-data") == Status.FAIL  # Tokyo still judged
    record("faults", provider="oci", fault="5xx on Resource Search (whole region)",
           where="search/ap-osaka-1/search_resources", finished=True, seconds=round(time.monotonic() - started, 2),
           error_names="tenancy/<service>/ap-osaka-1/search_resources", silent_passes=0, kept_elsewhere=True)


def test_throttling_once_is_retried(fake: FakeOci) -> None:
    fake.faults.append(Fault("429", "GetBucket", "ap-tokyo-1", times=1))
    result, _ = run(fake)
    assert result.collection_errors == []
    assert sum(1 for e in fake.log if e["operation"] == "GetBucket" and e["region"] == "ap-tokyo-1") == 3
    assert status(result, "GC-RES-004", "gov-data") == Status.FAIL


def test_plan_failure_names_the_operation(fake: FakeOci) -> None:
    fake.faults.append(Fault("401", "ListRegionSubscriptions"))
    result, _ = run(fake)
    assert [(e.service, e.operation) for e in result.collection_errors] == [("plan", "list_region_subscriptions")]
    assert "401" in result.collection_errors[0].reason
    record("faults", provider="oci", fault="authentication failure at planning", where="identity/home/list_region_subscriptions",
           finished=True, seconds=0, error_names="plan/list_region_subscriptions", silent_passes=0, kept_elsewhere="n/a")

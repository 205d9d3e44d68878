"""End to end: the real `oci` SDK against the fake tenancy, every OCI check proven both ways."""

from __future__ import annotations

from typing import Any

from providers.oci import OciProvider
from scanner.catalog import load_catalog
from scanner.engine import Scan
from scanner.model import ScanResult, Status
from scanner.policy import load_policy
from tests.fakes.oci_api import FakeOci
from tests.providers.oci.conftest import TENANCY, target

CATALOG = load_catalog()
POLICY = load_policy(None, CATALOG)


def run(fake: FakeOci, **extra: Any) -> tuple[ScanResult, OciProvider]:
    provider = OciProvider()
    result = Scan(CATALOG, POLICY, [(provider, target(fake, **extra))], workers=4).run()
    return result, provider


def status(result: ScanResult, check: str, name: str) -> Status:
    found = [f.status for f in result.findings if f.check_id == check and f.resource_name == name]
    assert found, f"no finding of {check} on {name}"
    assert len(set(found)) == 1, found
    return found[0]


def test_inventory_covers_both_regions_and_every_kind(fake: FakeOci) -> None:
    result, provider = run(fake)
    assert result.collection_errors == []
    inventory = result.inventory["oci"]
    assert inventory["storage.bucket"] == 3 and inventory["compute.disk"] == 4
    assert {"account", "identity.user", "audit.trail", "compute.instance", "network.firewall", "network.subnet",
            "network.vpc", "database.instance", "kms.key", "storage.file", "backup.plan"} <= set(inventory)
    assert result.api_calls["oci"] == provider.api_calls == len(fake.log)
    regions = {e["region"] for e in fake.log}
    assert regions == {"ap-tokyo-1", "ap-osaka-1"}
    # the compartment tree was paged (page size 2, three compartments)
    assert fake.operations().count("ListCompartments") == 2
    assert all(e["signed"] for e in fake.log)


# (check, failing resource, passing resource) on the fixture tenancy
BOTH_WAYS = [
    ("GC-RES-001", None, "gov-data"),
    ("GC-RES-004", "gov-data", "gov-secure"),
    ("GC-RES-006", "adb-open", "adb-private"),
    ("GC-RES-007", "silver-copy-phoenix", "gold-copy-osaka"),
    ("GC-RES-008", "adb-open", "PROD"),
    ("GC-ENC-401", "vol-plain", "vol-cmk"),
    ("GC-ENC-401", "gov-data", "gov-secure"),
    ("GC-ENC-401", "fs-plain", "fs-cmk"),
    ("GC-NET-401", "Default Security List for vcn-main", "sl-app"),
    ("GC-GOV-403", "web-1", "app-1"),
]


def test_checks_both_ways_on_fixture(fake: FakeOci) -> None:
    result, _ = run(fake)
    for check, bad, good in BOTH_WAYS:
        if bad:
            assert status(result, check, bad) == Status.FAIL, (check, bad)
        assert status(result, check, good) == Status.PASS, (check, good)


def test_account_checks_fail_on_fixture(fake: FakeOci) -> None:
    result, _ = run(fake)
    for check in ("GC-GOV-401", "GC-GOV-402"):
        assert status(result, check, TENANCY) == Status.FAIL
    assert status(result, "GC-LOG-401", "OCI Audit") == Status.FAIL


def test_account_checks_pass_when_fixed(fake: FakeOci) -> None:
    tenancy = fake.state["tenancy"]
    tenancy["tagDefaults"] = [{"id": "ocid1.tagdefault.oc1..td1", "compartmentId": TENANCY, "tagNamespaceId": "ns",
                               "tagDefinitionId": "def", "tagDefinitionName": "CreatedBy", "value": "${iam.principal.name}",
                               "lifecycleState": "ACTIVE", "isRequired": False, "timeCreated": "2026-10-01T00:00:00.000Z"}]
    tenancy["auditConfiguration"]["retentionPeriodDays"] = 365
    tokyo = fake.state["regions"]["ap-tokyo-1"]
    tokyo["buckets"][0]["compartmentId"] = "ocid1.compartment.oc1..aaaaaaaatenanta"
    result, _ = run(fake)
    for check in ("GC-GOV-401", "GC-GOV-402"):
        assert status(result, check, TENANCY) == Status.PASS
    assert status(result, "GC-LOG-401", "OCI Audit") == Status.PASS


def test_foreign_subscription_is_reported(fake: FakeOci) -> None:
    fake.state["tenancy"]["regionSubscriptions"].append(
        {"regionKey": "IAD", "regionName": "us-ashburn-1", "status": "READY", "isHomeRegion": False})
    result, _ = run(fake)
    account = [f for f in result.findings if f.resource_kind == "account"]
    assert account
    assert status(result, "GC-RES-011", "OCI Audit") == Status.FAIL
    assert "us-ashburn-1" in {e["region"] for e in fake.log}


def test_regions_option_limits_the_scan(fake: FakeOci) -> None:
    result, _ = run(fake, regions="ap-osaka-1")
    assert {e["region"] for e in fake.log if e["operation"] == "SearchResources"} == {"ap-tokyo-1", "ap-osaka-1"}
    assert result.inventory["oci"]["storage.bucket"] == 1

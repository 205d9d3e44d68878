"""End to end: the real `oci` SDK against the fake tenancy, every check that applies to OCI proven both ways."""

from __future__ import annotations

import copy
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


def run(fake: FakeOci, policy: dict[str, Any] | None = None, **extra: Any) -> tuple[ScanResult, OciProvider]:
    provider = OciProvider()
    chosen = POLICY if policy is None else load_policy(None, CATALOG, data={"version": 1, **policy})
    result = Scan(CATALOG, chosen, [(provider, target(fake, **extra))], workers=4).run()
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
    assert {e["region"] for e in fake.log} - {""} == {"ap-tokyo-1", "ap-osaka-1"}  # "": identity domain host
    assert fake.operations().count("ListCompartments") == 2  # three compartments, pages of two
    assert all(e["signed"] for e in fake.log)


# (check, failing resource or None, passing resource) on the fixture tenancy as it is
BOTH_WAYS = [
    ("GC-RES-004", "gov-data", "gov-secure"),
    ("GC-RES-006", "adb-open", "adb-private"),
    ("GC-RES-007", "silver-copy-phoenix", "gold-copy-osaka"),
    ("GC-RES-008", "adb-open", "PROD"),
    ("GC-BAK-002", "vol-plain", "vol-cmk"),
    ("GC-BAK-003", "gov-data", "gov-secure"),
    ("GC-ENC-008", "key-static", "key-rotated"),
    ("GC-ENC-013", "web-1", "app-1"),
    ("GC-ENC-401", "vol-plain", "vol-cmk"),
    ("GC-ENC-401", "web-1 (Boot Volume)", "vol-cmk"),
    ("GC-ENC-401", "gov-data", "gov-secure"),
    ("GC-ENC-401", "fs-plain", "fs-cmk"),
    ("GC-GOV-403", "web-1", "app-1"),
    ("GC-IAM-003", "bob", "alice"),
    ("GC-IAM-004", "bob", "alice"),
    ("GC-IAM-005", "bob", "alice"),
    ("GC-IAM-006", "bob", "alice"),
    ("GC-LOG-008", "sn-public", "sn-private"),
    ("GC-LOG-017", "gov-data", "gov-secure"),
    ("GC-NET-001", "Default Security List for vcn-main", "sl-app"),
    ("GC-NET-001", "nsg-rdp", "nsg-web"),
    ("GC-NET-002", "sl-open", "sl-app"),
    ("GC-NET-003", "Default Security List for vcn-main", "sl-app"),
    ("GC-NET-004", "gov-data", "gov-secure"),
    ("GC-NET-007", "web-1", "app-1"),
    ("GC-NET-401", "Default Security List for vcn-main", "sl-app"),
    # OCI always encrypts at rest (Oracle-managed key at least): these pass on every real payload;
    # a FAIL cannot arise on OCI, and a missing detail gives UNKNOWN (see test_faults).
    ("GC-ENC-001", None, "vol-plain"),
    ("GC-ENC-002", None, "DEV"),
    ("GC-ENC-003", None, "gov-data"),
    ("GC-ENC-004", None, "fs-plain"),
    ("GC-LOG-001", None, TENANCY),
    ("GC-RES-001", None, "gov-data"),
    ("GC-RES-010", None, "key-rotated"),
    ("GC-RES-011", None, "OCI Audit"),
    ("GC-RES-015", None, TENANCY),
    ("GC-GOV-001", None, "gov-data"),
]


def test_checks_both_ways_on_fixture(fake: FakeOci) -> None:
    result, _ = run(fake)
    for check, bad, good in BOTH_WAYS:
        if bad:
            assert status(result, check, bad) == Status.FAIL, (check, bad)
        assert status(result, check, good) == Status.PASS, (check, good)
    for check in ("GC-GOV-401", "GC-GOV-402", "GC-IAM-001", "GC-IAM-008", "GC-LOG-006", "GC-LOG-010"):
        assert status(result, check, TENANCY) == Status.FAIL, check
    assert status(result, "GC-LOG-401", "OCI Audit") == Status.FAIL
    assert status(result, "GC-LOG-008", "vcn-main") == Status.FAIL  # one of its subnets has no flow log


def test_account_checks_pass_when_fixed(fake: FakeOci) -> None:
    tenancy = fake.state["tenancy"]
    tenancy["tagDefaults"] = [{"id": "ocid1.tagdefault.oc1..td1", "compartmentId": TENANCY, "tagNamespaceId": "ns",
                               "tagDefinitionId": "def", "tagDefinitionName": "CreatedBy", "value": "${iam.principal.name}",
                               "lifecycleState": "ACTIVE", "isRequired": False, "timeCreated": "2026-10-01T00:00:00.000Z"}]
    tenancy["auditConfiguration"]["retentionPeriodDays"] = 365
    tenancy["cloudGuardConfiguration"]["status"] = "ENABLED"
    tenancy["apiKeys"].pop("ocid1.user.oc1..aaaaaaaaadmin")
    tokyo = fake.state["regions"]["ap-tokyo-1"]
    tokyo["buckets"][0]["compartmentId"] = "ocid1.compartment.oc1..aaaaaaaatenanta"
    for region, name in (("ap-tokyo-1", "gov-data"), ("ap-osaka-1", "gov-secure-dr")):
        fake.state["regions"][region]["logGroups"] = tokyo["logGroups"]
        fake.state["regions"][region]["logs"] = copy.deepcopy(tokyo["logs"])
        log = copy.deepcopy(tokyo["logs"]["ocid1.loggroup.oc1.ap-tokyo-1.lgmain"][0])
        log["configuration"]["source"]["resource"] = name
        fake.state["regions"][region]["logs"]["ocid1.loggroup.oc1.ap-tokyo-1.lgmain"].append(log)
    flow = copy.deepcopy(tokyo["logs"]["ocid1.loggroup.oc1.ap-tokyo-1.lgmain"][1])
    flow["configuration"]["source"]["resource"] = "ocid1.subnet.oc1.ap-tokyo-1.snpublic"
    tokyo["logs"]["ocid1.loggroup.oc1.ap-tokyo-1.lgmain"].append(flow)
    result, _ = run(fake)
    for check in ("GC-GOV-401", "GC-GOV-402", "GC-IAM-001", "GC-LOG-006", "GC-LOG-010"):
        assert status(result, check, TENANCY) == Status.PASS, check
    assert status(result, "GC-LOG-401", "OCI Audit") == Status.PASS
    assert status(result, "GC-LOG-008", "vcn-main") == Status.PASS
    # Identity Domains password policy strong enough: GC-IAM-008 passes
    policy = tenancy["passwordPolicies"]["Default"][0]
    policy.update(minLength=14, numPasswordsInHistory=24)
    result, _ = run(fake)
    assert status(result, "GC-IAM-008", TENANCY) == Status.PASS


def test_legacy_password_policy_without_reuse_prevention_is_never_a_pass(fake: FakeOci) -> None:
    tenancy = fake.state["tenancy"]
    tenancy["domains"] = []  # a tenancy without identity domains: the legacy IAM policy applies
    tenancy["authenticationPolicy"]["passwordPolicy"]["minimumPasswordLength"] = 14
    result, _ = run(fake)
    assert status(result, "GC-IAM-008", TENANCY) == Status.UNKNOWN
    assert "GetAuthenticationPolicy" in fake.operations()
    tenancy["authenticationPolicy"]["passwordPolicy"]["minimumPasswordLength"] = 8
    result, _ = run(fake)
    assert status(result, "GC-IAM-008", TENANCY) == Status.FAIL


def test_foreign_region_subscription_and_copies_fail(fake: FakeOci) -> None:
    fake.state["tenancy"]["regionSubscriptions"].append(
        {"regionKey": "IAD", "regionName": "us-ashburn-1", "status": "READY", "isHomeRegion": False})
    ashburn = copy.deepcopy(fake.state["regions"]["ap-osaka-1"])
    ashburn["buckets"][0].update(name="gov-copy-us", id="ocid1.bucket.oc1.us-ashburn-1.aaaaus")
    ashburn["volumes"] = []
    fake.state["regions"]["us-ashburn-1"] = ashburn
    fake.state["regions"]["ap-tokyo-1"]["vaultReplicas"]["ocid1.vault.oc1.ap-tokyo-1.vaultmain"] = [
        {"vaultId": "ocid1.vault.oc1.us-ashburn-1.replica", "region": "us-ashburn-1", "status": "CREATED"}]
    result, _ = run(fake)
    assert status(result, "GC-RES-015", TENANCY) == Status.FAIL
    assert status(result, "GC-RES-011", "OCI Audit") == Status.FAIL
    assert status(result, "GC-RES-001", "gov-copy-us") == Status.FAIL
    assert status(result, "GC-RES-010", "key-rotated") == Status.FAIL


def test_required_tags_both_ways(fake: FakeOci) -> None:
    result, _ = run(fake, policy={"required_tags": ["system"]})
    assert status(result, "GC-GOV-001", "gov-data") == Status.PASS
    assert status(result, "GC-GOV-001", "vol-plain") == Status.FAIL


def test_customer_keys_required_by_policy(fake: FakeOci) -> None:
    result, _ = run(fake, policy={"params": {"GC-ENC-003": {"accepted": ["customer_key"]}}})
    assert status(result, "GC-ENC-003", "gov-data") == Status.FAIL
    assert status(result, "GC-ENC-003", "gov-secure") == Status.PASS


def test_regions_option_limits_the_scan(fake: FakeOci) -> None:
    result, _ = run(fake, regions="ap-osaka-1")
    assert result.inventory["oci"]["storage.bucket"] == 1
    assert {e["region"] for e in fake.log if e["operation"] == "GetBucket"} == {"ap-osaka-1"}

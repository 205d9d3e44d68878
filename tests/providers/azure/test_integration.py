"""End to end through the real Azure management clients against the local fake: every check that
applies to Azure is proven both ways on the recorded tenant, and paging is followed."""

from __future__ import annotations

from pathlib import Path

import pytest

from providers.azure import AzureProvider
from scanner.model import Status
from tests.fakes.azure_arm import from_fixtures
from tests.providers.azure.support import CATALOG, SUB_A, SUB_B, Outcome, run_scan

# check id -> (resource that must PASS, resource that must FAIL), by resource name.
BOTH_WAYS: dict[str, tuple[str, str]] = {
    "GC-BAK-001": ("pg-gov-a", "mysql-gov-b"),
    "GC-BAK-002": ("vm-app-a-os", "vm-web-b-os"),
    "GC-BAK-003": ("govdataa01", "govbackupb02"),
    "GC-BAK-004": ("sql-gov-a", "sql-gov-b"),
    "GC-BAK-005": ("pg-gov-a", "mysql-gov-b"),
    "GC-BAK-301": ("cosmos-gov-a", "cosmos-gov-b"),
    "GC-ENC-002": ("juminkiroku", "testdb"),
    "GC-ENC-003": ("govdataa01", "govbackupb02"),  # under a policy that requires customer keys
    "GC-ENC-005": ("govdataa01", "govbackupb02"),
    "GC-ENC-006": ("pg-gov-a", "mysql-gov-b"),
    "GC-ENC-007": ("app-gov-a", "app-gov-b"),
    "GC-ENC-008": ("kv-gov-a", "kv-gov-b"),
    "GC-ENC-010": ("kv-gov-a", "kv-gov-b"),
    "GC-ENC-011": ("kv-gov-a", "kv-gov-b"),
    "GC-ENC-015": ("govdataa01", "govbackupb02"),
    "GC-ENC-301": ("govdataa01", "govbackupb02"),
    "GC-ENC-302": ("vm-app-a-os", "vm-web-b-os"),
    "GC-GOV-001": ("govdataa01", "govbackupb02"),  # under a policy that requires the `system` tag
    "GC-GOV-003": ("gov-juminkiroku-prod", "gov-juminkiroku-dev"),
    "GC-GOV-005": ("gov-juminkiroku-prod", "gov-juminkiroku-dev"),
    "GC-GOV-301": ("allowed-locations-japan", "allowed-locations-dev"),
    "GC-IAM-301": ("govdataa01", "govbackupb02"),
    "GC-LOG-001": ("gov-juminkiroku-prod", "gov-juminkiroku-dev"),
    "GC-LOG-006": ("gov-juminkiroku-prod", "gov-juminkiroku-dev"),
    "GC-LOG-007": ("gov-juminkiroku-prod", "gov-juminkiroku-dev"),
    "GC-LOG-008": ("vnet-a", "vnet-b"),
    "GC-LOG-011": ("sql-gov-a", "sql-gov-b"),
    "GC-LOG-301": ("activitylog-to-archive", "servicehealth-only"),
    "GC-NET-001": ("nsg-app-a", "nsg-web-b"),
    "GC-NET-002": ("nsg-app-a", "nsg-web-b"),
    "GC-NET-004": ("govdataa01", "govbackupb02"),
    "GC-NET-005": ("sql-gov-a", "sql-gov-b"),
    "GC-NET-006": ("vm-app-a", "vm-web-b"),
    "GC-NET-010": ("govdataa01", "govbackupb02"),
    "GC-NET-019": ("kv-gov-a", "kv-gov-b"),
    "GC-NET-301": ("nsg-app-a", "nsg-web-b"),
    "GC-NET-302": ("nsg-app-a", "nsg-web-b"),
    "GC-RES-001": ("govdataa01", "govbackupb02"),
    "GC-RES-002": ("gov-juminkiroku-prod", "gov-juminkiroku-dev"),
    "GC-RES-003": ("allowed-locations-japan", "allowed-locations-dev"),
    "GC-RES-004": ("govdataa01", "govbackupb02"),
    "GC-RES-006": ("sql-gov-a", "sql-gov-b"),
    "GC-RES-008": ("pg-gov-a", "pg-gov-b-sea"),
    "GC-RES-010": ("kv-gov-a", "kv-gov-b"),
    "GC-RES-011": ("activitylog-to-archive", "activitylog-to-abroad"),
}
# Checks that apply to Azure but cannot fail on live Azure: the platform guarantees the setting.
PASS_ONLY: dict[str, tuple[str, str]] = {
    "GC-ENC-001": ("vm-web-b-os", "Azure encrypts every managed disk at rest; only the key owner varies (GC-ENC-302)"),
    "GC-NET-003": ("vnet-b", "Azure has no default VNet or default NSG"),
}
# Checks that apply to Azure whose facts govscan does not read from ARM: always UNKNOWN, never PASS.
NOT_READ: dict[str, str] = {
    "GC-IAM-002": "privileged-user MFA lives in Microsoft Entra ID (Microsoft Graph), not in ARM",
    "GC-LOG-010": "per-account storage analytics logging (CIS 4.12-4.14) is not in Resource Graph",
}


def _azure_checks() -> set[str]:
    emitted = {"azure": set(AzureProvider.kinds)}
    return {c.id for c in CATALOG.checks.values() if CATALOG.providers_of(c, emitted)}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    policy = Path(tmp_path_factory.mktemp("policy")) / "govscan.yaml"
    policy.write_text("version: 1\nname: test\nrequired_tags: [system]\n"
                      "params:\n  GC-ENC-003: {accepted: [customer_key]}\n", encoding="utf-8")
    return run_scan(from_fixtures(page_size=3), policy=policy)


def test_every_check_applying_to_azure_is_accounted_for() -> None:
    assert _azure_checks() == set(BOTH_WAYS) | set(PASS_ONLY) | set(NOT_READ)
    assert len(_azure_checks()) >= 25


@pytest.mark.parametrize("check_id", sorted(BOTH_WAYS))
def test_check_proven_both_ways(scanned: Outcome, check_id: str) -> None:
    good, bad = BOTH_WAYS[check_id]
    assert scanned.status(check_id, good) is Status.PASS, scanned.by_key.get((check_id, good))
    assert scanned.status(check_id, bad) is Status.FAIL, scanned.by_key.get((check_id, bad))


@pytest.mark.parametrize("check_id", sorted(PASS_ONLY))
def test_platform_guaranteed_checks_pass(scanned: Outcome, check_id: str) -> None:
    assert scanned.status(check_id, PASS_ONLY[check_id][0]) is Status.PASS
    assert scanned.statuses(check_id) == {Status.PASS}


@pytest.mark.parametrize("check_id", sorted(NOT_READ))
def test_facts_not_read_are_unknown_never_pass(scanned: Outcome, check_id: str) -> None:
    assert scanned.statuses(check_id) == {Status.UNKNOWN}


def test_global_services_need_review_never_pass(scanned: Outcome) -> None:
    for name in ("fd-gov-b", "tm-gov-b"):
        assert scanned.status("GC-RES-001", name) is Status.UNKNOWN
        (finding,) = scanned.by_key[("GC-RES-001", name)]
        assert finding.location == "global" and "review" in finding.message.en


def test_clean_scan_has_no_collection_errors_and_counts_calls(scanned: Outcome) -> None:
    assert scanned.result.collection_errors == []
    calls = scanned.result.api_calls["azure"]
    assert calls == len(scanned.fake.log)
    actions = {e["action"] for e in scanned.fake.log}
    assert "Microsoft.ResourceGraph/resources/read" in actions
    assert {e["method"] for e in scanned.fake.log} <= {"GET", "POST"}


def test_paging_follows_next_links_and_skip_tokens() -> None:
    small = run_scan(from_fixtures(page_size=1, subscription_page=1))
    large = run_scan(from_fixtures(page_size=1000, subscription_page=100))
    ids = lambda o: sorted((f.check_id, f.resource_id, f.status) for f in o.result.findings)  # noqa: E731
    assert ids(small) == ids(large)
    assert small.result.collection_errors == [] and large.result.collection_errors == []
    graph_small = [e for e in small.fake.log if e["action"] == "Microsoft.ResourceGraph/resources/read"]
    graph_large = [e for e in large.fake.log if e["action"] == "Microsoft.ResourceGraph/resources/read"]
    subs_small = [e for e in small.fake.log if e["action"] == "Microsoft.Resources/subscriptions/read"]
    assert len(subs_small) == 4  # one subscription per page, nextLink followed verbatim
    assert len(graph_small) > len(graph_large) >= 14
    # one request per page: with a page of one row, each query costs its row count (empty: one call)
    assert small.result.api_calls["azure"] == len(small.fake.log)


def test_chosen_subscriptions_only() -> None:
    out = run_scan(from_fixtures(), target={"subscriptions": (f"{SUB_A},{SUB_B}",)})
    scopes = {f.scope for f in out.result.findings}
    assert scopes == {SUB_A, SUB_B, "/providers/Microsoft.Management/managementGroups/mg-govcloud"}
    batches = {tuple(e["subscriptions"]) for e in out.fake.log if e["subscriptions"]}
    assert batches == {(SUB_A, SUB_B)}


def test_tenant_filter_keeps_only_that_tenants_subscriptions() -> None:
    other = run_scan(from_fixtures(), target={"tenant": "22222222-2222-2222-2222-222222222222"})
    assert other.result.findings == [] and other.result.collection_errors == []
    mine = run_scan(from_fixtures(), target={"tenant": "11111111-1111-1111-1111-111111111111"})
    assert {f.scope for f in mine.result.findings} >= {SUB_A, SUB_B}


def test_no_details_reads_pages_only_and_leaves_those_facts_unknown() -> None:
    out = run_scan(from_fixtures(), details=False)
    actions = {e["action"] for e in out.fake.log}
    assert actions == {"Microsoft.Resources/subscriptions/read", "Microsoft.ResourceGraph/resources/read",
                       "Microsoft.Insights/diagnosticSettings/read"}
    assert out.status("GC-ENC-006", "pg-gov-a") is Status.UNKNOWN  # require_secure_transport not read
    assert out.status("GC-RES-004", "govbackupb02") is Status.FAIL  # Resource Graph facts still judged

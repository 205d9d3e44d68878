"""End to end through the real AssetServiceClient (REST, AnonymousCredentials) against the fake server."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from providers.gcp import GcpProvider
from scanner.catalog import load_catalog
from scanner.model import CollectionError, Resource, Status, Unknown
from tests.fakes.gcp_asset import FakeAssetServer
from tests.providers.gcp.conftest import FAST, ORG, run_scan

STRICT = str(Path(__file__).resolve().parents[2] / "fixtures" / "gcp" / "strict-policy.yaml")
# Checks whose kinds GCP emits but whose facts Cloud Asset Inventory does not give: UNKNOWN, never PASS.
NOT_EMITTED = {
    "GC-ENC-015": "Cloud Storage has no minimum-TLS setting in its configuration",
    "GC-GOV-005": "Essential Contacts are not in Cloud Asset Inventory",
    "GC-LOG-006": "Security Command Center and Event Threat Detection state is not in Cloud Asset Inventory",
}
# Checks that no Google Cloud configuration can fail: the platform guarantees the compliant state.
PLATFORM_PASS_ONLY = {
    "GC-ENC-001": "Google Cloud encrypts every disk and snapshot at rest",
    "GC-ENC-002": "Google Cloud encrypts every Cloud SQL instance at rest",
    "GC-LOG-001": "Admin Activity audit logs are always written and cannot be turned off",
}


def collect_all(server: FakeAssetServer, **target: Any) -> tuple[list[Resource], list[CollectionError], GcpProvider]:
    """Every resource and collection error of a target, without the engine."""
    provider = GcpProvider()
    resources: list[Resource] = []
    errors: list[CollectionError] = []
    for unit in provider.plan({**FAST, "endpoint": server.url, **target}):
        for item in provider.collect(unit):
            (errors if isinstance(item, CollectionError) else resources).append(item)
    return resources, errors, provider


def test_org_scan_inventory_and_no_errors(org_scan) -> None:
    result, provider, server = org_scan
    assert result.collection_errors == []
    inventory = result.inventory["gcp"]
    assert inventory["storage.bucket"] == 6 and inventory["account"] == 3 and inventory["database.instance"] == 5
    assert inventory["policy.guardrail"] == 2 and inventory["network.firewall"] == 5
    assert set(inventory) == set(provider.kinds)
    assert result.api_calls["gcp"] == len(server.requests)
    scopes = {f.scope for f in result.findings}
    assert {"projects/111", "projects/222", "projects/333"} <= scopes


def test_every_check_applying_to_gcp_is_proven_both_ways(org_scan) -> None:
    """The default policy on the organization, a strict policy, and a project outside any organization."""
    result, provider, _ = org_scan
    with FakeAssetServer(page_cap=3) as server:
        strict, _ = run_scan(server, policy_file=STRICT)
        orphan, _ = run_scan(server, project=("gov-orphan",))
    catalog = load_catalog()
    applicable = [c for c in catalog.checks.values()
                  if c.live and (c.providers is None or "gcp" in c.providers) and set(c.kinds) & provider.kinds]
    statuses: dict[str, set[Status]] = defaultdict(set)
    for finding in result.findings + strict.findings + orphan.findings:
        statuses[finding.check_id].add(finding.status)
    unproven = {c.id: sorted(statuses[c.id]) for c in applicable if c.id not in NOT_EMITTED | PLATFORM_PASS_ONLY.keys()
                and not {Status.PASS, Status.FAIL} <= statuses[c.id]}
    assert unproven == {}
    for check_id in NOT_EMITTED:
        assert statuses[check_id] == {Status.UNKNOWN}, check_id
    for check_id in PLATFORM_PASS_ONLY:
        assert statuses[check_id] == {Status.PASS}, check_id
    assert len(applicable) >= 25


def test_findings_on_the_fixture_resources(org_scan) -> None:
    result, _, _ = org_scan
    verdict = {(f.check_id, f.resource_name): f.status for f in result.findings}
    assert verdict[("GC-RES-001", "gov-archive-asia")] is Status.FAIL
    assert verdict[("GC-RES-001", "gov-dr-asia1")] is Status.PASS
    assert verdict[("GC-RES-001", "gov-custom-dual")] is Status.PASS
    assert verdict[("GC-RES-004", "gov-custom-abroad")] is Status.FAIL
    assert verdict[("GC-RES-008", "db-dev")] is Status.FAIL  # unset backup location -> `asia`
    assert verdict[("GC-RES-006", "db-dev")] is Status.FAIL  # replica in us-central1
    assert verdict[("GC-RES-006", "db-prod")] is Status.PASS
    assert verdict[("GC-RES-001", "opendata")] is Status.FAIL  # BigQuery `US`
    assert verdict[("GC-RES-018", "anywhere")] is Status.FAIL
    assert verdict[("GC-RES-001", "_Default")] is Status.UNKNOWN  # global log bucket: review, never PASS


def test_paging_follows_next_page_token(org_scan) -> None:
    _, _, server = org_scan
    bucket_pages = [r for r in server.requests if r["content_type"] == "RESOURCE"
                    and r["asset_types"] == ["storage.googleapis.com/Bucket"]]
    assert [r["page_token"] for r in bucket_pages] == ["", "3"]  # six buckets, three per page
    assert {r["page_size"] for r in server.requests} == {3}
    assert {r["content_type"] for r in server.requests} == {"RESOURCE", "IAM_POLICY", "ORG_POLICY"}
    assert all(r["parent"] == ORG for r in server.requests)


def test_project_scope_leaves_inherited_facts_unknown(fake) -> None:
    resources, errors, _ = collect_all(fake, project=("gov-prod",))
    assert errors == []
    assert {r.scope for r in resources} == {"projects/111"}
    account = next(r for r in resources if r.kind == "account")
    for fact in ("guardrail.region_restriction", "guardrail.allowed_locations", "audit.data_events"):
        assert isinstance(account.attrs[fact], Unknown), fact
    sa = next(r for r in resources if r.kind == "identity.service_account")
    assert isinstance(sa.attrs["admin"], Unknown)


def test_folder_scope_resolves_the_folder_policy(fake) -> None:
    resources, errors, _ = collect_all(fake, folder=("556",))
    assert errors == []
    account = next(r for r in resources if r.kind == "account")
    assert account.scope == "projects/222"
    assert account.attrs["guardrail.region_restriction"] is True
    assert account.attrs["guardrail.allowed_locations"] == ["asia", "us"]
    assert isinstance(account.attrs["audit.data_events"], Unknown)  # the organization is above the folder


def test_org_scope_facts(fake) -> None:
    resources, _, provider = collect_all(fake, organization=("123456789012",))
    accounts = {r.name: r for r in resources if r.kind == "account"}
    assert accounts["gov-prod"].attrs["audit.data_events"] is True
    assert accounts["gov-dev"].attrs["audit.data_events"] is False
    assert accounts["gov-shared"].attrs["guardrail.allowed_locations"] == ["asia-northeast1", "asia-northeast2"]
    sas = {r.name: r for r in resources if r.kind == "identity.service_account"}
    assert sas["ci-sa@gov-dev.iam.gserviceaccount.com"].attrs["admin"] is True
    assert sas["ci-sa@gov-dev.iam.gserviceaccount.com"].attrs["user_managed_keys"] == 2
    assert sas["app-sa@gov-prod.iam.gserviceaccount.com"].attrs == {"user_managed_keys": 0, "keys.max_age_days": 0, "admin": False}
    keys = {r.name: r for r in resources if r.kind == "kms.key"}
    assert keys["shared"].attrs["public"] is True and keys["data"].attrs["public"] is False
    assert provider.api_calls == len(fake.requests) > 0


def test_cli_scan_writes_reports(fake, tmp_path: Path, monkeypatch) -> None:
    from scanner.cli import cli

    monkeypatch.setenv("GOVSCAN_GCP_ANONYMOUS", "1")
    monkeypatch.setenv("GOVSCAN_GCP_RETRY_DEADLINE", "3")
    out = tmp_path / "report"
    run = CliRunner().invoke(cli, ["scan", "gcp", "--organization", "123456789012", "--project", "gov-prod,gov-dev",
                                   "--endpoint", fake.url, "--output-dir", str(out), "--quiet", "--lang", "en"])
    assert run.exit_code == 1, run.output  # high-severity failures in gov-dev
    report = json.loads((out / "govscan.json").read_text(encoding="utf-8"))
    assert report["api_calls"]["gcp"] > 0
    assert {r["parent"] for r in fake.requests} == {ORG, "projects/gov-prod", "projects/gov-dev"}

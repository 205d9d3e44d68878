"""End to end: our httpx client against the fake Sakura account, every Sakura check proven both ways."""

from __future__ import annotations

from typing import Any

from providers.sakura import SakuraProvider
from scanner.catalog import load_catalog
from scanner.engine import Scan
from scanner.model import ScanResult, Status
from scanner.policy import load_policy
from tests.fakes.sakura_api import FakeSakura
from tests.providers.sakura.conftest import ACCOUNT, target

CATALOG = load_catalog()
POLICY = load_policy(None, CATALOG)


def run(fake: FakeSakura, policy: dict[str, Any] | None = None, **extra: Any) -> tuple[ScanResult, SakuraProvider]:
    provider = SakuraProvider()
    chosen = POLICY if policy is None else load_policy(None, CATALOG, data={"version": 1, **policy})
    result = Scan(CATALOG, chosen, [(provider, target(fake, **extra))], workers=4).run()
    return result, provider


def status(result: ScanResult, check: str, name: str) -> Status:
    found = [f.status for f in result.findings if f.check_id == check and f.resource_name == name]
    assert found, f"no finding of {check} on {name}"
    assert len(set(found)) == 1, found
    return found[0]


def test_inventory_covers_every_zone_and_global_services(fake: FakeSakura) -> None:
    result, provider = run(fake)
    assert result.collection_errors == []
    inventory = result.inventory["sakura"]
    assert inventory["compute.instance"] == 6 and inventory["compute.disk"] == 7
    assert inventory["storage.bucket"] == 3 and inventory["cdn.distribution"] == 3
    assert {"account", "network.firewall", "network.vpc", "network.loadbalancer", "database.instance",
            "storage.file"} <= set(inventory)
    zones = {e["zone"] for e in fake.log}
    assert zones == {"is1a", "is1b", "is1c", "tk1a", "tk1b"}  # the sandbox tk1v is not scanned by default
    assert result.api_calls["sakura"] == provider.api_calls == len(fake.log)
    assert all(e["method"] == "GET" and e["bigint"] for e in fake.log)


BOTH_WAYS = [
    ("GC-NET-015", "web01", "app01"),
    ("GC-NET-501", "pf-open-end", "pf-closed"),
    ("GC-NET-001", "pf-web", "pf-closed"),
    ("GC-NET-002", "pf-open-end", "pf-closed"),
    ("GC-NET-005", "db-open", "db01"),
    ("GC-NET-006", "web01", "app01"),
    ("GC-ENC-001", "web01-disk", "app01-disk"),
    ("GC-ENC-002", "db-open", "db01"),
    ("GC-ENC-003", "gov-public-web", "gov-archive"),
    ("GC-ENC-007", "static-cdn", "www-cdn"),
    ("GC-ENC-007", "elb-anycast", "elb-tokyo"),
    ("GC-ENC-501", "web01-disk", "app01-disk"),
    ("GC-ENC-501", "is1b-app01-disk", "app01-disk"),
    ("GC-ENC-501", "db-open", "db01"),
    ("GC-ENC-501", "gov-public-web", "gov-archive"),
    ("GC-BAK-001", "db-open", "db01"),
    ("GC-BAK-002", "web01-disk", "app01-disk"),
    ("GC-BAK-005", "db-open", "db01"),
    ("GC-RES-001", None, "gov-archive"),
    ("GC-RES-004", None, "gov-archive"),
    ("GC-RES-501", None, "app01"),
    ("GC-GOV-001", None, "web01"),
    # Sakura has no default network or default filter, and database replicas and backups stay in the
    # appliance's zone: these pass on every real payload (FAIL cannot arise here).
    ("GC-NET-003", None, "pf-closed"),
    ("GC-RES-006", None, "db01"),
    ("GC-RES-008", None, "db01"),
]


def test_checks_both_ways_on_fixture(fake: FakeSakura) -> None:
    result, _ = run(fake)
    for check, bad, good in BOTH_WAYS:
        if bad:
            assert status(result, check, bad) == Status.FAIL, (check, bad)
        assert status(result, check, good) == Status.PASS, (check, good)
    # an anycast enhanced LB and global services are never a pass: they need a residency review
    assert status(result, "GC-RES-001", "elb-anycast") == Status.UNKNOWN
    assert status(result, "GC-RES-001", "elb-tokyo") == Status.PASS
    assert status(result, "GC-RES-001", "www-cdn") == Status.UNKNOWN
    assert status(result, "GC-LOG-501", ACCOUNT) == Status.PASS


def test_residency_fails_for_sandbox_and_foreign_replication(fake: FakeSakura) -> None:
    fake.state["objectStorage"]["replication"]["gov-archive"]["dest_bucket"]["cluster_id"] = "us-west-demo"
    result, _ = run(fake, zones="is1a,tk1v")
    assert status(result, "GC-RES-001", "sandbox01") == Status.FAIL  # tk1v is flagged, never allowed
    assert status(result, "GC-RES-501", "sandbox01") == Status.FAIL
    assert status(result, "GC-RES-004", "gov-archive") == Status.FAIL
    assert {e["zone"] for e in fake.log} == {"is1a", "tk1v"}


def test_monitoring_check_fails_without_notifying_monitor(fake: FakeSakura) -> None:
    monitor = fake.state["global"][0]["Settings"]["SimpleMonitor"]
    monitor["NotifyEmail"]["Enabled"] = "False"
    result, _ = run(fake)
    assert status(result, "GC-LOG-501", ACCOUNT) == Status.FAIL


def test_ids_parse_without_the_bigint_header(fake: FakeSakura) -> None:
    from providers.sakura import normalize as n

    assert n.sid(113100000400) == n.sid("113100000400") == "113100000400"


def test_paging_with_small_pages_gets_everything(fake: FakeSakura) -> None:
    result, _ = run(fake, page_size=1)
    assert result.collection_errors == []
    assert result.inventory["sakura"]["network.firewall"] == 7
    servers = [e for e in fake.log if e["operation"] == "GET cloud/1.1/server" and e["zone"] == "is1a"]
    assert [e["condition"]["From"] for e in servers] == [0, 1, 2]


def test_required_tags_both_ways(fake: FakeSakura) -> None:
    result, _ = run(fake, policy={"required_tags": ["system"]})
    assert status(result, "GC-GOV-001", "app01-disk") == Status.PASS
    assert status(result, "GC-GOV-001", "web01-disk") == Status.FAIL


def test_object_storage_public_and_nfs_encryption_are_never_guessed(fake: FakeSakura) -> None:
    result, _ = run(fake)
    # no control-plane field says whether a bucket is public or an NFS appliance is encrypted
    assert status(result, "GC-NET-004", "gov-archive") == Status.UNKNOWN
    assert status(result, "GC-ENC-004", "nfs01") == Status.UNKNOWN

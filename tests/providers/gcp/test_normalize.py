"""Normalizers on the recorded Cloud Asset payloads of the fixture organization (no network)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from providers.gcp import bigquery, compute, iam, kms, logs, network, services, sql, storage
from providers.gcp.hierarchy import Hierarchy, LocationPolicy, data_access_on, expand_value, location_policy
from scanner.kinds import FirewallRule, validate_resource_facts
from scanner.model import Resource, Unknown

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "gcp"
RESOURCES = json.loads((FIXTURES / "resources.json").read_text(encoding="utf-8"))
ORG = "organizations/123456789012"


def asset(name_end: str) -> dict:
    """The fixture asset whose name ends with `name_end`."""
    hits = [a for a in RESOURCES if a["name"].endswith(name_end)]
    assert len(hits) == 1, name_end
    return hits[0]


def valid(resource: Resource) -> Resource:
    """Assert the resource's facts match the kinds table, and return it."""
    assert validate_resource_facts(resource.kind, resource.attrs) == []
    assert resource.provider == "gcp" and resource.scope.startswith(("projects/", "folders/", "organizations/"))
    return resource


def test_bucket_region_cmek_locked_private() -> None:
    r = valid(storage.normalize_bucket(asset("/gov-data-tokyo"), False))
    assert r.location == "asia-northeast1" and r.scope == "projects/111"
    assert r.attrs["encryption.at_rest"] == "customer_key" and r.attrs["replication.locations"] == []
    assert r.attrs["uniform_access"] is True and r.attrs["retention.locked"] is True
    assert r.attrs["versioning"] is True and r.attrs["access_logging"] is True
    assert r.attrs["public"] is False and r.attrs["public_access_block"] is True
    assert r.tags["classification"] == "kimitsu-2"


def test_bucket_dual_and_multi_regions() -> None:
    asia1 = valid(storage.normalize_bucket(asset("/gov-dr-asia1"), False))
    assert asia1.location == "asia1" and asia1.attrs["replication.locations"] == ["asia-northeast1", "asia-northeast2"]
    custom = valid(storage.normalize_bucket(asset("/gov-custom-dual"), False))
    assert custom.location == "asia-northeast1" and custom.attrs["replication.locations"] == ["asia-northeast1", "asia-northeast2"]
    assert custom.attrs["versioning"] is True  # soft delete counts
    multi = valid(storage.normalize_bucket(asset("/gov-archive-asia"), True))
    assert multi.location == "asia" and multi.attrs["replication.locations"] == ["asia"]
    assert multi.attrs["public"] is True and multi.attrs["uniform_access"] is False and multi.attrs["versioning"] is False
    abroad = valid(storage.normalize_bucket(asset("/gov-custom-abroad"), True))
    assert abroad.attrs["replication.locations"] == ["asia-northeast1", "asia-southeast1"]


def test_bucket_public_unknown_when_iam_unread_but_prevention_wins() -> None:
    why = Unknown("IAM listing failed")
    assert isinstance(valid(storage.normalize_bucket(asset("/gov-archive-asia"), why)).attrs["public"], Unknown)
    assert valid(storage.normalize_bucket(asset("/gov-data-tokyo"), why)).attrs["public"] is False


def test_instances_merge_project_metadata() -> None:
    good = valid(compute.normalize_instance(asset("/instances/web-good"), {"enable-oslogin": "true"}))
    assert good.location == "asia-northeast1-b"
    assert good.attrs == {"public_ip": False, "identity.default_service_account": False, "identity.full_api_scope": False,
                          "serial_port": False, "os_login": True, "shielded_vm": True, "ip_forwarding": False,
                          "ssh.project_keys_blocked": True}
    bad = valid(compute.normalize_instance(asset("/instances/web-bad"), {"serial-port-enable": "true"}))
    assert bad.attrs["public_ip"] and bad.attrs["identity.default_service_account"] and bad.attrs["identity.full_api_scope"]
    assert bad.attrs["serial_port"] is True and bad.attrs["os_login"] is False  # instance FALSE overrides
    assert bad.attrs["shielded_vm"] is False and bad.attrs["ip_forwarding"] is True
    unknown = compute.normalize_instance(asset("/instances/web-good"), Unknown("no project metadata"))
    assert isinstance(unknown.attrs["os_login"], Unknown) and isinstance(unknown.attrs["serial_port"], Unknown)


def test_disks_and_snapshots() -> None:
    assert valid(compute.normalize_disk(asset("/disks/web-good"))).attrs["encryption.at_rest"] == "customer_key"
    assert valid(compute.normalize_disk(asset("/disks/web-bad"))).attrs["encryption.at_rest"] == "provider_key"
    snap = valid(compute.normalize_snapshot(asset("/snapshots/snap-asia")))
    assert snap.location == "asia" and snap.attrs["storage_locations"] == ["asia"]


def test_firewall_rules() -> None:
    ssh = valid(network.normalize_firewall(asset("/firewalls/default-allow-ssh")))
    assert ssh.attrs["is_default"] is True
    assert ssh.attrs["ingress"] == [FirewallRule("tcp", 22, 22, ("0.0.0.0/0",), True, "default-allow-ssh")]
    rdp = valid(network.normalize_firewall(asset("/firewalls/allow-rdp-any")))  # compute API spelling IPProtocol
    assert rdp.attrs["ingress"][0].covers_port(3389) and rdp.attrs["ingress"][0].admits_any_source()
    everything = valid(network.normalize_firewall(asset("/firewalls/allow-all-any"))).attrs["ingress"][0]
    assert everything.all_ports()
    assert valid(network.normalize_firewall(asset("/firewalls/deny-egress-all"))).attrs["ingress"] == []
    internal = valid(network.normalize_firewall(asset("/firewalls/allow-ssh-internal"))).attrs["ingress"][0]
    assert not internal.admits_any_source()


def test_networks_and_subnets() -> None:
    assert valid(network.normalize_network(asset("/networks/default"))).attrs["is_default"] is True
    assert valid(network.normalize_network(asset("/networks/gov-vpc"))).attrs["is_default"] is False
    sub = valid(network.normalize_subnet(asset("/subnetworks/gov-tokyo")))
    assert sub.location == "asia-northeast1" and sub.attrs == {"flow_logs": True, "private_access": True}
    assert valid(network.normalize_subnet(asset("/subnetworks/default"))).attrs == {"flow_logs": False, "private_access": False}


def test_cloud_sql() -> None:
    prod = valid(sql.normalize_instance(asset("/instances/db-prod"), ["asia-northeast2"]))
    assert prod.location == "asia-northeast1"
    assert prod.attrs["public"] is False and prod.attrs["tls.required"] is True and prod.attrs["high_availability"] is True
    assert prod.attrs["backup.locations"] == ["asia-northeast1"] and prod.attrs["backup.retention_days"] == 30
    assert prod.attrs["replication.locations"] == ["asia-northeast2"] and prod.attrs["audit_logging"] is True
    assert prod.attrs["encryption.at_rest"] == "customer_key" and prod.attrs["deletion_protection"] is True
    dev = valid(sql.normalize_instance(asset("/instances/db-dev"), ["us-central1"]))
    # No backup location: Cloud SQL uses the closest multi-region, `asia` for Tokyo (outside Japan).
    assert dev.attrs["backup.locations"] == ["asia"] and dev.attrs["public"] is True
    assert dev.attrs["tls.required"] is False and dev.attrs["high_availability"] is False and dev.attrs["audit_logging"] is False
    mysql = valid(sql.normalize_instance(asset("/instances/db-mysql-nobackup")))
    assert mysql.attrs["backup.enabled"] is False and mysql.attrs["backup.locations"] == []
    assert mysql.attrs["tls.required"] is True and mysql.attrs["replication.locations"] == []
    assert isinstance(sql.default_backup_location("me-central1"), Unknown)


def test_bigquery_kms_logging_and_services() -> None:
    tokyo = valid(bigquery.normalize_dataset(asset("/datasets/juminkiroku")))
    assert tokyo.location == "asia-northeast1" and tokyo.attrs == {"encryption.at_rest": "customer_key", "public": False}
    us = valid(bigquery.normalize_dataset(asset("/datasets/opendata")))
    assert us.location == "us" and us.attrs == {"encryption.at_rest": "provider_key", "public": True}
    key = valid(kms.normalize_key(asset("/cryptoKeys/data"), False))
    assert key.attrs["rotation.enabled"] is True and key.attrs["rotation.period_days"] == 90
    sign = valid(kms.normalize_key(asset("/cryptoKeys/sign"), False))
    assert isinstance(sign.attrs["rotation.enabled"], Unknown)
    legacy = valid(kms.normalize_key(asset("/cryptoKeys/norotate"), True))
    assert legacy.location == "global" and legacy.attrs["rotation.enabled"] is False
    assert legacy.attrs["replication.locations"] == ["global"]
    sink = valid(logs.normalize_sink(asset("/sinks/audit-to-tokyo")))
    assert sink.location == "asia-northeast1" and sink.attrs["destination.locations"] == ["asia-northeast1"]
    gcs = valid(logs.normalize_sink(asset("/sinks/to-gcs")))
    assert isinstance(gcs.attrs["destination.locations"][0], Unknown)
    assert valid(logs.normalize_sink(asset("/sinks/to-us-bucket"))).attrs["enabled"] is False
    bucket = valid(logs.normalize_log_bucket(asset("/buckets/_Default")))
    assert bucket.location == "global" and bucket.attrs["retention_days"] == 30 and bucket.attrs["retention.locked"] is False
    repo = valid(services.normalize_repository(asset("/repositories/images")))
    assert repo.location == "asia" and repo.attrs["replication.locations"] == ["asia"]
    topic = valid(services.normalize_topic(asset("/topics/anywhere")))
    assert topic.location == "global" and topic.attrs["allowed_persistence_locations"] == ["global"]
    restricted = valid(services.normalize_topic(asset("/topics/events")))
    assert restricted.attrs["allowed_persistence_locations"] == ["asia-northeast1", "asia-northeast2"]
    private = valid(services.normalize_cluster(asset("/clusters/gke-private")))
    assert private.attrs == {"private_endpoint": True, "network_policy": True, "secrets_encryption": True}
    public = valid(services.normalize_cluster(asset("/clusters/gke-public")))
    assert public.location == "us-central1-a" and not any(public.attrs.values())


@pytest.mark.parametrize(("value", "location"), [
    ("in:asia-northeast1-locations", "asia-northeast1"), ("in:asia-locations", "asia"), ("asia-northeast1-a", "asia-northeast1-a"),
])
def test_expand_location_values(value: str, location: str) -> None:
    assert expand_value(value) == location


def test_hierarchy_guardrail_and_audit() -> None:
    tree = Hierarchy(ORG, locations={ORG: LocationPolicy(allowed=("asia-northeast1",)),
                                     "folders/556": LocationPolicy(allowed=("asia", "us"))},
                     data_access={"folders/555"})
    assert tree.guardrail(["projects/111", "folders/555", ORG]) == (True, ["asia-northeast1"])
    assert tree.guardrail(["projects/222", "folders/556", ORG]) == (True, ["asia", "us"])
    assert tree.data_events(["projects/111", "folders/555", ORG]) is True
    assert tree.data_events(["projects/222", "folders/556", ORG]) is False
    inherit = Hierarchy(ORG, locations={ORG: LocationPolicy(allowed=("asia-northeast1",)),
                                        "projects/9": LocationPolicy(allowed=("asia-northeast2",), inherit=True)})
    assert inherit.guardrail(["projects/9", ORG]) == (True, ["asia-northeast2", "asia-northeast1"])
    nothing = Hierarchy(ORG)
    restricted, allowed = nothing.guardrail(["projects/1", ORG])
    assert restricted is False and isinstance(allowed, Unknown)
    project_scope = Hierarchy("projects/111")
    for fact in (*project_scope.guardrail(["projects/111", "folders/555", ORG]),
                 project_scope.data_events(["projects/111", "folders/555", ORG])):
        assert isinstance(fact, Unknown) and "above the scanned scope" in fact.reason
    deny_only = Hierarchy(ORG, locations={ORG: LocationPolicy(denied=("us",))})
    assert all(isinstance(v, Unknown) for v in deny_only.guardrail(["projects/1", ORG]))
    assert Hierarchy(ORG, locations={ORG: LocationPolicy(all_values="ALLOW")}).guardrail(["projects/1", ORG])[0] is False


def test_policy_parsers() -> None:
    policy = location_policy([{"constraint": "constraints/iam.disableServiceAccountKeyCreation"},
                              {"constraint": "constraints/gcp.resourceLocations",
                               "listPolicy": {"allowedValues": ["in:asia-northeast1-locations"], "inheritFromParent": True}}])
    assert policy == LocationPolicy(allowed=("asia-northeast1",), inherit=True)
    assert location_policy([]) is None
    assert data_access_on({"auditConfigs": [{"service": "allServices", "auditLogConfigs": [
        {"logType": "DATA_READ"}, {"logType": "DATA_WRITE"}]}]})
    assert not data_access_on({"auditConfigs": [{"service": "allServices", "auditLogConfigs": [{"logType": "ADMIN_READ"}]}]})


def test_projects_guardrails_and_service_accounts() -> None:
    tree = Hierarchy(ORG, locations={ORG: LocationPolicy(allowed=("asia-northeast1", "asia-northeast2"))}, data_access={"folders/555"})
    prod = valid(iam.normalize_project(asset("projects/111"), tree))
    assert prod.kind == "account" and prod.name == "gov-prod" and prod.scope == "projects/111"
    assert prod.attrs["audit.enabled"] is True and prod.attrs["audit.data_events"] is True
    assert prod.attrs["guardrail.region_restriction"] is True and prod.attrs["organization.member"] is True
    assert prod.attrs["guardrail.allowed_locations"] == ["asia-northeast1", "asia-northeast2"]
    rail = valid(iam.normalize_guardrail({"name": "//cloudresourcemanager.googleapis.com/" + ORG, "ancestors": [ORG]},
                                         LocationPolicy(allowed=("asia", "us"))))
    assert rail.kind == "policy.guardrail" and rail.scope == ORG and rail.attrs == {"enforced": True, "allowed_locations": ["asia", "us"]}
    ci = valid(iam.normalize_service_account(asset("ci-sa@gov-dev.iam.gserviceaccount.com"), (2, 700), True))
    assert ci.kind == "identity.service_account" and ci.attrs == {"user_managed_keys": 2, "keys.max_age_days": 700, "admin": True}
    import datetime as dt
    today = dt.date(2026, 11, 27)
    assert iam.key_record(asset("/keys/k2"), today) == ("ci-sa@gov-dev.iam.gserviceaccount.com", (today - dt.date(2024, 1, 1)).days)
    assert iam.key_record(asset("/keys/k1"), today) is None
    assert iam.admin_members({"bindings": [{"role": "roles/owner", "members": ["serviceAccount:a@x", "user:b@x"]},
                                           {"role": "roles/viewer", "members": ["serviceAccount:c@x"]}]}) == {"a@x"}


def test_every_fixture_asset_normalizes_to_valid_facts() -> None:
    """Every recorded RESOURCE asset of a collected type becomes a resource with valid facts."""
    from providers.gcp.collect import SERVICES  # noqa: F401 (the table names every collected type)

    tree = Hierarchy(ORG)
    made = 0
    table = {
        storage.BUCKET: lambda a: storage.normalize_bucket(a, False), compute.INSTANCE: lambda a: compute.normalize_instance(a, {}),
        compute.DISK: compute.normalize_disk, compute.SNAPSHOT: compute.normalize_snapshot,
        network.FIREWALL: network.normalize_firewall, network.NETWORK: network.normalize_network,
        network.SUBNET: network.normalize_subnet, sql.INSTANCE: sql.normalize_instance,
        bigquery.DATASET: bigquery.normalize_dataset, kms.KEY: lambda a: kms.normalize_key(a, False),
        logs.SINK: logs.normalize_sink, logs.BUCKET: logs.normalize_log_bucket,
        services.REPOSITORY: services.normalize_repository, services.TOPIC: services.normalize_topic,
        services.CLUSTER: services.normalize_cluster, iam.PROJECT: lambda a: iam.normalize_project(a, tree),
        iam.SERVICE_ACCOUNT: lambda a: iam.normalize_service_account(a, (0, 0), False),
    }
    for item in RESOURCES:
        normalize = table.get(item["assetType"])
        if normalize is not None:
            valid(normalize(item))
            made += 1
    assert made == len([a for a in RESOURCES if a["assetType"] in table]) >= 45

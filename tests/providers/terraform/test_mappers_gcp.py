"""google_* mappers: the example folder through the HCL reader, the recorded plan, and unit cases."""

from __future__ import annotations

from providers.terraform._clouds import NO_REGION
from providers.terraform.google import value_group
from scanner.model import Mute, Status, Unknown
from tests.providers.terraform.cloud_support import FIXTURES, compare_expected, hcl, one, plan, status, tf

P = Status.PASS
F = Status.FAIL
U = Status.UNKNOWN
TOKYO = {"project": "p", "region": "asia-northeast1"}


def test_example_folder_gives_the_expected_findings() -> None:
    compare_expected("gcp")


def test_example_folder_points_findings_at_the_attribute_line() -> None:
    _, resources = hcl("gcp")
    lines = (FIXTURES / "terraform" / "gcp" / "main.tf").read_text().splitlines()
    bucket = resources["google_storage_bucket.asia_multi"]
    line = bucket.origin.attr_lines["location"]
    assert lines[line - 1].strip() == 'location = "ASIA"'
    assert bucket.origin.file.endswith("main.tf") and bucket.origin.type == "iac"


def test_plan_residency_both_ways() -> None:
    r = plan("gcp")
    # ASIA-NORTHEAST1 as the provider writes it in a plan -> asia-northeast1.
    assert r["google_storage_bucket.tokyo"].location == "asia-northeast1"
    assert status(r["google_storage_bucket.tokyo"], "GC-RES-001") is P
    # The Tokyo-Osaka dual-region ASIA1 stays in Japan; the ASIA multi-region does not.
    assert r["google_storage_bucket.dual"].location == "asia1"
    assert r["google_storage_bucket.dual"].attrs["replication.locations"] == ["asia-northeast1", "asia-northeast2"]
    assert status(r["google_storage_bucket.dual"], "GC-RES-001") is P
    assert status(r["google_storage_bucket.dual"], "GC-RES-004") is P
    assert status(r["google_storage_bucket.multi"], "GC-RES-001") is F
    assert status(r["google_storage_bucket.multi"], "GC-RES-004") is F
    # A configurable dual-region written as ASIA stores data only in its data locations.
    assert r["google_storage_bucket.custom"].location == "asia-northeast1"
    assert status(r["google_storage_bucket.custom"], "GC-RES-004") is P
    assert status(r["google_compute_instance.app"], "GC-RES-001") is P
    assert status(r["google_compute_instance.us"], "GC-RES-001") is F
    # The provider's default dataset location US is in the plan.
    assert r["google_bigquery_dataset.default_us"].location == "us"
    assert status(r["google_bigquery_dataset.default_us"], "GC-RES-001") is F


def test_plan_joins_and_defaults() -> None:
    r = plan("gcp")
    # allUsers on the bucket through a separate IAM member resource.
    assert status(r["google_storage_bucket.multi"], "GC-NET-004") is F
    assert status(r["google_storage_bucket.tokyo"], "GC-NET-004") is P
    # The key ring id is known only after apply: the key's location comes from the ring it references.
    assert r["google_kms_crypto_key.key"].location == "asia-northeast1"
    assert r["google_kms_crypto_key.key"].attrs["rotation.period_days"] == 90
    # A sink to the ASIA multi-region bucket lands outside Japan.
    assert r["google_logging_project_sink.to_asia"].attrs["destination.locations"] == ["asia"]
    assert status(r["google_logging_project_sink.to_asia"], "GC-RES-011") is F
    # Cloud SQL backups without a location go to the multi-region nearest the instance: asia.
    assert r["google_sql_database_instance.main"].attrs["backup.locations"] == ["asia"]
    assert status(r["google_sql_database_instance.main"], "GC-RES-008") is F
    assert status(r["google_compute_firewall.ssh"], "GC-NET-001") is F
    # soft_delete_policy known only after apply: versioning is Unknown, never a guess.
    assert status(r["google_storage_bucket.multi"], "GC-BAK-003") is U
    # Dataset access entries known only after apply: public is Unknown.
    assert status(r["google_bigquery_dataset.default_us"], "GC-NET-009") is U


def test_location_falls_back_to_the_provider_then_unknown() -> None:
    bucket = {"name": "b", "location": None}
    topic = tf("google_compute_subnetwork.s", {"name": "s"}, TOKYO)
    assert one(topic).location == "asia-northeast1"
    no_region = one(tf("google_compute_subnetwork.s", {"name": "s"}, {"project": "p"}))
    assert isinstance(no_region.location, Unknown) and no_region.location.reason == NO_REGION
    assert status(no_region, "GC-RES-001") is U
    variable = one(tf("google_storage_bucket.b", {**bucket, "location": Unknown("var.region has no value")}))
    assert isinstance(variable.location, Unknown) and "var.region" in variable.location.reason
    assert status(variable, "GC-RES-001") is U
    assert status(variable, "GC-RES-004") is U


def test_bucket_never_takes_the_provider_region() -> None:
    bucket = one(tf("google_storage_bucket.b", {"name": "b"}, TOKYO))
    assert isinstance(bucket.location, Unknown) and "requires it" in bucket.location.reason
    assert status(bucket, "GC-RES-001") is U and status(bucket, "GC-RES-004") is U


def test_bigquery_without_location_is_us() -> None:
    dataset = one(tf("google_bigquery_dataset.d", {"dataset_id": "d"}, TOKYO))
    assert dataset.location == "us"
    assert status(dataset, "GC-RES-001") is F
    tokyo = one(tf("google_bigquery_dataset.d", {"dataset_id": "d", "location": "asia-northeast1"}))
    assert status(tokyo, "GC-RES-001") is P


def test_snapshot_default_storage_location_is_the_nearest_multi_region() -> None:
    disk = tf("google_compute_disk.d", {"name": "d", "zone": "asia-northeast1-b"})
    snap = one(tf("google_compute_snapshot.s", {"name": "s", "source_disk": Unknown("id", "google_compute_disk.d.id")}), disk)
    assert snap.attrs["storage_locations"] == ["asia"]
    assert status(snap, "GC-RES-017") is F
    undeclared = one(tf("google_compute_snapshot.s", {"name": "s", "source_disk": "projects/p/zones/z/disks/x"}))
    assert isinstance(undeclared.attrs["storage_locations"], Unknown)
    assert status(undeclared, "GC-RES-017") is U


def test_facts_without_a_shared_check() -> None:
    bucket = one(tf("google_storage_bucket.b", {
        "name": "b", "location": "ASIA-NORTHEAST2", "uniform_bucket_level_access": True, "public_access_prevention": "enforced",
        "retention_policy": [{"is_locked": True, "retention_period": 86400}]}))
    assert bucket.attrs["uniform_access"] is True
    assert bucket.attrs["public_access_block"] is True and bucket.attrs["public"] is False
    assert bucket.attrs["retention.locked"] is True
    subnet = one(tf("google_compute_subnetwork.s", {"name": "s", "region": "asia-northeast1",
                                                    "private_ip_google_access": True, "log_config": []}))
    assert subnet.attrs == {"flow_logs": False, "private_access": True}
    vm = one(tf("google_compute_instance.v", {"name": "v", "zone": "asia-northeast1-c", "metadata": {"enable-oslogin": "TRUE"},
                                              "network_interface": [{"network": "n", "access_config": []}]}))
    assert vm.attrs["os_login"] is True and vm.attrs["public_ip"] is False
    assert vm.attrs["ssh.project_keys_blocked"] is False
    blocked = one(tf("google_compute_instance.v", {"name": "v", "zone": "asia-northeast1-c",
                                                   "metadata": {"block-project-ssh-keys": "true"}}))
    assert blocked.attrs["ssh.project_keys_blocked"] is True
    assert vm.attrs["identity.default_service_account"] is False  # no service_account block: no service account
    repo = one(tf("google_artifact_registry_repository.r", {"repository_id": "r", "location": "asia-northeast1",
                                                            "docker_config": [{"immutable_tags": True}]}))
    assert repo.attrs["immutable_tags"] is True and repo.attrs["replication.locations"] == []
    gke = one(tf("google_container_cluster.c", {"name": "c", "location": "asia-northeast1-a",
                                                "network_policy": [{"enabled": True}]}))
    assert gke.attrs["network_policy"] is True and gke.attrs["secrets_encryption"] is False
    assert status(gke, "GC-NET-021") is F
    log_bucket = one(tf("google_logging_project_bucket_config.b", {"bucket_id": "b", "location": "global"}))
    assert log_bucket.attrs["retention_days"] == 30  # the API default
    assert status(log_bucket, "GC-RES-001") is U  # global: review


def test_firewall_rules() -> None:
    open_all = one(tf("google_compute_firewall.f", {"name": "all", "allow": [{"protocol": "all"}], "direction": "INGRESS"}))
    assert status(open_all, "GC-NET-002") is F  # no source ranges and no tags: every source
    egress = one(tf("google_compute_firewall.f", {"name": "out", "direction": "EGRESS", "allow": [{"protocol": "all"}],
                                                  "destination_ranges": ["0.0.0.0/0"]}))
    assert egress.attrs["ingress"] == [] and status(egress, "GC-NET-002") is P
    tagged = one(tf("google_compute_firewall.f", {"name": "t", "allow": [{"protocol": "tcp", "ports": ["22"]}],
                                                  "source_tags": ["bastion"]}))
    assert status(tagged, "GC-NET-001") is P
    disabled = one(tf("google_compute_firewall.f", {"name": "d", "disabled": True, "allow": [{"protocol": "tcp", "ports": ["22"]}],
                                                    "source_ranges": ["0.0.0.0/0"]}))
    assert status(disabled, "GC-NET-001") is P
    unknown = one(tf("google_compute_firewall.f", {"name": "u", "allow": [{"protocol": "tcp", "ports": ["22"]}],
                                                   "source_ranges": Unknown("var.cidrs has no value")}))
    assert status(unknown, "GC-NET-001") is U
    default = one(tf("google_compute_network.n", {"name": "default"}))
    assert status(default, "GC-NET-003") is F


def test_resource_locations_org_policy() -> None:
    assert value_group("in:asia-northeast1-locations") == "asia-northeast1"
    assert value_group("asia-northeast2") == "asia-northeast2"
    dry = one(tf("google_org_policy_policy.p", {"name": "projects/p/policies/gcp.resourceLocations", "spec": [],
                                               "dry_run_spec": [{"rules": [{"values": [{"allowed_values": ["in:japan"]}]}]}]}))
    assert dry.attrs["enforced"] is False
    allow_all = one(tf("google_org_policy_policy.p", {"name": "organizations/1/policies/gcp.resourceLocations",
                                                     "spec": [{"rules": [{"allow_all": "TRUE"}]}]}))
    assert status(allow_all, "GC-RES-003") is F
    other = tf("google_org_policy_policy.p", {"name": "projects/p/policies/compute.skipDefaultNetworkCreation"})
    from providers.terraform.google import org_policy
    assert list(org_policy(other, None)) == []  # type: ignore[arg-type]


def test_mutes_and_unknown_members_pass_through() -> None:
    mute = Mute("GC-RES-001", "approved exception: public demo site", "2099-01-01", 3)
    bucket = tf("google_storage_bucket.b", {"name": "b", "location": "US"}, mutes=(mute,))
    grant = tf("google_storage_bucket_iam_member.m", {"bucket": "b", "role": "r", "member": Unknown("var.member")})
    resource = one(bucket, grant)
    assert resource.mutes == (mute,)
    assert status(resource, "GC-NET-004") is U

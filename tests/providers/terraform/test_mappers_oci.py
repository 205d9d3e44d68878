"""oci_* mappers: the example folder through the HCL reader, the recorded plan, and unit cases."""

from __future__ import annotations

from providers.terraform._clouds import NO_REGION
from scanner.model import Status, Unknown
from tests.providers.terraform.cloud_support import compare_expected, hcl, one, plan, status, tf

P = Status.PASS
F = Status.FAIL
U = Status.UNKNOWN
TOKYO = {"region": "ap-tokyo-1"}


def test_example_folder_gives_the_expected_findings() -> None:
    compare_expected("oci")


def test_example_folder_regions_aliases_and_joins() -> None:
    _, r = hcl("oci")
    # `provider = oci.ashburn` decides the bucket's region.
    assert r["oci_objectstorage_bucket.ashburn"].location == "us-ashburn-1"
    # The availability domain names the volume's region, whatever the provider says.
    assert r["oci_core_volume.scratch"].location == "us-ashburn-1"
    assert r["oci_objectstorage_bucket.records"].attrs["replication.locations"] == ["ap-osaka-1"]
    assert r["oci_objectstorage_bucket.records"].attrs["access_logging"] is True
    assert r["oci_core_volume.data"].attrs["backup.copy_locations"] == []
    # No assign_public_ip: the VNIC gets one because its subnet allows public IPs.
    assert r["oci_core_instance.jump"].attrs["public_ip"] is True
    assert r["oci_core_instance.app"].attrs["public_ip"] is False
    assert r["oci_database_autonomous_database.main"].attrs["replication.locations"] == ["us-ashburn-1"]
    assert r["oci_database_autonomous_database.main"].attrs["public"] is False
    assert r["oci_identity_user.operator"].attrs["access_keys.active"] == 2
    assert r["oci_identity_user.automation"].attrs["console_access"] is False
    assert r["oci_cloud_guard_configuration.tenancy"].attrs["threat_detection.enabled"] is True
    assert status(r["oci_core_network_security_group.app"], "GC-NET-001") is P


def test_plan_residency_both_ways() -> None:
    r = plan("oci")
    assert status(r["oci_objectstorage_bucket.tokyo"], "GC-RES-001") is P
    assert status(r["oci_objectstorage_bucket.ashburn"], "GC-RES-001") is F  # the aliased provider's region
    assert status(r["oci_objectstorage_bucket.tokyo"], "GC-RES-004") is F  # replicates to us-ashburn-1
    assert status(r["oci_core_volume.data"], "GC-RES-001") is P
    assert status(r["oci_core_security_list.web"], "GC-NET-001") is F
    assert status(r["oci_core_instance.app"], "GC-NET-007") is P
    assert status(r["oci_core_instance.app"], "GC-ENC-013") is P
    assert r["oci_core_instance.app"].attrs["public_ip"] is False  # "false" as a string in the plan
    assert status(r["oci_kms_key.key"], "GC-ENC-008") is F


def test_region_without_provider_region_is_unknown() -> None:
    bucket = one(tf("oci_objectstorage_bucket.b", {"name": "b", "namespace": "n"}))
    assert isinstance(bucket.location, Unknown) and bucket.location.reason == NO_REGION
    assert status(bucket, "GC-RES-001") is U
    ad = one(tf("oci_core_volume.v", {"display_name": "v", "availability_domain": "Uocm:AP-OSAKA-1-AD-1"}))
    assert ad.location == "ap-osaka-1" and status(ad, "GC-RES-001") is P


def test_backup_policy_copies() -> None:
    policy = tf("oci_core_volume_backup_policy.p", {"display_name": "p", "destination_region": "us-phoenix-1",
                                                    "schedules": [{"retention_seconds": 2592000}]}, TOKYO)
    plan_resource = one(policy)
    assert plan_resource.attrs == {"copy.locations": ["us-phoenix-1"], "retention_days": 30}
    assert status(plan_resource, "GC-RES-007") is F
    volume = tf("oci_core_volume.v", {"display_name": "v", "availability_domain": "x:AP-TOKYO-1-AD-1"}, TOKYO)
    assignment = tf("oci_core_volume_backup_policy_assignment.a", {
        "asset_id": Unknown("after apply", "oci_core_volume.v.id"),
        "policy_id": Unknown("after apply", "oci_core_volume_backup_policy.p.id")})
    disk = one(volume, assignment, policy)
    assert disk.attrs["backup.enabled"] is True and disk.attrs["backup.copy_locations"] == ["us-phoenix-1"]
    oracle = tf("oci_core_volume_backup_policy_assignment.a", {"asset_id": Unknown("after apply", "oci_core_volume.v.id"),
                                                               "policy_id": "ocid1.volumebackuppolicy.oc1..gold"})
    gold = one(volume, oracle)
    assert isinstance(gold.attrs["backup.copy_locations"][0], Unknown)


def test_security_rules() -> None:
    udp = one(tf("oci_core_security_list.s", {"display_name": "s", "ingress_security_rules": [
        {"protocol": "17", "source": "0.0.0.0/0", "udp_options": [{"min": 1, "max": 65535}]}]}, TOKYO))
    assert status(udp, "GC-NET-002") is F
    everything = one(tf("oci_core_security_list.s", {"display_name": "s", "ingress_security_rules": [
        {"protocol": "all", "source": "0.0.0.0/0"}]}, TOKYO))
    assert status(everything, "GC-NET-001") is F and status(everything, "GC-NET-002") is F
    default = one(tf("oci_core_default_security_list.d", {"manage_default_resource_id": "x", "ingress_security_rules": [
        {"protocol": "6", "source": "10.0.0.0/16", "tcp_options": [{"min": 22, "max": 22}]}]}, TOKYO))
    assert status(default, "GC-NET-003") is F  # a default list with allow rules
    unknown = one(tf("oci_core_security_list.s", {"display_name": "s", "ingress_security_rules": [
        {"protocol": "6", "source": Unknown("var.cidr has no value")}]}, TOKYO))
    assert status(unknown, "GC-NET-001") is U
    nsg = tf("oci_core_network_security_group.n", {"display_name": "n"}, TOKYO)
    world = tf("oci_core_network_security_group_security_rule.r", {
        "network_security_group_id": Unknown("after apply", "oci_core_network_security_group.n.id"), "direction": "INGRESS",
        "protocol": "6", "source": "0.0.0.0/0", "tcp_options": [{"destination_port_range": [{"min": 3389, "max": 3389}]}]})
    assert status(one(nsg, world), "GC-NET-001") is F


def test_autonomous_database_exposure_and_keys() -> None:
    open_adb = one(tf("oci_database_autonomous_database.a", {"db_name": "a"}, TOKYO))
    assert open_adb.attrs["public"] is True and open_adb.attrs["backup.enabled"] is True
    listed = one(tf("oci_database_autonomous_database.a", {"db_name": "a", "whitelisted_ips": ["203.0.113.0/24"],
                                                           "backup_retention_period_in_days": 60}, TOKYO))
    assert listed.attrs["public"] is False and listed.attrs["backup.retention_days"] == 60
    key = one(tf("oci_kms_key.k", {"display_name": "k", "is_auto_rotation_enabled": True,
                                   "auto_key_rotation_details": [{"rotation_interval_in_days": 60}]}, TOKYO))
    assert key.attrs == {"rotation.enabled": True, "rotation.period_days": 60}
    assert status(key, "GC-ENC-008") is P
    guard = one(tf("oci_cloud_guard_configuration.c", {"reporting_region": "ap-tokyo-1", "status": "DISABLED"}))
    assert status(guard, "GC-LOG-006") is F

"""sakuracloud_* mappers: the example folder through the HCL reader, the recorded plan, and unit cases."""

from __future__ import annotations

import pytest

from providers.terraform._clouds import NO_REGION
from providers.terraform.sakuracloud import IMPLICIT_ALLOW
from scanner.model import Status, Unknown
from tests.providers.terraform.cloud_support import compare_expected, hcl, one, plan, status, tf

P = Status.PASS
F = Status.FAIL
U = Status.UNKNOWN


def test_example_folder_gives_the_expected_findings() -> None:
    compare_expected("sakura")


def test_example_folder_facts() -> None:
    _, r = hcl("sakura")
    web = r["sakuracloud_server.web"].attrs
    assert web["network.shared_segment"] is True and web["firewall.attached"] is True
    legacy = r["sakuracloud_server.legacy"].attrs
    assert legacy["network.shared_segment"] is True and legacy["firewall.attached"] is False
    assert r["sakuracloud_server.sandbox"].attrs["public_ip"] is False
    # The filter that ends with `ip` deny admits nothing else; the other passes unmatched traffic.
    assert r["sakuracloud_packet_filter.web"].attrs["default_action"] == "deny"
    assert r["sakuracloud_packet_filter.open"].attrs["default_action"] == "allow"
    assert r["sakuracloud_packet_filter.open"].attrs["ingress"][-1].label == IMPLICIT_ALLOW
    assert r["sakuracloud_disk.web"].attrs == {"encryption.at_rest": "provider_key", "backup.enabled": True}
    assert r["sakuracloud_database.exposed"].attrs["public"] is True  # on the router's switch, no source ranges
    assert r["sakuracloud_database.main"].attrs["public"] is False
    assert r["sakuracloud_load_balancer.internal"].attrs["public"] is False
    assert r["sakuracloud_proxylb.tokyo"].attrs["tls.min_version"] == "1.2"
    assert r["sakuracloud_proxylb.tokyo"].attrs["access_logging"] is True


def test_plan_residency_both_ways() -> None:
    r = plan("sakura")
    assert r["sakuracloud_server.web"].location == "tk1a"
    assert status(r["sakuracloud_server.web"], "GC-RES-001") is P
    # The enhanced load balancer on anycast: a review location, never PASS.
    assert r["sakuracloud_proxylb.anycast"].location == "anycast"
    assert status(r["sakuracloud_proxylb.anycast"], "GC-RES-001") is U
    # No zone in the code or the provider block: SAKURACLOUD_ZONE decides at apply time.
    assert isinstance(r["sakuracloud_server.bare"].location, Unknown)
    assert status(r["sakuracloud_server.bare"], "GC-RES-001") is U
    # The packet filter id is known only after apply, but it is set.
    assert status(r["sakuracloud_server.web"], "GC-NET-015") is P
    assert status(r["sakuracloud_server.bare"], "GC-NET-015") is F
    assert r["sakuracloud_disk.web"].attrs["encryption.at_rest"] == "customer_key"
    # The database's switch is not declared here: whether the internet reaches it is not known.
    assert status(r["sakuracloud_database.db"], "GC-NET-005") is U
    assert status(r["sakuracloud_packet_filter.web"], "GC-NET-001") is F


@pytest.mark.parametrize(("zone", "expected"), [("tk1a", P), ("tk1b", P), ("is1a", P), ("is1b", P), ("is1c", P),
                                                ("tk1v", F)])
def test_zones(zone: str, expected: Status) -> None:
    assert status(one(tf("sakuracloud_switch.s", {"name": "s", "zone": zone})), "GC-RES-001") is expected


def test_zone_from_provider_block_else_unknown() -> None:
    assert one(tf("sakuracloud_switch.s", {"name": "s"}, {"zone": "is1b"})).location == "is1b"
    missing = one(tf("sakuracloud_switch.s", {"name": "s"}))
    assert isinstance(missing.location, Unknown) and missing.location.reason == NO_REGION


def test_proxylb_regions() -> None:
    assert one(tf("sakuracloud_proxylb.p", {"name": "p"})).location == "is1"  # the provider's documented default
    plain = one(tf("sakuracloud_proxylb.p", {"name": "p", "region": "tk1", "bind_port": [{"proxy_mode": "http", "port": 80}]}))
    assert status(plain, "GC-ENC-007") is F and status(plain, "GC-RES-001") is P


def test_packet_filter_rules() -> None:
    ssh_only = one(tf("sakuracloud_packet_filter.f", {"name": "f", "zone": "tk1a", "expression": [
        {"protocol": "tcp", "source_network": "192.0.2.0/255.255.255.0", "destination_port": "22", "allow": True},
        {"protocol": "ip", "source_network": "", "allow": False}]}))
    assert status(ssh_only, "GC-NET-001") is P and status(ssh_only, "GC-NET-002") is P
    empty = one(tf("sakuracloud_packet_filter.f", {"name": "f", "zone": "tk1a", "expression": []}))
    assert status(empty, "GC-NET-002") is F  # no rule at all: everything passes
    rules = tf("sakuracloud_packet_filter_rules.r", {"packet_filter_id": Unknown("after apply", "sakuracloud_packet_filter.f.id"),
                                                      "expression": [{"protocol": "ip", "allow": False}]})
    closed = one(tf("sakuracloud_packet_filter.f", {"name": "f", "zone": "tk1a"}), rules)
    assert closed.attrs["default_action"] == "deny" and status(closed, "GC-NET-002") is P
    unknown = one(tf("sakuracloud_packet_filter.f", {"name": "f", "zone": "tk1a", "expression": [
        {"protocol": "tcp", "source_network": Unknown("var.office"), "destination_port": "22"}]}))
    assert status(unknown, "GC-NET-001") is U


def test_disk_and_database_encryption() -> None:
    assert one(tf("sakuracloud_disk.d", {"name": "d", "zone": "is1a"})).attrs["encryption.at_rest"] == "none"
    assert one(tf("sakuracloud_disk.d", {"name": "d", "zone": "is1a", "encryption_algorithm": "aes256_xts"})).attrs[
        "encryption.at_rest"] == "provider_key"
    db = one(tf("sakuracloud_database.d", {"name": "d", "zone": "is1a", "disk": [{"encryption_algorithm": "aes256_xts",
                                                                                 "kms_key_id": "1136"}],
                                           "network_interface": [{"switch_id": Unknown("x", "sakuracloud_switch.s.id")}]}),
             tf("sakuracloud_switch.s", {"name": "s", "zone": "is1a"}))
    assert db.attrs["encryption.at_rest"] == "customer_key" and db.attrs["public"] is False
    assert db.attrs["backup.enabled"] is False and status(db, "GC-BAK-001") is F
    webaccel = one(tf("sakuracloud_webaccel.w", {"name": "w", "request_protocol": "http+https"}))
    assert webaccel.location == "global" and status(webaccel, "GC-ENC-007") is F


def test_findings_point_at_the_attribute_that_sets_the_fact() -> None:
    from tests.providers.terraform.cloud_support import FIXTURES
    _, r = hcl("sakura")
    lines = (FIXTURES / "terraform" / "sakura" / "main.tf").read_text().splitlines()
    legacy = r["sakuracloud_disk.legacy"]
    assert lines[legacy.origin.line_of(["location"]) - 1].strip() == 'zone = "is1a"'
    anycast = r["sakuracloud_proxylb.anycast"]
    assert lines[anycast.origin.line_of(["location"]) - 1].strip() == 'region = "anycast"'

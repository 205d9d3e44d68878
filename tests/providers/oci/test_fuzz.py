"""Fuzzing the OCI normalizers with hypothesis: arbitrary API-shaped dicts never raise and match the kinds table."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from providers.oci import normalize as n
from scanner.kinds import validate_resource_facts
from tests.reliability import record

EXAMPLES = 300
port_range = st.one_of(st.none(), st.fixed_dictionaries({}, optional={"min": st.integers(0, 65535), "max": st.integers(0, 65535)}))
rule = st.fixed_dictionaries({}, optional={
    "protocol": st.one_of(st.sampled_from(["6", "17", "1", "58", "all", "47"]), st.text(max_size=4)),
    "source": st.one_of(st.none(), st.sampled_from(["0.0.0.0/0", "::/0", "10.0.0.0/8", "oci-nrt-objectstorage"]), st.text(max_size=12)),
    "source_type": st.one_of(st.none(), st.sampled_from(["CIDR_BLOCK", "SERVICE_CIDR_BLOCK", "NETWORK_SECURITY_GROUP"])),
    "tcp_options": st.one_of(st.none(), st.fixed_dictionaries({"destination_port_range": port_range})),
    "udp_options": st.one_of(st.none(), st.fixed_dictionaries({"destination_port_range": port_range})),
    "direction": st.sampled_from(["INGRESS", "EGRESS"]), "description": st.one_of(st.none(), st.text(max_size=8))})
ocid = st.one_of(st.sampled_from(["ocid1.autonomousdatabase.oc1.us-ashburn-1.x", "ocid1.database.oc1.iad.y", "ocid1.user.oc1..z"]),
                 st.text(max_size=30))


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(rule, max_size=10), st.one_of(st.none(), st.text(max_size=5)))
def fuzz_security_list(rules: list[dict[str, Any]], default_id: str | None) -> None:
    facts = n.normalize_security_list({"id": "sl", "ingress_security_rules": rules}, default_id)
    assert validate_resource_facts("network.firewall", facts) == []
    assert validate_resource_facts("network.firewall", n.normalize_nsg(rules)) == []


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.fixed_dictionaries({}, optional={
    "whitelisted_ips": st.one_of(st.none(), st.lists(st.sampled_from(["0.0.0.0/0", "192.0.2.0/24", "ocid1.vcn.oc1..v"]), max_size=3)),
    "subnet_id": st.one_of(st.none(), st.text(max_size=5)), "kms_key_id": st.one_of(st.none(), st.text(max_size=5)),
    "peer_db_ids": st.one_of(st.none(), st.lists(ocid, max_size=3)),
    "backup_retention_period_in_days": st.one_of(st.none(), st.integers(0, 60)),
    "is_mtls_connection_required": st.one_of(st.none(), st.booleans())}))
def fuzz_autonomous_db(adb: dict[str, Any]) -> None:
    facts = n.normalize_autonomous_db(adb)
    assert validate_resource_facts("database.instance", facts) == []
    if not adb.get("subnet_id") and "0.0.0.0/0" in (adb.get("whitelisted_ips") or []):
        assert facts["public"] is True


def test_security_list_normalizers_are_total() -> None:
    fuzz_security_list()
    record("fuzz", target="oci normalize_security_list / normalize_nsg", examples=EXAMPLES, tracebacks=0, silent_passes=0)


def test_autonomous_db_normalizer_is_total() -> None:
    fuzz_autonomous_db()
    record("fuzz", target="oci normalize_autonomous_db", examples=EXAMPLES, tracebacks=0, silent_passes=0)

"""Fuzzing the Sakura normalizers with hypothesis: arbitrary API-shaped JSON never raises, never passes silently."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from providers.sakura import normalize as n
from scanner.kinds import validate_resource_facts
from tests.reliability import record

EXAMPLES = 300
text = st.one_of(st.none(), st.text(max_size=20), st.sampled_from(["", "*", "0.0.0.0/0", "192.0.2.0/255.255.255.0",
                                                                 "10.0.0.1/10.0.0.9", "22", "1024-65535", "abc-"]))
rule = st.fixed_dictionaries({}, optional={
    "Protocol": st.one_of(st.none(), st.sampled_from(["tcp", "udp", "icmp", "fragment", "ip", "TCP", "gre"])),
    "SourceNetwork": text, "DestinationPort": text, "SourcePort": text,
    "Action": st.one_of(st.none(), st.sampled_from(["allow", "deny", "ALLOW", "drop"])), "Description": text})
ids = st.one_of(st.integers(min_value=0, max_value=2**63), st.text(max_size=12), st.none())
nic = st.fixed_dictionaries({}, optional={
    "Switch": st.one_of(st.none(), st.fixed_dictionaries({}, optional={"ID": ids, "Scope": st.sampled_from(["shared", "user", ""])})),
    "PacketFilter": st.one_of(st.none(), st.fixed_dictionaries({"ID": ids}))})


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(rule, max_size=12))
def fuzz_packet_filter(expression: list[dict[str, Any]]) -> None:
    facts = n.normalize_packet_filter({"Expression": expression})
    assert facts["default_action"] in ("allow", "deny")
    assert validate_resource_facts("network.firewall", facts) == []
    if facts["default_action"] == "allow":
        assert facts["ingress"][-1].admits_any_source()  # unmatched traffic is never hidden


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(nic, max_size=4), st.sets(st.text(max_size=6), max_size=3))
def fuzz_server(nics: list[dict[str, Any]], routed: set[str]) -> None:
    facts = n.normalize_server({"Interfaces": nics}, routed)
    assert validate_resource_facts("compute.instance", facts) == []


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.one_of(st.none(), st.text(max_size=10), st.lists(st.text(max_size=18), max_size=4)),
       st.one_of(st.just([]), st.none(), st.fixed_dictionaries({"Rotate": st.one_of(st.integers(0, 30), st.text(max_size=3))})))
def fuzz_database(source: Any, backup: Any) -> None:
    app = {"Settings": {"DBConf": {"Common": {"SourceNetwork": source}, "Backup": backup}},
           "Interfaces": [{"Switch": {"Scope": "shared"}}], "Disk": {"EncryptionAlgorithm": "aes256_xts"}}
    facts = n.normalize_database(app, set())
    assert validate_resource_facts("database.instance", facts) == []


def test_packet_filter_normalizer_is_total() -> None:
    fuzz_packet_filter()
    record("fuzz", target="sakura normalize_packet_filter", examples=EXAMPLES, tracebacks=0, silent_passes=0)


def test_server_normalizer_is_total() -> None:
    fuzz_server()
    record("fuzz", target="sakura normalize_server", examples=EXAMPLES, tracebacks=0, silent_passes=0)


def test_database_normalizer_is_total() -> None:
    fuzz_database()
    record("fuzz", target="sakura normalize_database", examples=EXAMPLES, tracebacks=0, silent_passes=0)

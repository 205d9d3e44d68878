"""Sakura normalizers on recorded payloads, and every emitted resource validated against the kinds table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from providers.sakura import SakuraProvider
from providers.sakura import normalize as n
from scanner.kinds import validate_resource_facts
from scanner.model import Resource
from tests.fakes.sakura_api import FakeSakura
from tests.providers.sakura.conftest import ACCOUNT, target


def test_every_emitted_resource_matches_the_kinds_table(fake: FakeSakura) -> None:
    provider = SakuraProvider()
    resources: list[Resource] = []
    for unit in provider.plan(target(fake)):
        resources += [r for r in provider.collect(unit) if isinstance(r, Resource)]
    assert len(resources) > 35
    for resource in resources:
        assert validate_resource_facts(resource.kind, resource.attrs) == [], resource.name
        assert resource.scope == ACCOUNT and resource.location == resource.location.lower()


def test_packet_filter_without_final_deny_lets_unmatched_traffic_through() -> None:
    facts = n.normalize_packet_filter({"Expression": [
        {"Protocol": "tcp", "SourceNetwork": "", "DestinationPort": "443", "Action": "allow"}]})
    assert facts["default_action"] == "allow"
    implicit = facts["ingress"][-1]
    assert implicit.admits_any_source() and implicit.covers_port(22)


def test_packet_filter_rules_after_deny_all_are_unreachable() -> None:
    facts = n.normalize_packet_filter({"Expression": [
        {"Protocol": "tcp", "SourceNetwork": "192.0.2.0/255.255.255.0", "DestinationPort": "22", "Action": "allow"},
        {"Protocol": "ip", "SourceNetwork": "", "Action": "deny"},
        {"Protocol": "tcp", "SourceNetwork": "", "DestinationPort": "3389", "Action": "allow"}]})
    assert facts["default_action"] == "deny"
    assert [r.sources for r in facts["ingress"]] == [("192.0.2.0/24",), ("0.0.0.0/0",)]
    assert not any(r.admits_any_source() for r in facts["ingress"])


@pytest.mark.parametrize(("source", "expected"), [("", True), ([], True), (["0.0.0.0/0"], True),
                                                  (["192.0.2.0/24"], False), ("192.0.2.10", False)])
def test_database_source_network_forms(source: object, expected: bool) -> None:
    assert n.any_source(source) is expected


def test_disk_encryption_forms() -> None:
    assert n.encryption_of({"EncryptionAlgorithm": "none"}) == "none"
    assert n.encryption_of({"EncryptionAlgorithm": "aes256_xts"}) == "provider_key"
    assert n.encryption_of({"EncryptionAlgorithm": "aes256_xts", "EncryptionKey": {"KMSKeyID": "1"}}) == "customer_key"
    assert n.encryption_of({}) is None  # older payloads without the field: unknown, never "none"


def test_proxylb_anycast_and_redirects() -> None:
    region, facts = n.normalize_proxylb({"Status": {"Region": "anycast"}, "Settings": {"ProxyLB": {"BindPorts": [
        {"ProxyMode": "http", "Port": 80, "RedirectToHTTPS": True}, {"ProxyMode": "https", "Port": 443}]}}})
    assert region == "anycast" and facts["https_only"] is True


def test_cli_scan_against_the_emulator(fake: FakeSakura, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from scanner.cli import cli

    monkeypatch.setenv("GOVSCAN_SAKURA_ENDPOINT", fake.endpoint)  # type: ignore[attr-defined]
    out = tmp_path / "report"
    result = CliRunner().invoke(cli, ["scan", "sakura", "--account-name", ACCOUNT, "--zones", "is1a,tk1a",
                                      "--output-dir", str(out), "--quiet"])
    assert result.exit_code in (0, 1), result.output
    report = json.loads((out / "govscan.json").read_text(encoding="utf-8"))
    assert report["api_calls"]["sakura"] == len(fake.log) > 0
    assert "fake-secret" not in (out / "govscan.json").read_text(encoding="utf-8")

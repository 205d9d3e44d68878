"""Normalizers on recorded payloads, and every emitted resource validated against the kinds table."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from providers.oci import OciProvider
from providers.oci import normalize as n
from scanner.kinds import validate_resource_facts
from scanner.model import Resource
from tests.fakes.oci_api import FakeOci
from tests.providers.oci.conftest import TENANCY, target


def collect_all(fake: FakeOci, **extra: object) -> list[Resource]:
    provider = OciProvider()
    out: list[Resource] = []
    for unit in provider.plan(target(fake, **extra)):
        out += [r for r in provider.collect(unit) if isinstance(r, Resource)]
    return out


def test_every_emitted_resource_matches_the_kinds_table(fake: FakeOci) -> None:
    resources = collect_all(fake)
    assert len(resources) > 30
    for resource in resources:
        assert validate_resource_facts(resource.kind, resource.attrs) == [], resource.name
        assert resource.provider == "oci" and resource.scope == TENANCY
        assert resource.location == resource.location.lower()


def test_security_list_rules_become_firewall_rules() -> None:
    rule = n.firewall_rule({"protocol": "6", "source": "0.0.0.0/0", "source_type": "CIDR_BLOCK",
                            "tcp_options": {"destination_port_range": {"min": 22, "max": 22}}})
    assert (rule.protocol, rule.from_port, rule.to_port) == ("tcp", 22, 22)
    assert rule.admits_any_source() and rule.covers_port(22) and not rule.covers_port(3389)
    everything = n.firewall_rule({"protocol": "all", "source": "0.0.0.0/0"})
    assert everything.all_ports() and everything.covers_port(3389)
    nsg_source = n.firewall_rule({"protocol": "6", "source": "ocid1.networksecuritygroup.oc1..x",
                                  "source_type": "NETWORK_SECURITY_GROUP"})
    assert not nsg_source.admits_any_source()


def test_regions_from_ocids_and_keys() -> None:
    assert n.region_of_ocid("ocid1.autonomousdatabase.oc1.us-ashburn-1.abc") == "us-ashburn-1"
    assert n.region_of_ocid("ocid1.instance.oc1.iad.abc") == "us-ashburn-1"
    assert n.region_of_ocid("ocid1.user.oc1..abc") is None


def test_user_credentials_age_and_unknowns() -> None:
    now = datetime(2026, 11, 27, tzinfo=UTC)
    user = {"is_mfa_activated": False, "capabilities": {"can_use_console_password": True}}
    keys = [{"time_created": datetime(2026, 1, 1, tzinfo=UTC), "lifecycle_state": "ACTIVE"},
            {"time_created": datetime(2026, 11, 1, tzinfo=UTC), "lifecycle_state": "INACTIVE"}]
    facts = n.normalize_user(user, keys, [], [], True, now)
    assert facts["access_keys.active"] == 1 and facts["access_keys.max_age_days"] == 330
    missing = n.normalize_user(user, None, [], [], None, now)
    assert "access_keys.active" not in missing and "access_keys.max_age_days" not in missing and "admin" not in missing


def test_bucket_without_details_leaves_facts_unknown() -> None:
    facts = n.normalize_bucket({"public_access_type": "ObjectReadWithoutList", "kms_key_id": None}, None, None)
    assert facts["public"] is True and "replication.locations" not in facts and "access_logging" not in facts


def test_real_request_signer_with_a_throwaway_key(fake: FakeOci) -> None:
    import oci

    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()).decode()
    signer = oci.signer.Signer(TENANCY, "ocid1.user.oc1..aaaaaaaascanner", "aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99",
                               private_key_file_location=None, private_key_content=pem)
    resources = collect_all(fake, signer=signer)
    assert any(r.kind == "storage.bucket" for r in resources)
    assert all(e["signed"] for e in fake.log)


def test_cli_anonymous_mode_against_the_emulator(fake: FakeOci, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from scanner.cli import cli

    monkeypatch.setenv("GOVSCAN_OCI_ANONYMOUS", "1")
    monkeypatch.setenv("GOVSCAN_OCI_ENDPOINT", fake.endpoint)  # type: ignore[attr-defined]
    monkeypatch.setenv("OCI_CONFIG_FILE", str(tmp_path / "absent"))
    out = tmp_path / "report"
    result = CliRunner().invoke(cli, ["scan", "oci", "--tenancy", TENANCY, "--max-attempts", "1",
                                       "--output-dir", str(out), "--quiet"])
    assert result.exit_code in (0, 1), result.output
    report = json.loads((out / "govscan.json").read_text(encoding="utf-8"))
    assert report["api_calls"]["oci"] == len(fake.log) > 0

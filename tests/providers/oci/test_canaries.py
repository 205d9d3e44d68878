"""Canary credentials: an OCI private key used by the real signer never appears in errors, logs or reports."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from providers.oci import OciProvider
from scanner.errors import PluginError
from scanner.plugins import load_writer, report_names
from scanner.runner import ScanOptions, execute
from tests.fakes.oci_api import FakeOci, Fault
from tests.providers.oci.conftest import TENANCY, target
from tests.reliability import record


def installed_formats() -> tuple[str, ...]:
    """Every report format whose writer imports in this checkout."""
    out = []
    for name in report_names():
        try:
            load_writer(name)
        except PluginError:
            continue
        out.append(name)
    return tuple(out)


def test_private_key_never_leaks(fake: FakeOci, tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    import oci

    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()).decode()
    signer = oci.signer.Signer(TENANCY, "ocid1.user.oc1..aaaaaaaascanner", "aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99",
                               private_key_file_location=None, private_key_content=pem)
    fake.faults += [Fault("401", "GetBucket"), Fault("500", "GetVolume"), Fault("malformed", "GetInstance")]
    caplog.set_level(logging.DEBUG)
    out = tmp_path / "out"
    formats = installed_formats()
    config = dict(target(fake)["config"], key_content=pem)
    execute([(OciProvider(), target(fake, signer=signer, config=config))],
            ScanOptions(formats=formats, output_dir=str(out), quiet=True))
    # the key's base64 body lines, long enough to be unique
    needles = [line for line in pem.splitlines() if len(line) > 40][:5]
    haystacks = {p.name: p.read_text(encoding="utf-8", errors="replace") for p in out.iterdir() if p.is_file()}
    haystacks["log"] = caplog.text
    captured = capsys.readouterr()
    haystacks["console"] = captured.out + captured.err
    leaks = [name for name, text in haystacks.items() if any(n in text for n in needles)]
    assert "govscan.json" in haystacks and "HTTP 401" in haystacks["govscan.json"]
    record("canaries", canary="OCI API private key (real request signer)", searched=", ".join(sorted(haystacks)),
           leaks=len(leaks))
    assert leaks == []

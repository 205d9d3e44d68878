"""Canary credentials: a Sakura API token secret never appears in errors, logs or reports."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from providers.sakura import SakuraProvider
from scanner.errors import PluginError
from scanner.plugins import load_writer, report_names
from scanner.runner import ScanOptions, execute
from tests.fakes.sakura_api import FakeSakura, Fault
from tests.providers.sakura.conftest import target
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

CANARY_TOKEN = "c4nary00-0000-4000-8000-000000000042"
CANARY_SECRET = "CANARY-sakura-token-secret-7f3a9c2e1d"


@pytest.mark.parametrize("accepted", [True, False], ids=["valid key with faults", "rejected key"])
def test_token_secret_never_leaks(fake: FakeSakura, tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                  capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, accepted: bool) -> None:
    monkeypatch.setenv("SAKURACLOUD_ACCESS_TOKEN", CANARY_TOKEN)
    monkeypatch.setenv("SAKURACLOUD_ACCESS_TOKEN_SECRET", CANARY_SECRET)
    if accepted:
        fake.credentials = (CANARY_TOKEN, CANARY_SECRET)
        fake.faults += [Fault("500", "cloud/1.1/disk"), Fault("malformed", "cloud/1.1/server", "is1b"),
                        Fault("403", "buckets/{name}/encryption")]
    caplog.set_level(logging.DEBUG)
    out = tmp_path / "out"
    execute([(SakuraProvider(), target(fake))], ScanOptions(formats=installed_formats(), output_dir=str(out), quiet=True))
    haystacks = {p.name: p.read_text(encoding="utf-8", errors="replace") for p in out.iterdir() if p.is_file()}
    haystacks["log"] = caplog.text
    captured = capsys.readouterr()
    haystacks["console"] = captured.out + captured.err
    leaks = [name for name, text in haystacks.items() if CANARY_SECRET in text or CANARY_TOKEN in text]
    assert "HTTP" in haystacks["govscan.json"]
    record("canaries", canary=f"Sakura API token and secret ({'accepted' if accepted else 'rejected'})",
           searched=", ".join(sorted(haystacks)), leaks=len(leaks))
    assert leaks == []

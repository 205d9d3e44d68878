"""`govscan scan azure` end to end: endpoint from the environment, the anonymous token, reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import cli
from tests.fakes.azure_arm import FakeAzureServer, from_fixtures
from tests.providers.azure.support import SUB_B


def test_scan_azure_anonymous_against_an_emulator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = from_fixtures()
    with FakeAzureServer(fake) as server:
        monkeypatch.setenv("GOVSCAN_AZURE_ENDPOINT", server.url)
        monkeypatch.setenv("GOVSCAN_AZURE_ANONYMOUS", "1")
        result = CliRunner().invoke(cli, ["scan", "azure", "--subscription", SUB_B, "--output-dir", str(tmp_path),
                                          "--format", "json", "--quiet", "--fail-on", "critical", "--lang", "en"])
    assert result.exit_code == 1, result.output  # SUB_B has critical failures
    report = json.loads((tmp_path / "govscan.json").read_text(encoding="utf-8"))
    assert report["complete"] is True and report["collection_errors"] == []
    assert {f["scope"] for f in report["findings"]} >= {SUB_B}
    failing = {(f["check_id"], f["resource_name"]) for f in report["findings"] if f["status"] == "FAIL"}
    assert ("GC-RES-004", "govbackupb02") in failing and ("GC-NET-001", "nsg-web-b") in failing
    assert {e["auth"] for e in fake.log} == {"Bearer anonymous"}  # the fixed dummy token, nothing else


def test_help_lists_the_azure_options() -> None:
    result = CliRunner().invoke(cli, ["scan", "azure", "--help"])
    assert result.exit_code == 0
    for option in ("--subscription", "--tenant", "--endpoint", "--no-details"):
        assert option in result.output

"""End to end: `govscan scan iac` on the four clouds' example folders and plans, through the CLI and runner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from scanner.cli import cli
from tests.providers.terraform.cloud_support import FIXTURES, expected

CLOUDS = ("gcp", "azure", "oci", "sakura")


def test_scan_iac_reports_every_cloud_with_file_and_line(tmp_path: Path) -> None:
    paths = [str(FIXTURES / "terraform" / c) for c in CLOUDS] + [str(FIXTURES / "plan" / c / "plan.json") for c in CLOUDS]
    result = CliRunner().invoke(cli, ["scan", "iac", *paths, "--output-dir", str(tmp_path), "--format", "json", "--quiet", "--lang", "en"])
    assert result.exit_code == 1, result.output  # failures at high severity or above
    report = json.loads((tmp_path / "govscan.json").read_text())
    assert report["collection_errors"] == [] and report["complete"] is True
    assert set(report["summary"]["failures_by_provider"]) == {"gcp", "azure", "oci", "sakura"}
    for cloud in CLOUDS:
        for kind, where in (("terraform", FIXTURES / "terraform" / cloud), ("plan", FIXTURES / "plan" / cloud)):
            case = expected(where / "expected.yaml")
            got = {(f["check_id"], f["resource_id"], f["status"]) for f in report["findings"]
                   if f["check_id"] in case["checks"] and f"/{kind}/{cloud}/" in f"/{f['origin']['file']}"}
            assert got == {tuple(row) for row in case["findings"]}, (kind, cloud)
    assert all(f["origin"]["type"] == "iac" and f["origin"]["line"] >= 1 for f in report["findings"])
    residency = {(f["resource_id"], f["origin"]["file"].split("/")[-1]): f["status"] for f in report["findings"]
                 if f["check_id"] == "GC-RES-001"}
    assert residency[("sakuracloud_proxylb.anycast", "plan.json")] == "UNKNOWN"
    assert residency[("oci_objectstorage_bucket.ashburn", "plan.json")] == "FAIL"
    assert residency[("azurerm_storage_account.grs", "plan.json")] == "PASS"
    assert residency[("google_storage_bucket.dual", "plan.json")] == "PASS"

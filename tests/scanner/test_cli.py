"""The CLI: catalog and framework listings, version, and errors with file and line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from scanner.cli import cli

ROOT = Path(__file__).resolve().parents[2]


def test_checks_list_json_has_the_documented_fields() -> None:
    result = CliRunner().invoke(cli, ["checks", "list", "--format", "json", "--lang", "en"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) >= 80
    for row in rows:
        assert {"id", "category", "severity", "providers", "kinds", "live", "iac", "references"} <= set(row)
    res001 = next(r for r in rows if r["id"] == "GC-RES-001")
    assert res001["severity"] == "critical" and "gc-guardrails:region-restriction" in res001["references"]


def test_checks_filters_and_show() -> None:
    runner = CliRunner()
    listed = json.loads(runner.invoke(cli, ["checks", "list", "--category", "network", "--format", "json"]).output)
    assert listed and all(r["category"] == "network" for r in listed)
    shown = runner.invoke(cli, ["checks", "show", "GC-NET-001", "--lang", "en"])
    assert shown.exit_code == 0 and "admin_ports" in shown.output


def test_frameworks_list_and_show_compute_coverage() -> None:
    runner = CliRunner()
    rows = json.loads(runner.invoke(cli, ["frameworks", "list", "--format", "json"]).output)
    tohitsu = next(r for r in rows if r["id"] == "tohitsu")
    assert tohitsu["edition"] == "令和7年度版"
    covered = sum(1 for c in tohitsu["controls"] if c["checks"])
    assert tohitsu["controls_covered"] == covered
    shown = runner.invoke(cli, ["frameworks", "show", "ismap", "--lang", "en"])
    assert shown.exit_code == 0 and "%" in shown.output


def test_malformed_policy_exits_2_with_file_and_line(tmp_path: Path) -> None:
    policy = tmp_path / "bad.yaml"
    policy.write_text("allowed_locations:\n  aws: [ap-northeast-1, us-east-1]\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "scanner.cli", "scan", "iac", str(tmp_path), "--policy", str(policy), "--quiet",
         "--output-dir", str(tmp_path / "out")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert f"{policy}:2:" in proc.stderr and "us-east-1" in proc.stderr


def test_version() -> None:
    result = CliRunner().invoke(cli, ["version"])
    assert result.exit_code == 0 and result.output.startswith("govscan ")

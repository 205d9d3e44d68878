"""Bad input end to end: each problem is a clear message with file and line, everything else is still
scanned, and the exit code says the scan is incomplete (3)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.providers.iac_support import ROOT


def run(args: list[str], cwd: Path, fail_on: str = "high") -> tuple[int, dict]:
    out = cwd / "report"
    proc = subprocess.run([sys.executable, "-m", "scanner.cli", "scan", "iac", *args, "--output-dir", str(out),
                           "--quiet", "--lang", "en", "--region", "ap-northeast-1", "--fail-on", fail_on],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads((out / "govscan.json").read_text(encoding="utf-8"))


def test_bad_files_are_reported_and_the_rest_is_scanned(tmp_path: Path) -> None:
    tree = tmp_path / "infra"
    (tree / "app").mkdir(parents=True)
    (tree / "app" / "main.tf").write_text(
        'provider "aws" {\n  region = "us-east-1"\n}\nresource "aws_s3_bucket" "ok" {\n  bucket = "ok"\n}\n'
        'module "gone" {\n  source = "./modules/missing"\n}\n', encoding="utf-8")
    (tree / "app" / "broken.tf").write_text('resource "aws_s3_bucket" "x" {\n  bucket = \n}\n', encoding="utf-8")
    (tree / "cfn").mkdir()
    (tree / "cfn" / "not-a-template.yaml").write_text("AWSTemplateFormatVersion: '2010-09-09'\nResources: [1, 2]\n",
                                                      encoding="utf-8")
    (tree / "cfn" / "bad-yaml.yaml").write_text("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A: [\n",
                                                encoding="utf-8")
    (tree / "cfn" / "good.yaml").write_text("Resources:\n  V:\n    Type: AWS::EC2::Volume\n    Properties:\n"
                                            "      AvailabilityZone: us-west-2a\n      Encrypted: true\n", encoding="utf-8")
    (tree / "plan.json").write_text('{\n  "format_version": "7.0",\n  "terraform_version": "9.0.0",\n'
                                    '  "planned_values": {}\n}\n', encoding="utf-8")
    code, report = run([str(tree)], tmp_path)
    assert code == 3
    assert report["complete"] is False
    reasons = sorted(e["reason"] for e in report["collection_errors"])
    expected = [
        ("broken.tf:2:", "HCL syntax error"),
        ("main.tf:8:", "module source './modules/missing' cannot be read"),
        ("not-a-template.yaml:1:", "not a CloudFormation template"),
        ("bad-yaml.yaml:4:", "YAML syntax error"),
        ("plan.json:2:", "unsupported plan format_version '7.0'"),
    ]
    assert len(reasons) == len(expected), reasons
    for where, what in expected:
        assert any(where in r and what in r for r in reasons), (where, what, reasons)
    found = {(f["check_id"], f["resource_id"], f["status"]) for f in report["findings"]}
    assert ("GC-RES-001", "aws_s3_bucket.ok", "FAIL") in found
    assert ("GC-RES-001", "AWS::EC2::Volume.V", "FAIL") in found


def test_clean_scan_exit_codes(tmp_path: Path) -> None:
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "main.tf").write_text('provider "aws" {\n  region = "ap-northeast-1"\n}\n'
                                             'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n', encoding="utf-8")
    code, report = run([str(tmp_path / "ok")], tmp_path, fail_on="critical")  # only residency is critical here
    assert code == 0 and report["complete"] is True
    (tmp_path / "ok" / "us.tf").write_text('provider "aws" {\n  alias = "us"\n  region = "us-east-1"\n}\n'
                                           'resource "aws_s3_bucket" "us" {\n  provider = aws.us\n  bucket = "u"\n}\n',
                                           encoding="utf-8")
    code, _ = run([str(tmp_path / "ok")], tmp_path, fail_on="critical")
    assert code == 1


def test_empty_folder_is_complete_and_clean(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, report = run([str(tmp_path / "empty")], tmp_path)
    assert code == 0 and report["findings"] == [] and report["collection_errors"] == []

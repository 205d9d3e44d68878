"""Terraform plan JSON: format check, module addresses, after_unknown, provider configuration."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from providers.terraform.plan import PlanError, load_plan, parse_plan
from scanner.model import Unknown
from tests.providers.iac_support import FIXTURES

PLAN = FIXTURES / "plan" / "aws_platform.plan.json"


def test_real_plan_addresses_modules_and_providers() -> None:
    plan = load_plan(str(PLAN), "plan")
    by_address = {r.address: r for r in plan.resources}
    assert 'module.team_buckets["reports"].aws_s3_bucket.this[1]' in by_address
    module_bucket = by_address["module.us_buckets.aws_s3_bucket.this[0]"]
    assert module_bucket.module == "module.us_buckets"
    assert module_bucket.provider_config["region"] == "us-east-1"
    assert by_address["aws_s3_bucket.archive_us"].provider_config["region"] == "us-west-2"
    assert by_address["aws_s3_bucket.data"].provider_config["region"] == "ap-northeast-1"  # from var.region


def test_after_unknown_becomes_unknown_with_the_referenced_source() -> None:
    plan = load_plan(str(PLAN), "plan")
    by_address = {r.address: r for r in plan.resources}
    bucket = by_address["aws_s3_bucket_versioning.data"].values["bucket"]
    assert isinstance(bucket, Unknown) and bucket.source == "aws_s3_bucket.data.id"
    linked = plan.linked(by_address["aws_s3_bucket.data"], "aws_s3_bucket_versioning", "bucket")
    assert [r.address for r in linked] == ["aws_s3_bucket_versioning.data"]
    destination = by_address["aws_s3_bucket_replication_configuration.archive"].values["rule"][0]["destination"][0]["bucket"]
    assert isinstance(destination, Unknown) and destination.source == "aws_s3_bucket.archive_us.arn"


def test_module_reference_sources_are_prefixed() -> None:
    plan = load_plan(str(PLAN), "plan")
    pab = next(r for r in plan.resources if r.address == "module.us_buckets.aws_s3_bucket_public_access_block.this[0]")
    bucket = pab.values["bucket"]
    assert isinstance(bucket, Unknown) and bucket.source.startswith("module.us_buckets.aws_s3_bucket.this")


@pytest.mark.parametrize(("text", "line", "fragment"), [
    ('{"format_version": "2.0", "planned_values": {}}', 1, "unsupported plan format_version '2.0'"),
    ('{\n  "terraform_version": "1.9.0",\n  "format_version": "9.1"\n}', 3, "format 1.x"),
    ('{"planned_values": {}}', 1, "no format_version"),
    ('{\n  "format_version": "1.2",\n  "planned_values": {\n', 4, "not valid JSON"),
    ('[]', 1, "no format_version"),
])
def test_bad_plans_name_file_and_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(PlanError) as caught:
        parse_plan(text, "plan.json", "plan.json")
    assert caught.value.file == "plan.json" and caught.value.line == line
    assert fragment in caught.value.detail


def test_pretty_printed_plan_keeps_lines(tmp_path: Path) -> None:
    data = json.loads(PLAN.read_text(encoding="utf-8"))
    pretty = tmp_path / "plan.json"
    pretty.write_text(json.dumps(data, indent=2), encoding="utf-8")
    plan = load_plan(str(pretty))
    lines = {r.address: r.line for r in plan.resources}
    assert len(set(lines.values())) == len(lines) and min(lines.values()) > 1


def test_plan_beside_its_sources_gets_file_lines_and_suppressions(tmp_path: Path) -> None:
    import shutil

    from tests.providers.iac_support import scan

    root = tmp_path / "root"
    shutil.copytree(FIXTURES / "terraform" / "aws_platform", root)
    (root / "expected.yaml").unlink()
    shutil.copy(PLAN, root / "plan.json")
    result = scan([root / "plan.json"])
    findings = {(f.check_id, f.resource_id): f for f in result.findings}
    muted = findings[("GC-RES-001", "aws_s3_bucket.cdn_logs")]
    assert muted.status.value == "MUTED" and "CloudFront" in (muted.muted_reason or "")
    legacy = findings[("GC-RES-001", "aws_s3_bucket.legacy")]
    assert legacy.status.value == "FAIL" and legacy.origin.file.endswith("storage.tf") and legacy.origin.line == 109
    module = findings[("GC-RES-001", "module.us_buckets.aws_s3_bucket.this[0]")]
    assert module.origin.file.endswith("modules/app_buckets/main.tf") and module.origin.line == 10
    volume = findings[("GC-ENC-001", "aws_ebs_volume.unencrypted")]
    assert volume.status.value == "FAIL" and volume.origin.line == 4  # the `encrypted = false` line

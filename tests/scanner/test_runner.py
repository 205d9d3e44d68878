"""A scan end to end without a cloud: reports written, the JSON schema holds, exit codes mean what they say."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from scanner.model import Unknown
from scanner.plugins import CollectionFailure
from scanner.runner import ScanOptions, execute
from scanner.spool import read_spool
from tests.scanner.fakes import ListProvider, bucket

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "reports" / "schema" / "govscan.schema.json").read_text())


def _options(tmp_path: Path, **kw) -> ScanOptions:
    return ScanOptions(formats=("json", "csv"), output_dir=str(tmp_path), quiet=True, **kw)


def _clean_bucket(name: str, region: str):
    return bucket(name, region, **{
        "replication.locations": [], "encryption.at_rest": "provider_key", "public": False, "versioning": True,
        "access_logging": True, "tls_only": True, "public_access_block": True, "tls.min_version": "1.2",
    })


def test_clean_scan_exits_0_and_reports_validate(tmp_path: Path) -> None:
    provider = ListProvider({("s3", "global"): [_clean_bucket("ok", "ap-northeast-1")]})
    assert execute([(provider, {})], _options(tmp_path, fail_on="high")) == 0
    doc = json.loads((tmp_path / "govscan.json").read_text())
    jsonschema.validate(doc, SCHEMA)
    assert doc["complete"] is True and doc["inventory"] == {"aws": {"storage.bucket": 1}}
    csv_bytes = (tmp_path / "govscan.csv").read_bytes()
    assert csv_bytes.startswith("\ufeff".encode())
    assert "適合" in csv_bytes.decode("utf-8-sig") or "GC-RES-001" in csv_bytes.decode("utf-8-sig")


def test_failure_at_or_above_fail_on_exits_1(tmp_path: Path) -> None:
    provider = ListProvider({("s3", "global"): [_clean_bucket("abroad", "us-east-1")]})
    assert execute([(provider, {})], _options(tmp_path, fail_on="critical")) == 1
    assert execute([(provider, {})], _options(tmp_path / "b", fail_on="none")) == 0


def test_collection_error_exits_3_and_keeps_everything(tmp_path: Path) -> None:
    provider = ListProvider(
        {("s3", "ap-northeast-1"): [_clean_bucket("kept", "ap-northeast-1")]},
        fail={("ec2", "us-west-2"): CollectionFailure("DescribeVolumes", "ThrottlingException: Rate exceeded")},
    )
    assert execute([(provider, {})], _options(tmp_path)) == 3
    doc = json.loads((tmp_path / "govscan.json").read_text())
    jsonschema.validate(doc, SCHEMA)
    assert doc["complete"] is False
    (error,) = doc["collection_errors"]
    assert error["operation"] == "DescribeVolumes" and error["region"] == "us-west-2"
    assert any(f["resource_name"] == "kept" and f["status"] == "PASS" for f in doc["findings"])
    assert not any(f["status"] == "PASS" and "not collected" in f["resource_name"] for f in doc["findings"])


def test_spool_survives_and_is_read_back(tmp_path: Path) -> None:
    provider = ListProvider({("s3", "global"): [bucket("b", Unknown("AccessDenied"))]})
    execute([(provider, {})], _options(tmp_path))
    result, units = read_spool(tmp_path / "findings.jsonl")
    assert units == {"aws/111122223333/s3/global"}
    assert result.findings and all(f.status.value != "PASS" for f in result.findings if f.check_id == "GC-RES-001")


def test_torn_spool_line_is_ignored(tmp_path: Path) -> None:
    provider = ListProvider({("s3", "global"): [_clean_bucket("ok", "ap-northeast-1")]})
    execute([(provider, {})], _options(tmp_path))
    spool = tmp_path / "findings.jsonl"
    lines = spool.read_text().splitlines()
    spool.write_text("\n".join(lines[:-1]) + '\n{"type": "finding", "check_')
    result, _ = read_spool(spool)
    assert result.findings and "did not finish" in " ".join(result.incomplete_reasons)


def test_unknown_format_is_usage_error(tmp_path: Path) -> None:
    from scanner.errors import UsageError

    with pytest.raises(UsageError):
        execute([(ListProvider({}), {})], ScanOptions(formats=("pdf",), output_dir=str(tmp_path), quiet=True))

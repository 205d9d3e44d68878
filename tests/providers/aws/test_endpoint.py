"""End to end over HTTP: `govscan scan aws` against a moto server on 127.0.0.1 through AWS_ENDPOINT_URL,
with no code change (s3control's account host prefix included)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from providers.aws.demo import TOKYO, fake_environment
from scanner.cli import main


@pytest.fixture
def moto_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with fake_environment():
        from moto.server import ThreadedMotoServer

        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        try:
            yield endpoint
        finally:
            server.stop()


def test_scan_through_aws_endpoint_url(moto_server: str, tmp_path: Path) -> None:
    import boto3

    s3 = boto3.client("s3", region_name=TOKYO, endpoint_url=moto_server)
    s3.create_bucket(Bucket="over-http", CreateBucketConfiguration={"LocationConstraint": TOKYO})
    boto3.client("s3", region_name="us-west-2", endpoint_url=moto_server).create_bucket(
        Bucket="over-http-abroad", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    control = boto3.client("s3control", region_name=TOKYO, endpoint_url=moto_server)
    control.meta.events.register("before-send.s3-control", _strip_prefix)
    control.put_public_access_block(AccountId="123456789012", PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    out = tmp_path / "report"
    with pytest.raises(SystemExit) as exited:
        main(["scan", "aws", "--regions", f"{TOKYO},us-west-2", "--output-dir", str(out), "--quiet", "--max-attempts", "1",
              "--fail-on", "none"])
    assert exited.value.code in (0, 3)  # 3: moto lacks Access Analyzer, reported as a collection error
    report = json.loads((out / "govscan.json").read_text(encoding="utf-8"))
    residency = {f["resource_name"]: f["status"] for f in report["findings"] if f["check_id"] == "GC-RES-001"
                 and f["resource_kind"] == "storage.bucket"}
    assert residency == {"over-http": "PASS", "over-http-abroad": "FAIL"}
    [account_block] = [f for f in report["findings"] if f["check_id"] == "GC-NET-017"]
    assert account_block["status"] == "PASS"  # s3control answered through the rewritten host
    assert report["api_calls"]["aws"] > 20
    assert {e["operation"] for e in report["collection_errors"]} <= {"accessanalyzer:ListAnalyzers"}


def _strip_prefix(request, **_):  # type: ignore[no-untyped-def]
    from providers.aws.session import _strip_account_host_prefix

    _strip_account_host_prefix(request)

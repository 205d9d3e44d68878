"""Canary credentials for AWS and Google Cloud: planted, then searched in every log line, the console,
every report format and the spool. None may appear."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from scanner.cli import main
from scanner.plugins import report_names
from tests.reliability import record

AWS_SECRET = "CANARYawsSecretKey0123456789abcdefGHIJKLMN"
AWS_TOKEN = "CANARYawsSessionToken" + "Z" * 60
GCP_TOKEN = "ya29.CANARYgoogleAccessToken0123456789"


def _haystacks(out: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    texts = {p.name: p.read_text(encoding="utf-8", errors="replace") for p in out.rglob("*") if p.is_file()}
    captured = capsys.readouterr()
    texts["log"] = caplog.text
    texts["console"] = captured.out + captured.err
    return texts


@pytest.fixture
def moto_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from providers.aws.demo import fake_environment

    with fake_environment():
        from moto.server import ThreadedMotoServer

        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", AWS_SECRET)
        monkeypatch.setenv("AWS_SESSION_TOKEN", AWS_TOKEN)
        try:
            yield endpoint
        finally:
            server.stop()


def test_aws_secret_key_and_session_token_never_leak(moto_endpoint: str, tmp_path: Path,
                                                     caplog: pytest.LogCaptureFixture,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    import boto3

    boto3.client("s3", region_name="us-west-2", endpoint_url=moto_endpoint).create_bucket(
        Bucket="canary-abroad", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    caplog.set_level(logging.DEBUG, logger="scanner")
    caplog.set_level(logging.DEBUG, logger="providers")
    out = tmp_path / "out"
    formats = [a for f in report_names() for a in ("--format", f)]
    with pytest.raises(SystemExit):
        main(["scan", "aws", "--regions", "ap-northeast-1,us-west-2", "--output-dir", str(out), "--quiet",
              "--max-attempts", "1", "--fail-on", "none", *formats])
    texts = _haystacks(out, caplog, capsys)
    report = json.loads(texts["govscan.json"])
    assert report["collection_errors"], "the scan should have met at least one error path"
    assert any(f["resource_name"] == "canary-abroad" for f in report["findings"])
    leaks = [name for name, text in texts.items() if AWS_SECRET in text or AWS_TOKEN in text]
    record("canaries", canary="AWS secret access key and session token (moto server, error paths)",
           searched=", ".join(sorted(texts)), leaks=len(leaks))
    assert leaks == []


class _TokenServer(ThreadingHTTPServer):
    """A local OAuth token endpoint: it answers a service-account JWT assertion with a canary token."""

    def __init__(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            disable_nagle_algorithm = True

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                server.assertions.append(self.rfile.read(length).decode())
                body = json.dumps({"access_token": GCP_TOKEN, "expires_in": 3600, "token_type": "Bearer"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.assertions: list[str] = []
        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()


def test_gcp_service_account_key_never_leaks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            caplog: pytest.LogCaptureFixture,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from tests.fakes.gcp_asset import FakeAssetServer, Fault

    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    tokens = _TokenServer()
    key_file = tmp_path / "sa.json"
    key_file.write_text(json.dumps({
        "type": "service_account", "project_id": "canary-project", "private_key_id": "0123456789abcdef",
        "private_key": pem, "client_email": "govscan@canary-project.iam.gserviceaccount.com",
        "client_id": "100000000000000000001", "token_uri": f"http://127.0.0.1:{tokens.server_port}/token",
    }))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
    monkeypatch.delenv("GOVSCAN_GCP_ANONYMOUS", raising=False)
    caplog.set_level(logging.DEBUG, logger="scanner")
    caplog.set_level(logging.DEBUG, logger="providers")
    out = tmp_path / "out"
    formats = [a for f in report_names() for a in ("--format", f)]
    with FakeAssetServer(page_cap=3) as fake:
        fake.faults.append(Fault(kind="403", content="IAM_POLICY"))
        try:
            with pytest.raises(SystemExit):
                main(["scan", "gcp", "--organization", "123456789012", "--endpoint", fake.url, "--output-dir",
                      str(out), "--quiet", "--fail-on", "none", *formats])
        finally:
            tokens.shutdown()
        report = json.loads((out / "govscan.json").read_text(encoding="utf-8"))
        bearers = {r["authorization"].removeprefix("Bearer ") for r in fake.requests if r.get("authorization")}
    # the key really signed what was sent: a token from the token endpoint, or a self-signed JWT
    assert tokens.assertions or any(b.count(".") == 2 for b in bearers), bearers
    assert report["collection_errors"]
    texts = _haystacks(out, caplog, capsys)
    needles = [*[line for line in pem.splitlines() if len(line) > 40][:5], GCP_TOKEN, *bearers]
    leaks = [name for name, text in texts.items() if any(n in text for n in needles)]
    record("canaries", canary="Google service-account private key and access token (error paths)",
           searched=", ".join(sorted(texts)), leaks=len(leaks))
    assert leaks == []

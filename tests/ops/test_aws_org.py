"""The AWS provider on a moto organization of 20 member accounts (`--org-role`): a distributed scan with two
real Celery workers produces exactly the findings of the single-process scan. Slow (minutes) on a busy
machine: every member account goes through every AWS service of the provider on a moto server."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ops.awsorg import REGIONS, ROLE, seed_organization
from tests.ops.conftest import Workers, cli_env, run_cli

pytestmark = pytest.mark.services

SCAN = ["scan", "aws", "--org-role", ROLE, "--regions", REGIONS.split(",")[0], "--max-attempts", "1", "--timeout", "20",
        "--fail-on", "none", "--quiet", "--lang", "en"]


@pytest.fixture
def moto_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def _keys(doc: dict) -> list[tuple[str, str, str, str]]:
    return sorted((f["fingerprint"], f["check_id"], f["status"], f["severity"]) for f in doc["findings"])


def test_distributed_org_scan_matches_single_process(tmp_path: Path, moto_endpoint: str, pg_url: str,
                                                     queue: str) -> None:
    members = seed_organization(moto_endpoint, 20)
    env = cli_env(AWS_ENDPOINT_URL=moto_endpoint)
    single = run_cli(*SCAN, "--output-dir", str(tmp_path / "single"), env=env, timeout=1800)
    assert single.returncode in (0, 3), single.stderr  # 3: moto lacks some APIs (collection errors, kept)
    expected = json.loads((tmp_path / "single" / "govscan.json").read_text())
    scopes = {f["scope"] for f in expected["findings"]}
    assert set(members) <= scopes  # every member account was scanned through its assumed role
    workers = Workers(queue, tmp_path, env)
    try:
        workers.start(2)
        dist = run_cli(*SCAN, "--distributed", "--store", pg_url, "--queue", queue, "--output-dir",
                       str(tmp_path / "dist"), env=env, timeout=1800)
    finally:
        workers.stop()
    assert dist.returncode == single.returncode, dist.stderr
    doc = json.loads((tmp_path / "dist" / "govscan.json").read_text())
    assert _keys(doc) == _keys(expected)
    assert sorted((e["scope"], e["service"], e["operation"]) for e in doc["collection_errors"]) == sorted(
        (e["scope"], e["service"], e["operation"]) for e in expected["collection_errors"])
    from scanner.store import open_store

    store = open_store(pg_url)
    (scan,) = store.scans()
    assert len(store.progress(scan["id"])["workers"]) == 2
    store.close()

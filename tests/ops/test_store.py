"""The store: migrations to head on empty SQLite and PostgreSQL, per-scope records, resume, budgets."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.runner import ScanOptions, execute
from scanner.store import metadata, open_store
from tests.ops.conftest import ROOT, cli_env
from tests.ops.orgfake import LOG_ENV, OrgProvider


def _no_schema_drift(url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    store = open_store(url)
    with store.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
        version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    store.close()
    assert diffs == []
    assert version == "0001"


def test_migrations_upgrade_an_empty_sqlite_database_to_head(tmp_path: Path) -> None:
    _no_schema_drift(f"sqlite:///{tmp_path / 'empty.db'}")
    _no_schema_drift(f"sqlite:///{tmp_path / 'empty.db'}")  # reopening an up-to-date store is a no-op


@pytest.mark.services
def test_migrations_upgrade_an_empty_postgresql_database_to_head(pg_url: str) -> None:
    _no_schema_drift(pg_url)


def test_a_bad_store_url_is_a_usage_error() -> None:
    from scanner.errors import UsageError

    with pytest.raises(UsageError, match=r"cannot open the store postgresql\+psycopg://u:\*\*\*@127.0.0.1:9/x"):
        open_store("postgresql+psycopg://u:secret@127.0.0.1:9/x?connect_timeout=2")


def _scan(tmp_path: Path, store: str, **target) -> tuple[int, dict]:
    out = tmp_path / "out"
    provider = OrgProvider()
    code = execute([(provider, {"accounts": 4, "regions": "ap-northeast-1,us-east-1", "services": "s3,kms", **target})],
                   ScanOptions(output_dir=str(out), store=store, quiet=True, fail_on="none",
                               scope_concurrency=2, service_concurrency=1))
    return code, json.loads((out / "govscan.json").read_text())


def test_a_stored_scan_has_one_scope_run_per_scope_and_every_finding(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'govscan.db'}"
    code, doc = _scan(tmp_path, url)
    assert code == 0 and doc["complete"]
    store = open_store(url)
    (scan,) = store.scans()
    runs = store.scope_runs(scan["id"])
    assert [r["scope_key"] for r in runs] == [f"aws/10000000000{i}" for i in range(4)]
    assert all(r["status"] == "done" and len(r["units"]) == 4 for r in runs)
    assert sum(r["findings"] for r in runs) == len(doc["findings"]) == sum(scan["counts"].values())
    # rate budgets and API calls are stored with the scan
    assert scan["api_calls"] == {"fakeorg": 4 * 4 * 4}
    assert scan["budgets"]["per_scope"] == 2 and 1 <= scan["budgets"]["peak_scope"] <= 2
    assert scan["budgets"]["peak_service"] == 1
    assert doc["api_calls"] == {"fakeorg": 64}
    states = store.states()
    assert len(states) == len(doc["findings"]) and all(s["first_seen"] == scan["started_at"] for s in states.values())


def test_budgets_limit_concurrency_per_scope_and_service(tmp_path: Path) -> None:
    provider = OrgProvider()
    execute([(provider, {"accounts": 3, "regions": "ap-northeast-1,ap-northeast-3,us-east-1,us-west-2",
                         "services": "s3,kms", "latency": 0.01})],
            ScanOptions(output_dir=str(tmp_path), quiet=True, fail_on="none", workers=16, scope_concurrency=3,
                        service_concurrency=2))
    assert provider.peak_scope == 3  # 8 units per account, 16 threads: the budget is what limits it
    assert provider.peak_service == 2


def test_resume_from_the_store_collects_only_unfinished_scopes(tmp_path: Path, monkeypatch) -> None:
    url = f"sqlite:///{tmp_path / 'govscan.db'}"
    fail = "aws/100000000002/kms/us-east-1"
    code, first = _scan(tmp_path, url, fail_units=fail)
    assert code == 3 and not first["complete"]
    store = open_store(url)
    (scan,) = store.scans()
    runs = {r["scope_key"]: r for r in store.scope_runs(scan["id"])}
    assert runs["aws/100000000002"]["status"] == "failed"
    per_scope = runs["aws/100000000000"]["findings"]
    log = tmp_path / "collected.log"
    monkeypatch.setenv(LOG_ENV, str(log))
    out = tmp_path / "out2"
    code = execute([(OrgProvider(), {"accounts": 4, "regions": "ap-northeast-1,us-east-1", "services": "s3,kms"})],
                   ScanOptions(output_dir=str(out), store=url, resume=scan["id"], quiet=True, fail_on="none"))
    assert code == 0
    collected = log.read_text().split()
    assert {line for line in collected if line.startswith("aws/")} == {
        f"aws/100000000002/{s}/{r}" for s in ("s3", "kms") for r in ("ap-northeast-1", "us-east-1")}
    doc = json.loads((out / "govscan.json").read_text())
    assert doc["complete"] and len(doc["findings"]) == 4 * per_scope
    assert len(store.scans()) == 1


def test_plain_scan_imports_neither_sqlalchemy_nor_celery(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from scanner.cli import cli\n"
        f"cli.main(args=['scan', 'fakeorg', '--accounts', '2', '--quiet', '--output-dir', {str(tmp_path)!r}],"
        " standalone_mode=False)\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'alembic', 'celery', 'kombu', 'redis'})\n"
        "print('HEAVY', heavy)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=cli_env(), capture_output=True, text=True,
                          timeout=60)
    assert "HEAVY []" in proc.stdout, proc.stdout + proc.stderr

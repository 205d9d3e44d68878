"""Fixtures for the operator tests: the fake organization provider, fresh PostgreSQL databases, Redis
queues and real Celery worker processes (all on 127.0.0.1, all cleaned up)."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ops.orgfake import EXTRA

ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REDIS = "redis://127.0.0.1:6379/0"


@pytest.fixture(autouse=True)
def fakeorg(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the fake organization provider selectable as `fakeorg`, in this process and in subprocesses."""
    monkeypatch.setenv("GOVSCAN_EXTRA_PROVIDERS", EXTRA)


def cli_env(**extra: str) -> dict[str, str]:
    """Environment for a `python -m scanner.cli` subprocess from the worktree."""
    env = {**os.environ, "GOVSCAN_EXTRA_PROVIDERS": EXTRA, "PYTHONPATH": str(ROOT), **extra}
    env.pop("GOVSCAN_STORE", None)
    return env


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run govscan in a subprocess and wait."""
    return subprocess.run([sys.executable, "-m", "scanner.cli", *args], cwd=ROOT, env=env or cli_env(),
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    from sqlalchemy import create_engine, text

    name = f"govscan_t_{secrets.token_hex(5)}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def queue() -> Iterator[str]:
    """A Redis queue name used by one test only; its keys are deleted afterwards."""
    import redis

    name = f"govscan-t-{secrets.token_hex(5)}"
    yield name
    client = redis.Redis.from_url(REDIS)
    for key in client.scan_iter(f"*{name}*"):
        client.delete(key)
    client.close()


class Workers:
    """Real `govscan worker` processes (Celery, solo pool) started by a test and stopped by it."""

    def __init__(self, queue: str, log_dir: Path, env: dict[str, str]) -> None:
        self.queue, self.log_dir, self.env = queue, log_dir, env
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, n: int = 1, visibility: int = 600) -> list[subprocess.Popen[bytes]]:
        """Start n workers; a task taken by a lost worker is delivered again after `visibility` seconds."""
        started = []
        for _ in range(n):
            log = (self.log_dir / f"worker-{len(self.procs)}.log").open("wb")
            proc = subprocess.Popen(
                [sys.executable, "-m", "scanner.cli", "worker", "--queue", self.queue, "--loglevel", "INFO",
                 "--visibility-timeout", str(visibility)],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
            self.procs.append(proc)
            started.append(proc)
        return started

    def kill(self, proc: subprocess.Popen[bytes]) -> None:
        """SIGKILL one worker (a lost worker)."""
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)

    def stop(self) -> None:
        """Stop every worker this test started."""
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for proc in self.procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def workers(queue: str, tmp_path: Path) -> Iterator[Workers]:
    """A worker pool factory; every worker is stopped at the end of the test."""
    w = Workers(queue, tmp_path, cli_env(GOVSCAN_FAKEORG_LOG=str(tmp_path / "collected.log")))
    try:
        yield w
    finally:
        w.stop()

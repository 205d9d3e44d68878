"""Fixtures for Sakura tests: the fake account on 127.0.0.1 and scans through our real httpx client."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.fakes.sakura_api import SECRET, TOKEN, FakeSakura

ACCOUNT = "gov-sakura-prod"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSakura]:
    server = FakeSakura()
    server.endpoint = server.start()  # type: ignore[attr-defined]
    monkeypatch.setenv("SAKURACLOUD_ACCESS_TOKEN", TOKEN)
    monkeypatch.setenv("SAKURACLOUD_ACCESS_TOKEN_SECRET", SECRET)
    for name in ("SAKURA_ACCESS_TOKEN", "SAKURA_ACCESS_TOKEN_SECRET", "GOVSCAN_SAKURA_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    yield server
    server.stop()


def target(fake: FakeSakura, **extra: Any) -> dict[str, Any]:
    """A target with short back-off and timeouts, always against the local emulator."""
    base = {"endpoint": fake.endpoint, "account_name": ACCOUNT, "max_attempts": 2, "backoff_seconds": 0.05,  # type: ignore[attr-defined]
            "max_wait_seconds": 0.2, "read_timeout": 2, "connect_timeout": 2}
    base.update(extra)
    return base

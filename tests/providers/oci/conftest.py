"""Fixtures for OCI tests: the fake tenancy on 127.0.0.1 and scans through the real `oci` SDK."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.fakes.oci_api import FakeOci

os.environ.pop("OCI_CONFIG_FILE", None)
os.environ["OCI_SDK_DEFAULT_RETRY_ENABLED"] = "false"
os.environ["OCI_SDK_DEFAULT_CIRCUITBREAKER_ENABLED"] = "false"

TENANCY = "ocid1.tenancy.oc1..aaaaaaaagovtenancy"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOci]:
    import providers.oci.collect

    # Credential ages are measured against a pinned clock so the fixtures never age.
    monkeypatch.setattr(providers.oci.collect, "now_utc", lambda: datetime(2026, 11, 27, tzinfo=UTC))
    server = FakeOci()
    server.endpoint = server.start()  # type: ignore[attr-defined]
    yield server
    server.stop()


def target(fake: FakeOci, **extra: Any) -> dict[str, Any]:
    """A target with an explicit no-op signer and short retries: never a config file or a principal."""
    from providers.oci.session import NoopSigner

    base = {"tenancy": TENANCY, "endpoint": fake.endpoint, "signer": NoopSigner(),  # type: ignore[attr-defined]
            "config": {"user": "ocid1.user.oc1..aaaaaaaascanner", "tenancy": TENANCY, "region": "ap-tokyo-1",
                       "fingerprint": "aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99", "key_content": "unused"},
            "max_attempts": 2, "retry_base_seconds": 0.05, "retry_max_wait_seconds": 0.2, "retry_seconds": 5,
            "connect_timeout": 2, "read_timeout": 2}
    base.update(extra)
    return base

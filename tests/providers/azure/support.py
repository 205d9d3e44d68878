"""Shared helpers for the Azure tests: a fake credential, a scan through the engine, lookups."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from providers.azure import AzureProvider
from providers.azure.client import Settings
from scanner.catalog import load_catalog
from scanner.engine import Scan
from scanner.model import Finding, ScanResult, Status
from scanner.policy import load_policy
from tests.fakes.azure_arm import FakeAzure, FakeAzureServer

CATALOG = load_catalog()
SUB_A = "00000000-0000-0000-0000-00000000a001"
SUB_B = "00000000-0000-0000-0000-00000000b002"
SUB_C = "00000000-0000-0000-0000-00000000c003"
SUB_D = "00000000-0000-0000-0000-00000000d004"


class FakeCredential:
    """An explicit TokenCredential for tests: never Entra ID, never IMDS."""

    def __init__(self) -> None:
        self.calls = 0

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessToken

        self.calls += 1
        return AccessToken("fake-token", int(time.time()) + 3600)


def settings(url: str, **overrides: Any) -> Settings:
    """Short retries and timeouts for tests, pointed at the fake."""
    values: dict[str, Any] = {"endpoint": url, "credential": FakeCredential(), "retry_total": 1,
                              "retry_backoff_factor": 0.01, "retry_backoff_max": 0.05, "max_retry_after": 0.2,
                              "connection_timeout": 2.0, "read_timeout": 1.0, "max_pages": 50}
    values.update(overrides)
    return Settings(**values)


@dataclass
class Outcome:
    """A finished scan with lookups by check and resource name."""

    result: ScanResult
    provider: AzureProvider
    fake: FakeAzure
    seconds: float
    by_key: dict[tuple[str, str], list[Finding]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for f in self.result.findings:
            self.by_key.setdefault((f.check_id, f.resource_name), []).append(f)

    def status(self, check_id: str, name: str) -> Status:
        """The single status of `check_id` on the resource called `name`."""
        found = self.by_key.get((check_id, name), [])
        assert len(found) == 1, (check_id, name, found)
        return found[0].status

    def statuses(self, check_id: str) -> set[Status]:
        return {f.status for f in self.result.findings if f.check_id == check_id}


def run_scan(fake: FakeAzure, policy: str | Path | None = None, target: Mapping[str, Any] | None = None,
             **overrides: Any) -> Outcome:
    """Serve `fake` on 127.0.0.1 and scan it with the real clients through the engine."""
    policy_obj = load_policy(policy, CATALOG)
    with FakeAzureServer(fake) as server:
        provider = AzureProvider(settings(server.url, **overrides))
        started = time.monotonic()
        result = Scan(CATALOG, policy_obj, [(provider, dict(target or {}))], workers=4).run()
        seconds = time.monotonic() - started
    return Outcome(result, provider, fake, seconds)

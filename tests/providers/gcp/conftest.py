"""Fixtures for the Google Cloud provider tests: the fake Cloud Asset server and a scan helper."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from providers.gcp import GcpProvider
from scanner.catalog import load_catalog
from scanner.engine import Scan
from scanner.model import ScanResult
from scanner.policy import load_policy
from tests.fakes.gcp_asset import FakeAssetServer

ORG = "organizations/123456789012"
FAST = {"anonymous": True, "timeout": 2.0, "retry_deadline": 3.0}


@pytest.fixture
def fake() -> Iterator[FakeAssetServer]:
    """A fake Cloud Asset server with the fixture organization, three assets per page."""
    with FakeAssetServer(page_cap=3) as server:
        yield server


def run_scan(server: FakeAssetServer, policy_file: str | None = None, **target: Any) -> tuple[ScanResult, GcpProvider]:
    """Scan the fake through the real AssetServiceClient (REST, AnonymousCredentials)."""
    catalog = load_catalog()
    policy = load_policy(policy_file, catalog)
    provider = GcpProvider()
    full = {**FAST, "endpoint": server.url, **target}
    if not any(k in target for k in ("organization", "folder", "project")):
        full["organization"] = (ORG,)
    result = Scan(catalog, policy, [(provider, full)], workers=6).run()
    return result, provider


@pytest.fixture(scope="module")
def org_scan() -> tuple[ScanResult, GcpProvider, FakeAssetServer]:
    """One clean scan of the whole fixture organization, shared by the tests of a module."""
    with FakeAssetServer(page_cap=3) as server:
        result, provider = run_scan(server)
        return result, provider, server

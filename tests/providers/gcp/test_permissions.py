"""Read-only and least privilege: the operations the test scans really called versus permissions.json."""

from __future__ import annotations

import json
from pathlib import Path

from tests.fakes.gcp_asset import FakeAssetServer
from tests.providers.gcp.conftest import run_scan
from tests.reliability import record

PERMISSIONS = json.loads((Path(__file__).resolve().parents[3] / "providers" / "gcp" / "permissions.json").read_text())


def test_every_called_operation_is_in_the_read_only_permission_set() -> None:
    with FakeAssetServer(page_cap=3) as server:
        run_scan(server)
        run_scan(server, folder=("556",), project=("gov-prod",))
    called = {f"ListAssets:{r['content_type']}" for r in server.requests}
    assert {r["method"] for r in server.requests} == {"GET"}  # the fake logs every request; nothing mutates
    operations = PERMISSIONS["operations"]
    for operation in sorted(called):
        listed = operation in operations
        read_only = listed and operations[operation]["read_only"] and operations[operation]["http"].startswith("GET ")
        record("permissions", provider="gcp", operation=f"{operation} ({operations.get(operation, {}).get('permission', '-')})",
               in_permission_set=listed, read_only=read_only)
        assert listed and read_only, operation
    assert called == set(operations)  # least privilege: nothing listed that the scan does not use
    assert {operations[o]["permission"] for o in called} == set(PERMISSIONS["permissions"])
    assert PERMISSIONS["roles"] == ["roles/cloudasset.viewer"]

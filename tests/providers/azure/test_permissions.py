"""The operations the test scans really called (from the fake's request log) against the read-only
custom role in providers/azure/permissions.json."""

from __future__ import annotations

import json
from pathlib import Path

from tests.fakes.azure_arm import FakeAzure, from_fixtures, listed_types
from tests.providers.azure.support import run_scan
from tests.reliability import record

ROLE = json.loads((Path(__file__).resolve().parents[3] / "providers" / "azure" / "permissions.json").read_text())
GRANTED = {a.lower() for a in ROLE["Actions"]}
SPELLING = {a.lower(): a for a in ROLE["Actions"]}


def _called(fake: FakeAzure) -> set[str]:
    """RBAC actions of every request, plus the read of every type a Resource Graph query returns
    (Resource Graph only returns resources the caller may read)."""
    actions = {e["action"] for e in fake.log}
    for entry in fake.log:
        actions |= {f"{t}/read" for t in listed_types(entry["query"])}
    return actions


def test_role_is_read_only_and_covers_every_call() -> None:
    assert ROLE["IsCustom"] is True and not ROLE["NotActions"] and not ROLE["DataActions"]
    assert all(a.endswith("/read") and "*" not in a for a in ROLE["Actions"])
    out = run_scan(from_fixtures(page_size=2))
    called = _called(out.fake)
    assert {e["method"] for e in out.fake.log} <= {"GET", "POST"}  # POST only to the Resource Graph query
    assert all(e["action"] == "Microsoft.ResourceGraph/resources/read" for e in out.fake.log if e["method"] == "POST")
    missing = sorted(a for a in called if a.lower() not in GRANTED)
    for action in sorted({SPELLING.get(a.lower(), a) for a in called}, key=str.lower):
        record("permissions", provider="azure", operation=action, in_permission_set=action.lower() in GRANTED,
               read_only=action.lower().endswith("/read"))
    assert missing == []
    assert all(a.lower().endswith("/read") for a in called)


def test_every_granted_action_is_used() -> None:
    out = run_scan(from_fixtures())
    called = {a.lower() for a in _called(out.fake)}
    # Granted but only implied: resource groups (Resource Graph scopes) and management groups (the
    # resourcecontainers ancestors chain); the rest must be exercised by the recorded tenant.
    implied = {"microsoft.resources/subscriptions/resourcegroups/read", "microsoft.management/managementgroups/read"}
    assert sorted(GRANTED - called - implied) == []

"""The operations a scan really calls, against permissions.json: all allowed, all read-only, nothing unused."""

from __future__ import annotations

from providers.aws.permissions import iam_action, is_read_only, policy_actions
from tests.providers.aws.conftest import World
from tests.reliability import record


def test_every_called_operation_is_in_the_policy_and_read_only(world: World) -> None:
    allowed = policy_actions()
    called = sorted(world.operations)
    assert len(called) > 50
    for operation in called:
        action = iam_action(operation)
        in_set, read_only = action in allowed, is_read_only(operation)
        record("permissions", provider="aws", operation=operation, in_permission_set=in_set, read_only=read_only)
        assert in_set, f"{operation} ({action}) is not in permissions.json"
        assert read_only, f"{operation} is not a read operation"


def test_the_policy_grants_nothing_the_scan_does_not_use(world: World) -> None:
    used = {iam_action(op) for op in world.operations}
    unused = policy_actions() - used
    assert not unused, f"permissions.json allows actions no scan calls: {sorted(unused)}"


def test_the_policy_is_read_only() -> None:
    writes = [a for a in policy_actions() if not a.split(":", 1)[1].startswith(("Get", "List", "Describe", "Generate", "AssumeRole"))]
    assert not writes

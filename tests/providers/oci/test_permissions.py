"""The operations a full OCI test scan really called (the fake's request log) against permissions.json."""

from __future__ import annotations

import json
from pathlib import Path

import providers.oci
from tests.fakes.oci_api import FakeOci
from tests.providers.oci.test_scan import run
from tests.reliability import record

PERMISSIONS = json.loads((Path(providers.oci.__file__).parent / "permissions.json").read_text(encoding="utf-8"))


def test_every_called_operation_is_read_only_and_in_the_policy(fake: FakeOci) -> None:
    run(fake)
    called = sorted(set(fake.operations()))
    assert len(called) >= 30
    allowed = PERMISSIONS["operations"]
    for op in called:
        spec = allowed.get(op)
        in_set = spec is not None
        method = {e["method"] for e in fake.log if e["operation"] == op}
        # Resource Search is a POST that only reads (a structured query).
        read_only = in_set and spec["read_only"] and (method == {"GET"} or op == "SearchResources")
        record("permissions", provider="oci", operation=op, in_permission_set=in_set, read_only=read_only)
        assert in_set, f"{op} is not in providers/oci/permissions.json"
        assert read_only, op
        assert spec["statement"].split()[0] in ("inspect", "read")


def test_policy_statements_use_only_inspect_and_read() -> None:
    for statement in PERMISSIONS["policy_statements"]:
        words = statement.split()
        assert words[:3] == ["Allow", "group", "GovscanAuditors"] and words[3] == "to"
        assert words[4] in ("inspect", "read"), statement

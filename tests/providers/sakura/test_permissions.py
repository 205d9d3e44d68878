"""The requests a full Sakura test scan really sent (the fake's log) against permissions.json: all GETs."""

from __future__ import annotations

import json
from pathlib import Path

import providers.sakura
from tests.fakes.sakura_api import FakeSakura
from tests.providers.sakura.test_scan import run
from tests.reliability import record

PERMISSIONS = json.loads((Path(providers.sakura.__file__).parent / "permissions.json").read_text(encoding="utf-8"))


def test_every_request_is_a_get_in_the_permission_set(fake: FakeSakura) -> None:
    run(fake)
    called = sorted(set(fake.operations()))
    assert len(called) == len(PERMISSIONS["operations"])
    for op in called:
        spec = PERMISSIONS["operations"].get(op)
        in_set = spec is not None
        read_only = in_set and all(e["method"] == "GET" for e in fake.log if e["operation"] == op)
        record("permissions", provider="sakura", operation=op, in_permission_set=in_set, read_only=read_only)
        assert in_set, f"{op} is not in providers/sakura/permissions.json"
        assert read_only, op
    assert {e["method"] for e in fake.log} == {"GET"}


def test_the_key_role_is_read_only() -> None:
    assert PERMISSIONS["api_key"]["access_level"]["ja"] == "リソース閲覧"
    assert all(spec["http_method"] == "GET" for spec in PERMISSIONS["operations"].values())

"""The iac provider reads files only: no network connection, no cloud API call, no credential."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from providers.iac import IacProvider
from tests.providers.iac_support import FIXTURES, ROOT, target
from tests.reliability import record


def test_scans_open_no_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: refuse(None, a))  # type: ignore[arg-type]
    provider = IacProvider()
    items = [item for unit in provider.plan(target([FIXTURES], region="ap-northeast-1")) for item in provider.collect(unit)]
    assert len(items) > 60
    assert attempts == [] and provider.api_calls == 0
    permissions = json.loads((ROOT / "providers" / "iac" / "permissions.json").read_text(encoding="utf-8"))
    assert permissions["operations"] == []
    record("permissions", provider="iac", operation="(none: local files only)", in_permission_set=True, read_only=True)


def test_remote_module_is_never_downloaded(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('module "m" {\n  source = "git::https://example.invalid/m.git"\n}\n', encoding="utf-8")
    provider = IacProvider()
    [unit] = provider.plan(target([tmp_path]))
    [error] = list(provider.collect(unit))
    assert "never downloads" in error.reason and error.reason.endswith("modules)")

"""A canary Azure access token must never appear in logs, collection errors or any report format,
even when calls fail (403, 500, malformed bodies)."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest

from scanner.plugins import load_writer, report_names
from tests.fakes.azure_arm import GRAPH_PATH, Fault, from_fixtures
from tests.providers.azure.support import SUB_C, run_scan
from tests.reliability import record

CANARY = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.GOVSCAN-CANARY-AZURE-TOKEN.c2lnbmF0dXJl"


class CanaryCredential:
    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessToken

        return AccessToken(CANARY, int(time.time()) + 3600)


def test_token_never_leaks(caplog: pytest.LogCaptureFixture) -> None:
    fake = from_fixtures()
    fake.faults += [
        Fault("403", lambda m, p, b: f"/subscriptions/{SUB_C}" in p or SUB_C in (b.get("subscriptions") or [])),
        Fault("500", lambda m, p, b: p.lower() == GRAPH_PATH and "microsoft.web/sites" in str(b.get("query"))),
        Fault("malformed", lambda m, p, b: p.lower() == GRAPH_PATH and "microsoft.cdn/profiles" in str(b.get("query"))),
    ]
    with caplog.at_level(logging.DEBUG):
        out = run_scan(fake, credential=CanaryCredential())
    assert {e["auth"] for e in fake.log} == {f"Bearer {CANARY}"}  # the canary really was used
    assert out.result.collection_errors
    searched = {"log records": caplog.text,
                "collection errors": repr([e.as_dict() for e in out.result.collection_errors]),
                "findings": repr(out.result.findings)}
    for name in report_names():
        searched[f"report {name}"] = load_writer(name)(out.result, "en").decode("utf-8", "replace")
    leaks = [where for where, text in searched.items() if CANARY in text or "GOVSCAN-CANARY" in text]
    record("canaries", canary="Azure access token (azure provider, with 403/500/malformed faults)",
           searched=", ".join(sorted(searched)), leaks=len(leaks))
    assert leaks == []

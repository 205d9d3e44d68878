"""The client layer: settings, Retry-After parsing, error descriptions and scope parsing (no network)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from google.api_core import exceptions as gexc

from providers.gcp import GcpProvider, scopes
from providers.gcp.client import Settings, describe_error, retry_after
from scanner.errors import UsageError


def test_settings_from_target_then_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVSCAN_GCP_ENDPOINT", "http://127.0.0.1:1")
    monkeypatch.setenv("GOVSCAN_GCP_ANONYMOUS", "1")
    monkeypatch.setenv("GOVSCAN_GCP_RETRY_DEADLINE", "5")
    settings = Settings.from_target({"endpoint": "http://127.0.0.1:2", "page_size": 10})
    assert settings == Settings(endpoint="http://127.0.0.1:2", anonymous=True, page_size=10, retry_deadline=5.0)
    monkeypatch.delenv("GOVSCAN_GCP_ANONYMOUS")
    assert Settings.from_target({}).anonymous is False


def test_retry_after_header() -> None:
    def error(headers: dict[str, str]) -> Exception:
        exc = gexc.TooManyRequests("slow down", response=SimpleNamespace(headers=headers))
        return exc

    assert retry_after(error({"Retry-After": "2.5"})) == 2.5
    assert retry_after(error({"Retry-After": "Wed, 21 Oct 2026 07:28:00 GMT"})) is None
    assert retry_after(error({})) is None
    assert retry_after(ValueError("no response")) is None


def test_error_descriptions_hide_the_url() -> None:
    denied = gexc.Forbidden("GET http://127.0.0.1:9/v1/organizations/1/assets?x=y: The caller does not have permission")
    assert describe_error(denied) == "HTTP 403 PERMISSION_DENIED: The caller does not have permission"
    wrapped = gexc.RetryError("Timeout of 3.0s exceeded", cause=gexc.ServiceUnavailable("try later"))
    assert describe_error(wrapped) == "gave up after retries within the deadline: HTTP 503 UNAVAILABLE: try later"
    assert describe_error(ValueError("bad")) == "ValueError: bad"


def test_scopes_from_options() -> None:
    target = {"organization": ("123",), "folder": ("folders/5,6",), "project": ("a, b", "projects/a")}
    assert scopes(target) == ["organizations/123", "folders/5", "folders/6", "projects/a", "projects/b"]
    with pytest.raises(UsageError):
        list(GcpProvider().plan({}))
    units = list(GcpProvider().plan({"project": ("p",), "anonymous": True}))
    assert {u.service for u in units} == {"resourcemanager", "iam", "storage", "compute", "network", "sql", "bigquery", "kms",
                                          "logging", "artifactregistry", "pubsub", "container"}
    assert all(u.scope == "projects/p" and u.region == "global" for u in units)

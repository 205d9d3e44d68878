"""Fault injection (issue 8): each fault ends in a bounded time, names scope/service/region/operation,
leaves the kinds it hid UNKNOWN (never PASS) and keeps everything else evaluated."""

from __future__ import annotations

import time
from typing import Any

import pytest

from providers.gcp.collect import SERVICES
from scanner.model import Status, Unknown
from tests.fakes.gcp_asset import FakeAssetServer, Fault
from tests.providers.gcp.conftest import ORG, run_scan
from tests.providers.gcp.test_scan import collect_all
from tests.reliability import record

BOUND = 20.0  # seconds: every faulty scan of the fixture organization ends well within this


def faulty_scan(name: str, faults: list[Fault], service: str, scope: str = ORG, **target: Any):
    """Scan with `faults`; assert the invariants for the unit (scope, service) they break; record the row."""
    also = target.pop("also", ())
    with FakeAssetServer(page_cap=3, faults=faults) as server:
        started = time.monotonic()
        result, _ = run_scan(server, **target)
        seconds = time.monotonic() - started
    assert seconds < BOUND
    errors = [e for e in result.collection_errors if e.scope == scope and e.service == service]
    assert errors, result.collection_errors
    error = errors[-1]
    assert error.provider == "gcp" and error.region == "global" and error.operation.startswith("ListAssets(")
    assert error.reason
    kinds = set(SERVICES[service][0])
    # An organization-wide unit hides its kinds in every project; a project's unit only in that project.
    scopes = {scope, *also} if scope != ORG else None
    hidden = [f for f in result.findings if f.resource_kind in kinds and (scopes is None or f.scope in scopes)]
    silent = [f for f in hidden if f.status is Status.PASS]
    assert silent == []
    assert any(f.status is Status.UNKNOWN and f.scope == scope for f in hidden)
    kept = [f for f in result.findings if f not in hidden]
    assert {Status.PASS, Status.FAIL} <= {f.status for f in kept}
    assert result.inventory["gcp"].get("storage.bucket", 0) + result.inventory["gcp"].get("compute.instance", 0) > 0 \
        or service in ("storage", "compute")
    record("faults", provider="gcp", fault=name, where=f"{scope} {service}", finished=True, seconds=round(seconds, 2),
           error_names=f"{error.scope} / {error.service} / {error.region} / {error.operation}",
           silent_passes=len(silent), kept_elsewhere=len(kept))
    return result, error, seconds


def test_throttling_past_the_retry_deadline() -> None:
    # Retry-After (30 s) is longer than the retry deadline (3 s): give up at once, do not stall.
    _, error, seconds = faulty_scan("429 Retry-After past the retry deadline",
                                    [Fault("429", content="RESOURCE", asset_types=("storage.googleapis.com/Bucket",), retry_after=30)],
                                    "storage")
    assert "429" in error.reason and seconds < 20  # far below the 30 s Retry-After it must not wait for


def test_throttling_within_the_bound_honours_retry_after() -> None:
    faults = [Fault("429", content="RESOURCE", asset_types=("storage.googleapis.com/Bucket",), times=2, retry_after=0.4)]
    with FakeAssetServer(page_cap=3, faults=faults) as server:
        started = time.monotonic()
        result, provider = run_scan(server)
        seconds = time.monotonic() - started
    assert result.collection_errors == []
    assert seconds >= 0.8  # two waits of Retry-After 0.4 s
    first_pages = [r for r in server.requests if r["asset_types"] == ["storage.googleapis.com/Bucket"]
                   and r["content_type"] == "RESOURCE" and r["page_token"] == ""]
    assert len(first_pages) == 3
    assert result.inventory["gcp"]["storage.bucket"] == 6
    assert provider.api_calls == len(server.requests)
    record("faults", provider="gcp", fault="429 Retry-After 0.4 s twice (recovered)", where=f"{ORG} storage", finished=True,
           seconds=round(seconds, 2), error_names="none (retried within the bound)", silent_passes=0,
           kept_elsewhere=len(result.findings))


def test_server_errors_past_the_retries() -> None:
    _, error, _ = faulty_scan("503 on every attempt", [Fault("503", asset_type="sqladmin.googleapis.com/Instance")], "sql")
    assert "503" in error.reason and "retries" in error.reason


def test_timeouts() -> None:
    _, error, _ = faulty_scan("slow responses (timeout)", [Fault("slow", asset_type="cloudkms.googleapis.com/CryptoKey",
                                                                  content="RESOURCE", delay=2.5)],
                              "kms", timeout=0.5, retry_deadline=2.0)
    assert "Timeout" in error.reason


def test_connection_reset() -> None:
    _, error, _ = faulty_scan("connection reset", [Fault("reset", asset_types=("bigquery.googleapis.com/Dataset",))], "bigquery")
    assert "ConnectionError" in error.reason


def test_malformed_body() -> None:
    faulty_scan("malformed JSON body", [Fault("malformed", asset_type="logging.googleapis.com/LogSink")], "logging")


def test_truncated_body() -> None:
    faulty_scan("truncated JSON body", [Fault("truncated", asset_type="pubsub.googleapis.com/Topic")], "pubsub")


def test_page_token_that_repeats() -> None:
    _, error, _ = faulty_scan("page token that never ends (repeats)",
                              [Fault("endless", asset_type="container.googleapis.com/Cluster")], "container")
    assert "repeats" in error.reason


def test_page_token_that_never_ends() -> None:
    _, error, _ = faulty_scan("page token that never ends (new each page)",
                              [Fault("endless_new", asset_type="artifactregistry.googleapis.com/Repository")],
                              "artifactregistry", max_pages=5)
    assert "more than 5 pages" in error.reason


def test_permission_denied_on_one_project() -> None:
    target = {"project": ("gov-prod", "gov-dev", "gov-shared")}
    result, error, _ = faulty_scan("403 PERMISSION_DENIED on one project", [Fault("403", parent="projects/gov-shared")],
                                   "storage", scope="projects/gov-shared", also=("projects/333",), **target)
    assert "PERMISSION_DENIED" in error.reason
    denied = [e for e in result.collection_errors if e.scope == "projects/gov-shared"]
    assert {e.service for e in denied} == set(SERVICES)
    assert not [e for e in result.collection_errors if e.scope != "projects/gov-shared"]
    assert not [f for f in result.findings if f.scope in ("projects/333", "projects/gov-shared") and f.status is Status.PASS]
    assert {f.scope for f in result.findings if f.status is not Status.UNKNOWN} >= {"projects/111", "projects/222"}


@pytest.mark.parametrize(("content", "asset_types", "fact_of"), [
    ("IAM_POLICY", ("storage.googleapis.com/Bucket",), ("storage.bucket", "gov-archive-asia", "public")),
    ("ORG_POLICY", None, ("account", "gov-dev", "guardrail.region_restriction")),
    ("IAM_POLICY", ("cloudkms.googleapis.com/CryptoKey", "cloudkms.googleapis.com/KeyRing"), ("kms.key", "shared", "public")),
    ("RESOURCE", ("compute.googleapis.com/Project",), ("compute.instance", "web-bad", "serial_port")),
    ("RESOURCE", ("storage.googleapis.com/Bucket", "bigquery.googleapis.com/Dataset"), ("log.sink", "to-bq-us", "destination.locations")),
])
def test_helper_stream_denied_makes_one_fact_unknown(content: str, asset_types: tuple[str, ...] | None,
                                                     fact_of: tuple[str, str, str]) -> None:
    kind, name, fact = fact_of
    with FakeAssetServer(page_cap=3, faults=[Fault("403", content=content, asset_types=asset_types)]) as server:
        started = time.monotonic()
        resources, errors, _ = collect_all(server, organization=(ORG,))
        seconds = time.monotonic() - started
    assert errors and all(content in e.operation and "PERMISSION_DENIED" in e.reason for e in errors)
    target = next(r for r in resources if r.kind == kind and r.name == name)
    value = target.attrs[fact]
    assert isinstance(value, Unknown) or any(isinstance(v, Unknown) for v in value)
    others = [r for r in resources if r.kind != kind]
    assert others
    stream = ", ".join(asset_types or ["resource-manager nodes"])
    record("faults", provider="gcp", fault=f"403 on the {content} stream of {stream}", where=f"{ORG} {errors[0].service}",
           finished=True, seconds=round(seconds, 2),
           error_names=f"{errors[0].scope} / {errors[0].service} / {errors[0].region} / {errors[0].operation}",
           silent_passes=0, kept_elsewhere=len(resources))

"""The engine: streaming evaluation, collection errors, never a silent pass."""

from __future__ import annotations

from scanner.catalog import load_catalog
from scanner.engine import Scan
from scanner.model import Status
from scanner.plugins import CollectionFailure
from scanner.policy import load_policy
from tests.scanner.fakes import ListProvider, bucket


def _run(provider: ListProvider):
    catalog = load_catalog()
    return Scan(catalog, load_policy(None, catalog), [(provider, {})], workers=4).run()


def _status(result, check_id: str, name: str) -> Status:
    return next(f.status for f in result.findings if f.check_id == check_id and f.resource_name == name)


def test_residency_both_ways_and_replicas() -> None:
    result = _run(ListProvider({
        ("s3", "global"): [
            bucket("tokyo", "ap-northeast-1", **{"replication.locations": ["ap-northeast-3"]}),
            bucket("virginia", "us-east-1", **{"replication.locations": []}),
            bucket("copies-abroad", "ap-northeast-1", **{"replication.locations": ["us-west-2"]}),
        ],
    }))
    assert _status(result, "GC-RES-001", "tokyo") is Status.PASS
    assert _status(result, "GC-RES-001", "virginia") is Status.FAIL
    assert _status(result, "GC-RES-004", "tokyo") is Status.PASS
    assert _status(result, "GC-RES-004", "copies-abroad") is Status.FAIL
    assert result.inventory == {"aws": {"storage.bucket": 3}}
    assert result.collection_errors == []


def test_failed_unit_is_recorded_and_unknown_never_pass() -> None:
    result = _run(ListProvider(
        {("s3", "ap-northeast-1"): [bucket("kept", "ap-northeast-1")]},
        fail={("s3", "us-west-2"): CollectionFailure("ListBuckets", "AccessDenied")},
    ))
    (error,) = result.collection_errors
    assert (error.service, error.region, error.operation) == ("s3", "us-west-2", "ListBuckets")
    unseen = [f for f in result.findings if f.scope == "111122223333" and "not collected" in f.resource_name]
    assert unseen and all(f.status is Status.UNKNOWN for f in unseen)
    # what was collected before and elsewhere is still evaluated
    assert _status(result, "GC-RES-001", "kept") is Status.PASS
    # an uncollected replication fact is UNKNOWN, not PASS
    assert _status(result, "GC-RES-004", "kept") is Status.UNKNOWN


def test_unknown_location_is_unknown() -> None:
    from scanner.model import Unknown

    result = _run(ListProvider({("s3", "x"): [bucket("b", Unknown("GetBucketLocation AccessDenied"))]}))
    assert _status(result, "GC-RES-001", "b") is Status.UNKNOWN


def test_global_location_needs_review_not_pass() -> None:
    result = _run(ListProvider({("s3", "x"): [bucket("edge", "global")]}))
    assert _status(result, "GC-RES-001", "edge") is Status.UNKNOWN

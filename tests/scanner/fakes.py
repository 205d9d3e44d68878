"""An in-memory provider for engine tests: it yields what it is given, or raises."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from scanner.model import CollectionError, Resource
from scanner.plugins import CollectionFailure, WorkUnit


class ListProvider:
    """Yields prepared resources per (service, region); a unit listed in `fail` raises instead."""

    name = "aws"
    kinds = frozenset({"storage.bucket", "network.firewall"})

    def __init__(self, units: Mapping[tuple[str, str], list[Resource | CollectionError]],
                 fail: Mapping[tuple[str, str], Exception] | None = None) -> None:
        self.units = units
        self.fail = fail or {}
        self.api_calls = 0

    def plan(self, target: Mapping[str, Any]) -> Iterable[WorkUnit]:
        keys = set(self.units) | set(self.fail)
        for service, region in sorted(keys):
            yield WorkUnit("aws", "111122223333", service, region, ("storage.bucket",))

    def collect(self, unit: WorkUnit) -> Iterator[Resource | CollectionError]:
        self.api_calls += 1
        yield from self.units.get((unit.service, unit.region), [])
        exc = self.fail.get((unit.service, unit.region))
        if exc is not None:
            raise exc


def bucket(name: str, region: str, **attrs: Any) -> Resource:
    """A live bucket resource with the given facts."""
    return Resource("aws", "storage.bucket", "AWS::S3::Bucket", f"arn:aws:s3:::{name}", name, "111122223333",
                    region, attrs)


__all__ = ["CollectionFailure", "ListProvider", "bucket"]

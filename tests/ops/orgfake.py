"""A fake cloud organization for the operator tests and the benchmark: N accounts x services x regions,
with injectable per-call latency, deterministic findings, a collection log and in-flight counters.

Selected without an entry point through `GOVSCAN_EXTRA_PROVIDERS=fakeorg=tests.ops.orgfake:OrgProvider`
(see `scanner/plugins.py`), so real `govscan` subprocesses and Celery workers can scan it.
"""

from __future__ import annotations

import os
import threading
import time
import zlib
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import click

from scanner.model import CollectionError, Resource
from scanner.plugins import CollectionFailure, WorkUnit

LOG_ENV = "GOVSCAN_FAKEORG_LOG"
EXTRA = "fakeorg=tests.ops.orgfake:OrgProvider"


def account_id(i: int) -> str:
    """The i-th member account id."""
    return f"{100000000000 + i:012d}"


class OrgProvider:
    """An organization of fake AWS-shaped accounts; every resource is an `aws` resource."""

    name = "fakeorg"
    kinds = frozenset({"storage.bucket", "kms.key"})
    help = "Scan a fake organization (tests and benchmarks only)."
    options = [
        click.Option(["--accounts"], type=int, default=20, help="Member accounts."),
        click.Option(["--regions"], default="ap-northeast-1,us-east-1", help="Comma-separated regions."),
        click.Option(["--services"], default="s3,kms", help="Comma-separated services (s3, kms)."),
        click.Option(["--latency"], type=float, default=0.0, help="Seconds per API call."),
        click.Option(["--per-unit"], type=int, default=3, help="Resources per unit."),
        click.Option(["--variant"], type=int, default=0, help="Shifts which resources fail (for diffs)."),
        click.Option(["--fail-units"], default="", help="Comma-separated unit labels that fail."),
    ]

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.api_calls = 0
        self.in_flight: dict[tuple[str, str], int] = {}
        self.peak_scope = 0
        self.peak_service = 0
        self._scope_flight: dict[str, int] = {}

    def plan(self, target: Mapping[str, Any]) -> Iterable[WorkUnit]:
        """One unit per account x service x region."""
        regions = [r for r in str(target.get("regions") or "ap-northeast-1").split(",") if r]
        services = [s for s in str(target.get("services") or "s3").split(",") if s]
        defaults = {"latency": 0.0, "per_unit": 3, "variant": 0, "fail_units": ""}
        payload = {k: target.get(k) if target.get(k) is not None else v for k, v in defaults.items()}
        for i in range(int(target.get("accounts") or 1)):
            for service in services:
                for region in regions:
                    kind = "storage.bucket" if service == "s3" else "kms.key"
                    yield WorkUnit("aws", account_id(i), service, region, (kind,), payload)

    def _call(self, latency: float) -> None:
        with self._lock:
            self.api_calls += 1
        if latency:
            time.sleep(latency)

    def _enter(self, unit: WorkUnit, delta: int) -> None:
        with self._lock:
            key = (unit.scope, unit.service)
            self.in_flight[key] = self.in_flight.get(key, 0) + delta
            self._scope_flight[unit.scope] = self._scope_flight.get(unit.scope, 0) + delta
            self.peak_service = max(self.peak_service, self.in_flight[key])
            self.peak_scope = max(self.peak_scope, self._scope_flight[unit.scope])

    def collect(self, unit: WorkUnit) -> Iterator[Resource | CollectionError]:
        """List, then one detail call per resource; a unit named in fail_units raises after listing."""
        log = os.environ.get(LOG_ENV)
        if log:
            with open(log, "a", encoding="utf-8") as handle:
                handle.write(f"{os.getpid()} {unit.label}\n")
        latency = float(unit.payload.get("latency") or 0.0)
        self._enter(unit, 1)
        try:
            self._call(latency)
            if unit.label in str(unit.payload.get("fail_units") or "").split(","):
                raise CollectionFailure("List", "AccessDenied (injected)")
            for n in range(int(unit.payload["per_unit"])):
                self._call(latency)
                yield make_resource(unit, n, int(unit.payload.get("variant") or 0))
        finally:
            self._enter(unit, -1)


def make_resource(unit: WorkUnit, n: int, variant: int) -> Resource:
    """A deterministic resource: about one in three replicates abroad (shifted by `variant`)."""
    seed = zlib.crc32(f"{unit.label}/{n}".encode())
    abroad = (seed + variant) % 3 == 0
    kind = unit.kinds[0]
    name = f"{unit.service}-{unit.scope[-4:]}-{unit.region}-{n}"
    native = "AWS::S3::Bucket" if kind == "storage.bucket" else "AWS::KMS::Key"
    return Resource(
        provider="aws", kind=kind, native_type=native, id=f"arn:aws:{unit.service}:{unit.region}:{unit.scope}:{name}",
        name=name, scope=unit.scope, location=unit.region,
        attrs={"replication.locations": ["us-west-2"] if abroad else [unit.region]},
    )

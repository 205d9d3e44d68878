"""The Celery tasks: scan one scope into the store (idempotent per scan and scope), and start a scheduled scan."""

from __future__ import annotations

import os
import resource
import socket
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from scanner.budget import Budget
from scanner.model import CollectionError, Resource, utcnow
from scanner.plugins import Provider, WorkUnit

_STORES: dict[str, Any] = {}
_CATALOG: list[Any] = []


def _store(url: str) -> Any:
    from scanner.store import open_store

    if url not in _STORES:
        _STORES[url] = open_store(url)
    return _STORES[url]


def _catalog() -> Any:
    from scanner.catalog import load_catalog

    if not _CATALOG:
        _CATALOG.append(load_catalog())
    return _CATALOG[0]


def worker_name() -> str:
    """host:pid of this worker process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def peak_rss_kb() -> int:
    """Peak resident memory of this process so far, in KiB."""
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


class FixedPlan:
    """A provider whose plan is a given list of units (those of one task)."""

    def __init__(self, inner: Provider, units: list[WorkUnit]) -> None:
        self.inner, self.units = inner, units
        self.name, self.kinds = inner.name, inner.kinds

    def plan(self, target: Mapping[str, Any]) -> Iterable[WorkUnit]:
        """The fixed units."""
        return list(self.units)

    def collect(self, unit: WorkUnit) -> Iterator[Resource | CollectionError]:
        """The wrapped provider's collection."""
        return self.inner.collect(unit)


def scan_scope(payload: Mapping[str, Any]) -> dict[str, Any]:
    """Collect and evaluate one scope run and commit it in one transaction; a finished one is skipped."""
    from scanner.catalog import Catalog
    from scanner.engine import Scan
    from scanner.plugins import load_provider
    from scanner.policy import load_policy

    store = _store(payload["store"])
    scan_id, key = payload["scan_id"], payload["key"]
    if store.scope_status(scan_id, key) in ("done", "failed"):
        return {"key": key, "skipped": True}
    catalog: Catalog = _catalog()
    if payload.get("framework"):
        catalog = catalog.restricted_to(payload["framework"])
    policy = load_policy(payload.get("policy_path"), catalog, data=payload.get("policy_data"))
    provider = load_provider(payload["provider"])
    labels = list(payload["labels"])
    wanted = set(labels)
    units = [u for u in provider.plan(payload["target"]) if u.label in wanted]
    budget = Budget(int(payload.get("scope_concurrency") or 0), int(payload.get("service_concurrency") or 0))
    inventory: dict[str, dict[str, int]] = {}

    def count(unit: WorkUnit, item: Resource | CollectionError) -> None:
        if isinstance(item, Resource):
            by_kind = inventory.setdefault(item.provider, {})
            by_kind[item.kind] = by_kind.get(item.kind, 0) + 1

    scan = Scan(catalog, policy, [(budget.wrap(FixedPlan(provider, units), on_item=count), {})],
                workers=int(payload.get("workers") or 16))
    result = scan.run()
    errors = list(result.collection_errors)
    for label in sorted(wanted - {u.label for u in units}):
        p, _, rest = label.partition("/")
        scope, service, region = [*rest.split("/"), "", "", ""][:3]
        errors.append(CollectionError(p, scope, service, region, "plan",
                                      "the unit is no longer in the provider's plan", ()))
    calls = getattr(provider, "api_calls", 0)
    committed = store.commit_scope(scan_id, key, labels, result.findings, errors, seen_at=payload["seen_at"],
                                   api_calls=calls if isinstance(calls, int) else 0, inventory=inventory,
                                   worker=worker_name(), peak_rss_kb=peak_rss_kb(), once=True)
    maybe_finish(store, scan_id)
    return {"key": key, "committed": committed, "findings": len(result.findings), "errors": len(errors)}


def record_failure(payload: Mapping[str, Any], exc: BaseException, attempts: int) -> None:
    """After the last retry: record the scope run as failed, with UNKNOWN left to the report's errors."""
    store = _store(payload["store"])
    provider, _, scope = payload["key"].partition("/")
    error = CollectionError(provider, scope.split("@")[0], "(task)", scope.partition("@")[2], "scan_scope",
                            f"the task failed {attempts} time(s): {type(exc).__name__}: {exc}", ())
    store.commit_scope(payload["scan_id"], payload["key"], list(payload["labels"]), [], [error],
                       seen_at=payload["seen_at"], worker=worker_name(), once=True)
    maybe_finish(store, payload["scan_id"])


def maybe_finish(store: Any, scan_id: str) -> bool:
    """When every scope run of a scan has finished, record the scan as finished (complete without errors)."""
    runs = store.scope_runs(scan_id)
    if not runs or any(r["status"] == "pending" for r in runs):
        return False
    row = store.scan(scan_id)
    if row is None or row["finished_at"]:
        return False
    calls: dict[str, int] = {}
    for r in runs:
        provider = r["scope_key"].split("/", 1)[0]
        calls[provider] = calls.get(provider, 0) + (r["api_calls"] or 0)
    errors = sum(r["errors"] for r in runs)
    reasons = [f"{errors} collection error(s)"] if errors else []
    peaks = [r["peak_rss_kb"] for r in runs if r["peak_rss_kb"]]
    budgets = {**(row["budgets"] or {}), "workers": sorted({r["worker"] for r in runs if r["worker"]}),
               "peak_rss_kb_max": max(peaks) if peaks else None}
    store.finish_scan(scan_id, utcnow(), not errors, calls, budgets, reasons)
    return True


def register(app: Any) -> None:
    """Register the govscan tasks on `app`."""

    @app.task(name="govscan.scan_scope", bind=True, acks_late=True, reject_on_worker_lost=True,  # type: ignore[untyped-decorator]
              max_retries=5)
    def scan_scope_task(self: Any, payload: dict[str, Any]) -> dict[str, Any]:
        try:
            return scan_scope(payload)
        except Exception as exc:  # retry with exponential back-off; after the last, record the failure
            retries = self.request.retries
            if retries >= self.max_retries:
                record_failure(payload, exc, retries + 1)
                return {"key": payload["key"], "failed": True}
            raise self.retry(exc=exc, countdown=min(60, 2 ** retries)) from None

    @app.task(name="govscan.scan_config", bind=True, acks_late=True,  # type: ignore[untyped-decorator]
              reject_on_worker_lost=True)
    def scan_config_task(self: Any, config_path: str, groups: list[str]) -> str:
        from scanner.config import load_config
        from scanner.distributed.coordinator import start_distributed
        from scanner.runner import load_inputs

        config = load_config(config_path)
        options = config.options()
        options.distributed = True
        jobs, names = config.jobs(groups)
        catalog, policy = load_inputs(options)
        return start_distributed(jobs, options, names, catalog, policy, app=app)

"""The coordinator of a distributed scan: plan, record the scope runs, send one task per scope, wait."""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from typing import Any

from scanner import __version__
from scanner.catalog import Catalog
from scanner.errors import UsageError
from scanner.model import ScanResult, utcnow
from scanner.plugins import Provider, WorkUnit
from scanner.policy import Policy
from scanner.runner import ScanOptions, new_scan_id

# A scope with more units than this is split into one task per region (large accounts).
SPLIT_UNITS = 40


def task_key(unit: WorkUnit, split: bool) -> str:
    """`provider/scope`, or `provider/scope@region` when the scope is split per region."""
    return f"{unit.provider}/{unit.scope}@{unit.region}" if split else f"{unit.provider}/{unit.scope}"


def group_units(units: list[WorkUnit], split_units: int = SPLIT_UNITS) -> dict[str, list[str]]:
    """Task keys and their unit labels: one per scope, per region when a scope is large."""
    by_scope: dict[tuple[str, str], list[WorkUnit]] = {}
    for u in units:
        by_scope.setdefault((u.provider, u.scope), []).append(u)
    out: dict[str, list[str]] = {}
    for scope_units in by_scope.values():
        split = len(scope_units) > split_units
        for u in scope_units:
            out.setdefault(task_key(u, split), []).append(u.label)
    return out


def narrow_target(provider: Provider, target: Mapping[str, Any], scope: str) -> dict[str, Any]:
    """The target of one task: restricted to its scope, so a worker plans one scope, not the organization.

    A provider may implement `narrow(target, scope)`; otherwise a string option `accounts` (scope ids to
    restrict to, as the AWS provider has) is set to the scope. Else the whole target is planned again.
    """
    narrow = getattr(provider, "narrow", None)
    if callable(narrow):
        return dict(narrow(target, scope))
    for param in getattr(provider, "options", []):
        if getattr(param, "name", None) == "accounts" and getattr(param.type, "name", "") == "text":
            return {**target, "accounts": scope}
    return dict(target)


def _policy_payload(options: ScanOptions) -> tuple[str | None, Any]:
    if options.policy_data is not None:
        return options.policy, options.policy_data
    if options.policy:
        from scanner import yamlfile
        from scanner.errors import PolicyError

        data, _ = yamlfile.load_file(options.policy, PolicyError)
        return options.policy, data if data is not None else {}
    return None, None


def start_distributed(jobs: list[tuple[Provider, Mapping[str, Any]]], options: ScanOptions, targets: list[str],
                      catalog: Catalog, policy: Policy, app: Any = None) -> str:
    """Record the scan and its scope runs, send a task for each unfinished one; return the scan id."""
    if not options.store:
        raise UsageError("--distributed needs --store (a PostgreSQL URL shared with the workers)")
    from scanner.store import open_store

    store = open_store(options.store)
    scan_id = options.resume or new_scan_id()
    if options.resume:
        row = store.scan(scan_id)
        if row is None:
            raise UsageError(f"cannot resume: no scan {scan_id} in the store")
        started_at = row["started_at"]
        store.reopen_scan(scan_id)
    else:
        started_at = utcnow()
        store.create_scan(scan_id, started_at, targets, policy.summary(), __version__, distributed=True)
    policy_path, policy_data = _policy_payload(options)
    if app is None:
        from scanner.distributed.app import make_app

        app = make_app(options.broker, options.queue)
    budgets = {"per_scope": options.scope_concurrency, "per_service": options.service_concurrency}
    store.set_budgets(scan_id, budgets)
    sent = 0
    for index, (provider, target) in enumerate(jobs):
        units = list(provider.plan(target))
        groups = group_units(units)
        store.plan_scopes(scan_id, groups)
        done = {r["scope_key"] for r in store.scope_runs(scan_id) if r["status"] == "done"}
        for key, labels in groups.items():
            if key in done:
                continue
            payload = {
                "scan_id": scan_id, "store": options.store, "key": key, "labels": labels, "index": index,
                "provider": provider.name, "target": _jsonable(narrow_target(provider, target, _scope_of(key))),
                "policy_path": policy_path,
                "policy_data": policy_data, "framework": options.framework, "seen_at": started_at,
                "workers": options.workers, "scope_concurrency": options.scope_concurrency,
                "service_concurrency": options.service_concurrency,
            }
            app.send_task("govscan.scan_scope", args=(payload,), queue=options.queue)
            sent += 1
    if sent == 0:
        from scanner.distributed.tasks import maybe_finish

        maybe_finish(store, scan_id)
    store.close()
    return scan_id


def _scope_of(key: str) -> str:
    return key.split("/", 1)[1].split("@", 1)[0]


def _jsonable(target: Mapping[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in target.items()}


def run_distributed(jobs: list[tuple[Provider, Mapping[str, Any]]], options: ScanOptions, targets: list[str],
                    catalog: Catalog, policy: Policy, timeout: float | None = None) -> ScanResult:
    """Send the scan to the workers and wait until every scope run has finished; the result comes from the store."""
    from scanner.store import open_store

    scan_id = start_distributed(jobs, options, targets, catalog, policy)
    store = open_store(options.store)
    tty = not options.quiet and sys.stderr.isatty()
    if not options.quiet:
        sys.stderr.write(f"govscan: distributed scan {scan_id} sent to queue {options.queue}; "
                         f"progress: govscan status {scan_id}\n")
    deadline = time.monotonic() + timeout if timeout else None
    try:
        while True:
            p = store.progress(scan_id)
            if tty:
                sys.stderr.write(f"\r\x1b[K[{p['scopes_finished']}/{p['scopes']}] scopes, {p['findings']} findings")
            if p["finished_at"]:
                break
            if deadline and time.monotonic() > deadline:
                break
            time.sleep(0.5)
    except KeyboardInterrupt:
        sys.stderr.write(f"\ngovscan: stopped waiting; the workers go on: govscan status {scan_id}\n")
    if tty:
        sys.stderr.write("\r\x1b[K")
    result = store.result(scan_id)
    result.lang = options.lang  # type: ignore[assignment]
    if not result.finished_at:
        result.complete = False
        result.incomplete_reasons.append("the workers have not finished every scope yet")
    store.close()
    return result

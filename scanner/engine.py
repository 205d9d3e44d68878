"""The engine: run work units concurrently, evaluate each resource against the checks of its kind
as it arrives, and keep every collection error. Nothing that was collected is dropped."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from typing import Any

from scanner import conditions
from scanner.catalog import Catalog, Check, CheckContext, Outcome
from scanner.kinds import FirewallRule
from scanner.model import (
    CollectionError,
    Finding,
    Origin,
    Resource,
    ScanResult,
    Status,
    Text,
    Unknown,
    fingerprint,
    utcnow,
)
from scanner.plugins import CollectionFailure, Provider, WorkUnit
from scanner.policy import Policy

Sink = Callable[[Finding], None]
Progress = Callable[[str, WorkUnit, int], None]

_NOT_COLLECTED = Text(
    "収集できなかったため判定できません: {reason}",
    "Cannot determine: the data could not be collected: {reason}",
)
_EXCEPTION_EXPIRED = Text(
    "{message} (例外承認は {expires} に失効しました: {reason})",
    "{message} (the approved exception expired on {expires}: {reason})",
)
_MUTED = Text("{message} (例外承認: {reason})", "{message} (approved exception: {reason})")


def jsonable(value: Any) -> Any:
    """A fact value as plain JSON data."""
    if isinstance(value, Unknown | FirewallRule):
        return value.as_dict()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


@dataclass
class Evaluator:
    """Evaluates resources against the catalog under a policy. Pure: no I/O, no API calls."""

    catalog: Catalog
    policy: Policy
    today: dt.date = field(default_factory=dt.date.today)
    _contexts: dict[tuple[str, str], CheckContext] = field(default_factory=dict, repr=False)

    def evaluate(self, resource: Resource) -> list[Finding]:
        """Every finding for `resource` (disabled checks produce none)."""
        return [
            self.evaluate_check(c, resource)
            for c in self.catalog.for_resource(resource)
            if c.id not in self.policy.disabled
        ]

    def context(self, c: Check, provider: str) -> CheckContext:
        """Params (defaults with the policy's overrides) and policy values for a check, built once per pair."""
        key = (c.id, provider)
        ctx = self._contexts.get(key)
        if ctx is None:
            ctx = CheckContext({**c.params, **self.policy.params.get(c.id, {})}, self.policy.for_provider(provider))
            self._contexts[key] = ctx
        return ctx

    def evaluate_check(self, c: Check, resource: Resource) -> Finding:
        """One check on one resource, as a finding; a raising check becomes ERROR."""
        ctx = self.context(c, resource.provider)
        try:
            outcome = self._outcome(c, resource, ctx)
        except Exception as exc:  # a check bug must not cost the scan, and must not pass
            outcome = Outcome(Status.ERROR, "error", {"reason": f"{type(exc).__name__}: {exc}"})
        return self._finding(c, resource, outcome, ctx)

    def _outcome(self, c: Check, resource: Resource, ctx: CheckContext) -> Outcome:
        if c.function is not None:
            return c.function(resource, ctx)
        assert c.require is not None
        verdict = conditions.evaluate(c.require, resource.fact, lambda v: _resolve(v, ctx))
        key = {Status.PASS: "pass", Status.FAIL: "fail", Status.UNKNOWN: "unknown", Status.ERROR: "error"}
        return Outcome(verdict.status, key[verdict.status], {"reason": verdict.reason}, verdict.evidence)

    def _finding(self, c: Check, resource: Resource, outcome: Outcome, ctx: CheckContext) -> Finding:
        status = outcome.status
        params = {**ctx.params, **outcome.params}
        params.setdefault("reason", "")
        message = c.message(outcome.key or status.value.lower()).format(**params)
        muted_reason = None
        if status is not Status.PASS:
            status, message, muted_reason = self._apply_mutes(c, resource, status, message)
        severity = self.policy.severity.get(c.id, c.severity)
        facts = list(outcome.evidence)
        origin = resource.origin
        if origin.type == "iac":
            # the finding points at the line of the attribute it read; it does not carry the block's line map
            line = origin.line_of(facts) if facts else origin.line
            origin = Origin("iac", origin.file, line, origin.module)
        return Finding(
            check_id=c.id,
            category=c.category.value,
            severity=severity,
            status=status,
            provider=resource.provider,
            scope=resource.scope,
            location=str(resource.location) if not isinstance(resource.location, Unknown) else "unknown",
            resource_id=resource.id,
            resource_name=resource.name,
            resource_kind=resource.kind,
            native_type=resource.native_type,
            title=c.title,
            message=message,
            remediation=c.remediation,
            references=c.references,
            origin=origin,
            evidence={k: jsonable(v) for k, v in outcome.evidence.items()},
            fingerprint=fingerprint(c.id, resource.provider, resource.scope, resource.id),
            muted_reason=muted_reason,
        )

    def _apply_mutes(self, c: Check, resource: Resource, status: Status, message: Text) -> tuple[Status, Text, str | None]:
        for mute in resource.mutes:
            if mute.check != c.id:
                continue
            expires = mute.expires
            if expires and dt.date.fromisoformat(expires) < self.today:
                return status, _expired(message, expires, mute.reason), None
            return Status.MUTED, _muted(message, mute.reason), mute.reason
        exc = self.policy.exception_for(c.id, resource, self.today)
        if exc is None:
            return status, message, None
        reason = f"{exc.reason} / {exc.approver} / {exc.expires.isoformat()}"
        if exc.expired(self.today):
            return status, _expired(message, exc.expires.isoformat(), exc.reason), None
        return Status.MUTED, _muted(message, reason), reason


def _expired(message: Text, expires: str, reason: str) -> Text:
    return Text(
        _EXCEPTION_EXPIRED.ja.format(message=message.ja, expires=expires, reason=reason),
        _EXCEPTION_EXPIRED.en.format(message=message.en, expires=expires, reason=reason),
    )


def _muted(message: Text, reason: str) -> Text:
    return Text(_MUTED.ja.format(message=message.ja, reason=reason), _MUTED.en.format(message=message.en, reason=reason))


def _resolve(value: Any, ctx: CheckContext) -> Any:
    if isinstance(value, str) and value.startswith("$param."):
        return ctx.params[value.removeprefix("$param.")]
    if isinstance(value, str) and value.startswith("$policy."):
        resolved = ctx.policy.get(value.removeprefix("$policy."))
        if resolved is None:
            return Unknown(f"the policy sets no {value.removeprefix('$policy.')} for this provider")
        return resolved
    return value


@dataclass
class Scan:
    """One scan run: providers with their targets, evaluated under one catalog and policy."""

    catalog: Catalog
    policy: Policy
    jobs: list[tuple[Provider, Mapping[str, Any]]]
    workers: int = 16
    sink: Sink | None = None
    on_error: Callable[[CollectionError], None] | None = None
    on_unit: Callable[[str], None] | None = None
    progress: Progress | None = None
    skip_units: frozenset[str] = frozenset()
    result: ScanResult = field(default_factory=ScanResult)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self) -> ScanResult:
        """Collect every unit concurrently, evaluate as resources stream in, return the result."""
        result = self.result
        result.started_at = result.started_at or utcnow()
        evaluator = Evaluator(self.catalog, self.policy)
        result.policy = self.policy.summary(evaluator.today)
        started = time.monotonic()
        units: list[tuple[Provider, WorkUnit]] = []
        for provider, target in self.jobs:
            try:
                planned = list(provider.plan(target))
            except CollectionFailure as exc:
                self._error(CollectionError(provider.name, str(target.get("scope", "")), "plan", "", exc.operation,
                                            exc.reason, tuple(sorted(provider.kinds))))
                continue
            units += [(provider, u) for u in planned if u.label not in self.skip_units]
        result.timings["plan_seconds"] = round(time.monotonic() - started, 3)
        with ThreadPoolExecutor(max_workers=max(1, self.workers), thread_name_prefix="govscan") as pool:
            futures = [pool.submit(self._run_unit, evaluator, p, u) for p, u in units]
            for future in as_completed(futures):
                future.result()
        for provider, _ in self.jobs:
            calls = getattr(provider, "api_calls", None)
            if isinstance(calls, int):
                result.api_calls[provider.name] = result.api_calls.get(provider.name, 0) + calls
        result.timings["scan_seconds"] = round(time.monotonic() - started, 3)
        result.finished_at = utcnow()
        return result

    def _run_unit(self, evaluator: Evaluator, provider: Provider, unit: WorkUnit) -> None:
        if self.progress:
            self.progress("start", unit, 0)
        seen = 0
        try:
            for item in provider.collect(unit):
                if isinstance(item, CollectionError):
                    self._error(item)
                    continue
                seen += 1
                self._count(item)
                for finding in evaluator.evaluate(item):
                    self._emit(finding)
        except CollectionFailure as exc:
            self._unit_failed(evaluator, unit, exc.operation, exc.reason)
        except Exception as exc:  # any SDK or parsing failure: record it, keep the rest of the scan
            self._unit_failed(evaluator, unit, getattr(exc, "operation_name", "") or type(exc).__name__,
                              f"{type(exc).__name__}: {exc}")
        if self.on_unit:
            self.on_unit(unit.label)
        if self.progress:
            self.progress("done", unit, seen)

    def _unit_failed(self, evaluator: Evaluator, unit: WorkUnit, operation: str, reason: str) -> None:
        self._error(CollectionError(unit.provider, unit.scope, unit.service, unit.region, operation, reason, unit.kinds))
        for finding in unseen_findings(evaluator, unit, reason):
            self._emit(finding)

    def _count(self, resource: Resource) -> None:
        with self._lock:
            by_kind = self.result.inventory.setdefault(resource.provider, {})
            by_kind[resource.kind] = by_kind.get(resource.kind, 0) + 1

    def _emit(self, finding: Finding) -> None:
        with self._lock:
            self.result.findings.append(finding)
            if self.sink:
                self.sink(finding)

    def _error(self, error: CollectionError) -> None:
        with self._lock:
            self.result.collection_errors.append(error)
            if self.on_error:
                self.on_error(error)


def unseen_findings(evaluator: Evaluator, unit: WorkUnit, reason: str) -> Iterable[Finding]:
    """UNKNOWN findings for every check that would have judged what a failed unit could not see."""
    for kind in unit.kinds:
        placeholder = Resource(
            provider=unit.provider,
            kind=kind,
            native_type="(not collected)",
            id=f"{unit.scope}/{unit.region}/{unit.service}/{kind}",
            name=f"{kind} in {unit.region} (not collected)",
            scope=unit.scope,
            location=Unknown("not collected"),
        )
        for c in evaluator.catalog.for_resource(placeholder):
            if c.id in evaluator.policy.disabled:
                continue
            ctx = evaluator.context(c, unit.provider)
            outcome = Outcome(Status.UNKNOWN, "not_collected", {"reason": reason})
            finding = evaluator._finding(c, placeholder, outcome, ctx)
            yield replace(finding, message=_NOT_COLLECTED.format(reason=reason))

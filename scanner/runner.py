"""One scan from options to files: catalog, policy, engine, spool, reports and the exit code."""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner import __version__
from scanner.budget import Budget
from scanner.catalog import Catalog, load_catalog
from scanner.console import Progress, print_summary
from scanner.engine import Scan
from scanner.errors import UsageError
from scanner.model import CollectionError, Finding, ScanResult, Severity, Status, utcnow
from scanner.plugins import FILE_NAMES, Provider, load_writer, report_names
from scanner.policy import Policy, load_policy
from scanner.redact import redact
from scanner.split import scope_token, split_by_scope, summary
from scanner.spool import Spool, read_spool

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3


@dataclass
class ScanOptions:
    """Options every scan shares, whatever the provider."""

    policy: str | None = None
    formats: Sequence[str] = ("json",)
    output_dir: str = "govscan-report"
    fail_on: str = "high"
    lang: str = "ja"
    quiet: bool = False
    workers: int = 16
    framework: str | None = None
    redact: bool = False
    split_by: str | None = None
    baseline: str | None = None
    write_baseline: str | None = None
    store: str | None = None
    resume: str | None = None
    distributed: bool = False
    scope_concurrency: int = 0
    service_concurrency: int = 0
    broker: str | None = None
    queue: str = "govscan"
    policy_data: Any = None  # an inline policy from a scan config (options.policy then names that file)
    policy_lines: dict[Any, int] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def load_inputs(options: ScanOptions) -> tuple[Catalog, Policy]:
    """The catalog (restricted to a framework when asked) and the policy in force."""
    catalog = load_catalog()
    policy = load_policy(options.policy, catalog, data=options.policy_data, lines=options.policy_lines or None)
    if options.framework:
        catalog = catalog.restricted_to(options.framework)
    return catalog, policy


def check_formats(formats: Sequence[str]) -> list[str]:
    """Validate format names against the installed writers."""
    known = report_names()
    bad = [f for f in formats if f not in known]
    if bad:
        raise UsageError(f"unknown format {', '.join(bad)}; installed: {', '.join(known)}")
    return list(dict.fromkeys(formats))


def execute(
    jobs: list[tuple[Provider, Mapping[str, Any]]],
    options: ScanOptions,
    targets: Sequence[str] = (),
    transform: Callable[[ScanResult], ScanResult] | None = None,
) -> int:
    """Run a scan, write every report, print the summary; return the exit code."""
    formats = check_formats(options.formats)
    if options.lang not in ("ja", "en"):
        raise UsageError("--lang must be ja or en")
    catalog, policy = load_inputs(options)
    baseline = None
    if options.baseline:  # read before scanning: a malformed baseline fails fast (exit 2)
        from scanner.baseline import load_baseline

        baseline = load_baseline(options.baseline)
    out = Path(options.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    if options.distributed:
        from scanner.distributed.coordinator import run_distributed

        result = run_distributed(jobs, options, list(targets), catalog, policy)
    else:
        result = run_local(jobs, options, list(targets), catalog, policy, out)
    if baseline is not None:
        from scanner.baseline import apply_baseline

        result = apply_baseline(result, baseline)
    if transform is not None:
        result = transform(result)
    if options.write_baseline:
        from scanner.baseline import write_baseline

        write_baseline(options.write_baseline, result)
    if options.redact:
        # before any writer runs, so every format (and the split reports) gets the same masking
        result = redact(result)
    write_reports(result, formats, out, options)
    if options.split_by == "scope":
        write_split(result, formats, out, options)
    if not options.quiet:
        print_summary(result, options.lang, out, formats, fail_on=options.fail_on)
    return exit_code(result, options)


def new_scan_id() -> str:
    """A sortable, unique scan id: UTC time to the microsecond plus a random suffix.

    The microseconds keep two scans started within the same second in order (history, diff).
    """
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(3)


def unit_label(e: CollectionError) -> str:
    """The label of the unit a collection error came from."""
    return f"{e.provider}/{e.scope}/{e.service}/{e.region}"


def resume_from_spool(path: Path, scan_id: str) -> tuple[ScanResult, set[str]]:
    """What a killed scan decided, and the units a resume may skip (finished without an error)."""
    if not path.exists():
        raise UsageError(f"cannot resume {scan_id}: no findings spool at {path} (use --store to resume from a store)")
    prior, units = read_spool(path)
    if prior.scan_id and prior.scan_id != scan_id:
        raise UsageError(f"cannot resume {scan_id}: the spool at {path} belongs to scan {prior.scan_id}")
    failed = {unit_label(e) for e in prior.collection_errors}
    prior.collection_errors = [e for e in prior.collection_errors if unit_label(e) not in failed]
    return prior, units - failed


def run_local(jobs: list[tuple[Provider, Mapping[str, Any]]], options: ScanOptions, targets: list[str],
              catalog: Catalog, policy: Policy, out: Path) -> ScanResult:
    """One scan in this process: spool, optional store (one transaction per scope), resume, rate budgets."""
    scan_id = options.resume or new_scan_id()
    result = ScanResult(version=__version__, lang=options.lang, targets=targets, scan_id=scan_id,  # type: ignore[arg-type]
                        started_at=utcnow())
    spool_path = out / "findings.jsonl"
    skip: set[str] = set()
    prior: ScanResult | None = None
    store = recorder = None
    if options.store:
        from scanner.store import open_store
        from scanner.store.recorder import ScopeRecorder

        store = open_store(options.store)
        if options.resume:
            row = store.scan(scan_id)
            if row is None:
                raise UsageError(f"cannot resume: no scan {scan_id} in the store")
            result.started_at = row["started_at"]
            skip = store.finished_units(scan_id)
        else:
            store.create_scan(scan_id, result.started_at, targets, policy.summary(), __version__)
        recorder = ScopeRecorder(store, scan_id, result.started_at, frozenset(skip))
    elif options.resume:
        prior, skip = resume_from_spool(spool_path, scan_id)
        result.started_at = prior.started_at or result.started_at
    if not options.resume and spool_path.exists():
        os.replace(spool_path, spool_path.with_suffix(".jsonl.prev"))  # a new scan starts a new spool
    budget = Budget(options.scope_concurrency, options.service_concurrency)
    wrapped: list[tuple[Provider, Mapping[str, Any]]] = [
        (budget.wrap(p, recorder.planned if recorder else None, recorder.resource if recorder else None), t)
        for p, t in jobs
    ]
    progress = Progress(enabled=not options.quiet and sys.stderr.isatty())
    with Spool(spool_path) as spool:
        spool.header(result, targets)
        scan = Scan(catalog, policy, wrapped, workers=options.workers,
                    sink=_both(spool.write, recorder.finding if recorder else None),
                    on_error=_both(spool.error, recorder.error if recorder else None),
                    on_unit=_both(spool.unit_done, recorder.unit_done if recorder else None),
                    progress=_both(recorder.progress if recorder else None, progress.update),
                    skip_units=frozenset(skip), result=result)
        try:
            scan.run()
            if recorder:
                recorder.flush()
        except KeyboardInterrupt:
            result.complete = False
            result.incomplete_reasons.append("interrupted")
        finally:
            progress.close()
        result.budgets = budget.summary()
        if prior is not None:
            merged = {(f.check_id, f.fingerprint): f for f in prior.findings}
            merged.update({(f.check_id, f.fingerprint): f for f in result.findings})
            result.findings = list(merged.values())
            result.collection_errors = prior.collection_errors + result.collection_errors
            result.timings["resumed_units_skipped"] = len(skip)
        if result.collection_errors:
            result.complete = False
            result.incomplete_reasons.append(f"{len(result.collection_errors)} collection error(s)")
        spool.footer(result)
    if store is not None:
        previous = (store.scan(scan_id) or {}).get("api_calls") or {}
        calls = {k: result.api_calls.get(k, 0) + previous.get(k, 0) for k in {*result.api_calls, *previous}}
        store.finish_scan(scan_id, result.finished_at or utcnow(), result.complete, calls, result.budgets,
                          result.incomplete_reasons)
        stored = store.result(scan_id)
        stored.lang, stored.timings = result.lang, result.timings
        if skip:
            stored.timings["resumed_units_skipped"] = len(skip)
        store.close()
        result = stored
    return result


def _both(*callbacks: Callable[..., None] | None) -> Callable[..., None]:
    calls = [c for c in callbacks if c is not None]

    def call(*args: Any) -> None:
        for c in calls:
            c(*args)

    return call


def write_reports(result: ScanResult, formats: Sequence[str], out: Path, options: ScanOptions) -> list[Path]:
    """Write one file per format into `out`; return their paths."""
    written = []
    for name in formats:
        data = load_writer(name)(result, options.lang)
        path = out / FILE_NAMES.get(name, f"govscan.{name}")
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        written.append(path)
    return written


def write_split(result: ScanResult, formats: Sequence[str], out: Path, options: ScanOptions) -> list[Path]:
    """With several scopes: one report set per scope in `by-scope/<token>/`, and `summary.json`."""
    parts = split_by_scope(result)
    if len(parts) < 2:
        return []
    folders: dict[str, str] = {}
    written = []
    for scope, part in parts.items():
        token = scope_token(scope)
        folders[scope] = f"by-scope/{token}"
        folder = out / "by-scope" / token
        folder.mkdir(parents=True, exist_ok=True)
        written += write_reports(part, formats, folder, options)
    path = out / "summary.json"
    path.write_text(dump_json(summary(parts, folders)) + "\n", encoding="utf-8")
    return [*written, path]


def failing(findings: Sequence[Finding], fail_on: str) -> list[Finding]:
    """Findings at or above the `fail_on` severity that fail."""
    threshold = Severity(fail_on).rank
    return [f for f in findings if f.status is Status.FAIL and f.severity.rank >= threshold and not f.baselined]


def exit_code(result: ScanResult, options: ScanOptions) -> int:
    """3 when the scan is incomplete, else 1 with failures at or above --fail-on, else 0."""
    if not result.complete:
        return EXIT_INCOMPLETE
    if options.fail_on != "none" and failing(result.findings, options.fail_on):
        return EXIT_FINDINGS
    return EXIT_CLEAN


def dump_json(data: Any) -> str:
    """Pretty JSON for command output."""
    return json.dumps(data, ensure_ascii=False, indent=2)

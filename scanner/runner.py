"""One scan from options to files: catalog, policy, engine, spool, reports and the exit code."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner import __version__
from scanner.catalog import Catalog, load_catalog
from scanner.console import Progress, print_summary
from scanner.engine import Scan
from scanner.errors import UsageError
from scanner.model import Finding, ScanResult, Severity, Status
from scanner.plugins import FILE_NAMES, Provider, load_writer, report_names
from scanner.policy import Policy, load_policy
from scanner.redact import redact
from scanner.split import scope_token, split_by_scope, summary
from scanner.spool import Spool

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
    extra: dict[str, Any] = field(default_factory=dict)


def load_inputs(options: ScanOptions) -> tuple[Catalog, Policy]:
    """The catalog (restricted to a framework when asked) and the policy in force."""
    catalog = load_catalog()
    policy = load_policy(options.policy, catalog)
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
    result = ScanResult(version=__version__, lang=options.lang, targets=list(targets))  # type: ignore[arg-type]
    progress = Progress(enabled=not options.quiet and sys.stderr.isatty())
    with Spool(out / "findings.jsonl") as spool:
        spool.header(result, targets)
        scan = Scan(catalog, policy, jobs, workers=options.workers, sink=spool.write, on_error=spool.error,
                    on_unit=spool.unit_done, progress=progress.update,
                    result=result)
        try:
            scan.run()
        except KeyboardInterrupt:
            result.complete = False
            result.incomplete_reasons.append("interrupted")
        finally:
            progress.close()
        if result.collection_errors:
            result.complete = False
            result.incomplete_reasons.append(f"{len(result.collection_errors)} collection error(s)")
        spool.footer(result)
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

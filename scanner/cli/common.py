"""Options every scan command shares."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from scanner.runner import ScanOptions

SEVERITIES = ["critical", "high", "medium", "low", "info", "none"]

_COMMON: list[Callable[[Callable[..., Any]], Callable[..., Any]]] = [
    click.option("--policy", type=click.Path(dir_okay=False),
                 help="Organization policy (govscan.yaml); it may only tighten the built-in baseline."),
    click.option("--format", "formats", multiple=True, default=("json",), show_default=True,
                 help="Report format; repeat for several: json sarif csv html junit ocsf markdown."),
    click.option("--output-dir", default="govscan-report", show_default=True, type=click.Path(file_okay=False),
                 help="Folder for the reports (govscan.json, govscan.sarif, ...) and the findings spool."),
    click.option("--fail-on", type=click.Choice(SEVERITIES), default="high", show_default=True,
                 help="Exit 1 when a FAIL at or above this severity remains ('none': never)."),
    click.option("--lang", type=click.Choice(["ja", "en"]), default="ja", show_default=True, help="Report language."),
    click.option("--quiet", is_flag=True, help="No progress and no summary on the console."),
    click.option("--workers", type=click.IntRange(1, 256), default=16, show_default=True,
                 help="Work units (scope x service x region) collected at once."),
    click.option("--framework", default=None, help="Run only the checks that reference this framework."),
    click.option("--redact", is_flag=True, help="Mask account ids, IP addresses and resource names in every report."),
    click.option("--split-by", type=click.Choice(["scope"]), default=None, help="Also write one report set per scope."),
    click.option("--baseline", type=click.Path(dir_okay=False), default=None,
                 help="Fail only on findings not in this baseline file."),
    click.option("--write-baseline", type=click.Path(dir_okay=False), default=None,
                 help="Write the current failures as a baseline file."),
    click.option("--store", default=None, envvar="GOVSCAN_STORE",
                 help="Record the scan in a store: a SQLite file (govscan.db) or a URL "
                      "(postgresql+psycopg://user@host/db). One transaction per finished scope."),
    click.option("--resume", default=None, metavar="SCAN_ID",
                 help="Complete an interrupted scan: collect only the units it did not finish "
                      "(from --store, else from the findings spool in --output-dir)."),
    click.option("--distributed", is_flag=True,
                 help="Send one task per scope to Celery workers (govscan worker); needs a PostgreSQL --store."),
    click.option("--broker", default=None, envvar="GOVSCAN_BROKER",
                 help="Celery broker URL for --distributed (default redis://127.0.0.1:6379/0)."),
    click.option("--queue", default="govscan", envvar="GOVSCAN_QUEUE", show_default=True,
                 help="Celery queue for --distributed."),
    click.option("--scope-concurrency", type=click.IntRange(0, 1024), default=0, show_default=True,
                 help="Rate budget: work units at once per scope (account/project/...); 0 = no limit."),
    click.option("--service-concurrency", type=click.IntRange(0, 1024), default=0, show_default=True,
                 help="Rate budget: work units at once per service within a scope; 0 = no limit."),
]

COMMON_NAMES = ("policy", "formats", "output_dir", "fail_on", "lang", "quiet", "workers", "framework", "redact",
                "split_by", "baseline", "write_baseline", "store", "resume", "distributed", "broker", "queue",
                "scope_concurrency", "service_concurrency")


def common_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a command with the shared scan options."""
    for option in reversed(_COMMON):
        function = option(function)
    return function


def options_from(kwargs: dict[str, Any]) -> tuple[ScanOptions, dict[str, Any]]:
    """Split command kwargs into shared scan options and the provider's target."""
    shared = {k: kwargs.pop(k) for k in COMMON_NAMES if k in kwargs}
    shared["formats"] = tuple(shared.get("formats") or ("json",))
    return ScanOptions(**shared), kwargs

"""`govscan demo`: a complete scan of bundled demo environments, with no account and no network."""

from __future__ import annotations

import contextlib
from importlib.metadata import entry_points
from typing import Any

import click

from scanner.cli.common import common_options, options_from
from scanner.plugins import load_provider
from scanner.runner import execute

DEMOS = "govscan.demos"


@click.command()
@common_options
def demo(**kwargs: Any) -> None:
    """Scan the bundled demo: an emulated AWS account (moto, in-process) seeded with compliant and
    non-compliant resources in Japanese and foreign regions, and example Terraform and
    CloudFormation for all five clouds. Writes the reports to --output-dir (default govscan-demo)."""
    if kwargs.get("output_dir") == "govscan-report":
        kwargs["output_dir"] = "govscan-demo"
    if tuple(kwargs.get("formats") or ()) == ("json",):
        kwargs["formats"] = ("json", "csv", "sarif", "html", "markdown")
    options, _ = options_from(kwargs)
    from scanner.plugins import report_names

    options.formats = tuple(f for f in options.formats if f in report_names())
    with contextlib.ExitStack() as stack:
        jobs: list[tuple[Any, dict[str, Any]]] = []
        targets: list[str] = []
        for ep in sorted(entry_points(group=DEMOS), key=lambda e: e.name):
            for provider_name, target in stack.enter_context(ep.load()()):
                jobs.append((load_provider(provider_name), target))
                targets.append(f"demo:{ep.name}:{provider_name}")
        code = execute(jobs, options, targets=targets)
    click.echo(f"demo reports written to {options.output_dir}/ (exit code of a real scan would be {code})")
    raise click.exceptions.Exit(0)

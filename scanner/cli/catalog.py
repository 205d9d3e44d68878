"""`govscan checks`, `govscan frameworks`, `govscan plugins`, `govscan version`."""

from __future__ import annotations

from importlib.metadata import entry_points
from importlib.metadata import version as dist_version
from typing import Any

import click

from scanner import __version__
from scanner.catalog import Catalog, Check, load_catalog
from scanner.errors import PluginError, UsageError
from scanner.plugins import PROVIDERS, REPORTS, load_provider, provider_names
from scanner.runner import dump_json


def emitted_kinds() -> dict[str, set[str]]:
    """Kinds each installed provider emits (providers whose extra is missing are left out)."""
    out: dict[str, set[str]] = {}
    for name in provider_names():
        try:
            out[name] = set(load_provider(name).kinds)
        except PluginError:
            continue
    return out


def check_record(c: Check, catalog: Catalog, emitted: dict[str, set[str]], lang: str) -> dict[str, Any]:
    """A check as `checks list --format json` prints it."""
    providers = catalog.providers_of(c, {k: v for k, v in emitted.items() if k != "iac"})
    iac_kinds = emitted.get("iac", set())
    return {
        "id": c.id,
        "category": c.category.value,
        "severity": c.severity.value,
        "title": c.title[lang],
        "providers": providers,
        "kinds": list(c.kinds),
        "live": c.live and bool(providers),
        "iac": c.iac and bool(set(c.kinds) & iac_kinds),
        "references": [str(r) for r in c.references],
        "remediation": c.remediation[lang],
        "params": dict(c.params),
    }


@click.group()
def checks() -> None:
    """List and show the checks of the catalog."""


@checks.command("list")
@click.option("--provider", default=None, help="Only checks that run on this provider.")
@click.option("--category", default=None, help="Only this category (residency, logging, identity, ...).")
@click.option("--framework", default=None, help="Only checks that reference this framework.")
@click.option("--lang", type=click.Choice(["ja", "en"]), default="ja", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def list_checks(provider: str | None, category: str | None, framework: str | None, lang: str, fmt: str) -> None:
    """Every check with its id, severity, providers and title."""
    catalog = load_catalog()
    if framework:
        catalog = catalog.restricted_to(framework)
    emitted = emitted_kinds()
    rows = [check_record(c, catalog, emitted, lang) for c in sorted(catalog.checks.values(), key=lambda c: c.id)]
    if provider:
        rows = [r for r in rows if provider in r["providers"]]
    if category:
        rows = [r for r in rows if r["category"] == category]
    if fmt == "json":
        click.echo(dump_json(rows))
        return
    for r in rows:
        click.echo(f"{r['id']}  {r['severity']:8}  {','.join(r['providers']) or '-':28}  {r['title']}")
    click.echo(f"({len(rows)} checks)")


@checks.command("show")
@click.argument("check_id")
@click.option("--lang", type=click.Choice(["ja", "en"]), default="ja", show_default=True)
def show_check(check_id: str, lang: str) -> None:
    """Everything about one check: what it reads, why, how to fix, which controls it supports."""
    catalog = load_catalog()
    c = catalog.checks.get(check_id)
    if c is None:
        raise UsageError(f"no check {check_id}")
    record = check_record(c, catalog, emitted_kinds(), lang)
    record["title_ja"], record["title_en"] = c.title.ja, c.title.en
    record["rule"] = c.require if c.require is not None else f"function {c.function.__module__}.{c.function.__name__}"  # type: ignore[union-attr]
    record["file"] = c.path
    click.echo(dump_json(record))


@click.group()
def frameworks() -> None:
    """The standards the checks support, with computed coverage."""


def framework_record(catalog: Catalog, name: str, lang: str, controls: bool) -> dict[str, Any]:
    """A framework with its coverage (controls covered by at least one check)."""
    fw = catalog.frameworks[name]
    cover = catalog.coverage(name)
    covered = sum(1 for ids in cover.values() if ids)
    record: dict[str, Any] = {
        "id": fw.id,
        "title": fw.title[lang],
        "edition": fw.edition,
        "relation": fw.relation,
        "controls_total": len(fw.controls),
        "controls_covered": covered,
        "coverage_percent": round(100.0 * covered / len(fw.controls), 1) if fw.controls else 0.0,
    }
    if controls:
        record["controls"] = [
            {"id": c.id, "title": c.title[lang], "checks": cover[c.id]} for c in fw.controls
        ]
    return record


@frameworks.command("list")
@click.option("--lang", type=click.Choice(["ja", "en"]), default="ja", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def list_frameworks(lang: str, fmt: str) -> None:
    """Every framework with its controls, their covering checks and the computed coverage."""
    catalog = load_catalog()
    rows = [framework_record(catalog, name, lang, controls=fmt == "json") for name in sorted(catalog.frameworks)]
    if fmt == "json":
        click.echo(dump_json(rows))
        return
    for r in rows:
        click.echo(f"{r['id']:16} {r['controls_covered']:>3}/{r['controls_total']:<3} {r['coverage_percent']:5.1f}%  {r['title']}")


@frameworks.command("show")
@click.argument("name")
@click.option("--lang", type=click.Choice(["ja", "en"]), default="ja", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def show_framework(name: str, lang: str, fmt: str) -> None:
    """One framework: its controls, the checks covering each, and the coverage percentage."""
    catalog = load_catalog()
    if name not in catalog.frameworks:
        raise UsageError(f"no framework {name}; known: {', '.join(sorted(catalog.frameworks))}")
    record = framework_record(catalog, name, lang, controls=True)
    if fmt == "json":
        click.echo(dump_json(record))
        return
    click.echo(f"{record['title']} ({record['edition']}) — {record['coverage_percent']}% "
               f"({record['controls_covered']}/{record['controls_total']})")
    click.echo(f"relation: {record['relation']} (coverage is computed from the checks that reference each control)")
    for c in record["controls"]:
        mark = "x" if c["checks"] else " "
        click.echo(f"  [{mark}] {c['id']:24} {c['title']}  {' '.join(c['checks'])}")


@click.command()
def plugins() -> None:
    """Installed providers and report formats, with their distributions and versions."""
    for group in (PROVIDERS, REPORTS):
        click.echo(group)
        for ep in sorted(entry_points(group=group), key=lambda e: e.name):
            dist = ep.dist.name if ep.dist else "?"
            click.echo(f"  {ep.name:12} {ep.value:32} {dist} {dist_version(dist) if ep.dist else ''}")


@click.command()
def version() -> None:
    """Print the govscan version."""
    click.echo(f"govscan {__version__}")

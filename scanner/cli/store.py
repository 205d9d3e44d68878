"""`govscan history`, `diff`, `followup`, `plan` and `status`: the store over time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from scanner.errors import UsageError
from scanner.runner import dump_json

STORE_HELP = "The store: a SQLite file or a URL (postgresql+psycopg://user@host/db). Default: govscan.db."


def store_option(function: Callable[..., Any]) -> Callable[..., Any]:
    """The --store option (also GOVSCAN_STORE)."""
    return click.option("--store", "store_url", default="govscan.db", envvar="GOVSCAN_STORE", show_default=True,
                        help=STORE_HELP)(function)


def _open(url: str) -> Any:
    from scanner.store import open_store

    return open_store(url)


@click.command()
@store_option
@click.option("--limit", type=click.IntRange(1, 10000), default=20, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def history(store_url: str, limit: int, fmt: str) -> None:
    """Recent scans with their counts, newest first."""
    from scanner.store.followup import history_rows

    rows = history_rows(_open(store_url), limit)
    if fmt == "json":
        click.echo(dump_json(rows))
        return
    for r in rows:
        c = r["counts"]
        state = "complete" if r["complete"] else ("running/incomplete" if not r["finished_at"] else "incomplete")
        click.echo(f"{r['scan_id']}  {r['started_at']}  {state:18}  FAIL={c['FAIL']} PASS={c['PASS']} "
                   f"UNKNOWN={c['UNKNOWN']} ERROR={c['ERROR']} MUTED={c['MUTED']}  {', '.join(r['targets'])}")
        for e in r["expired_exceptions"]:
            click.echo(f"    expired exception: {e['check']} {e['resource']} (expired {e['expires']})")
    click.echo(f"({len(rows)} scans)")


@click.command()
@click.argument("old", required=False)
@click.argument("new", required=False)
@store_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--lang", type=click.Choice(["ja", "en"]), default="ja", show_default=True)
def diff(old: str | None, new: str | None, store_url: str, fmt: str, lang: str) -> None:
    """What changed between two scans (default: the last two): new, fixed, still failing, changed severity."""
    from scanner.store.followup import diff as compute
    from scanner.store.followup import resolve_scans

    store = _open(store_url)
    old_id, new_id = resolve_scans(store, old, new)
    result = compute(store, old_id, new_id)
    if fmt == "json":
        click.echo(dump_json(result))
        return
    titles = {"ja": {"new": "新規の不適合", "fixed": "是正済み", "still_failing": "未是正", "changed_severity": "重大度の変更",
                     "not_rescanned": "未再診断 (スコープが今回の診断対象外)"},
              "en": {"new": "New failures", "fixed": "Fixed", "still_failing": "Still failing",
                     "changed_severity": "Changed severity", "not_rescanned": "Not rescanned (scope not in the new scan)"}}
    click.echo(f"{old_id} -> {new_id}: " + "  ".join(f"{k}={v}" for k, v in result["counts"].items()))
    for key, title in titles[lang].items():
        items = result[key]
        if not items:
            continue
        click.echo(f"-- {title} ({len(items)}) --")
        for i in items:
            sev = i["severity"] if key != "changed_severity" else f"{i['previous_severity']}->{i['severity']}"
            click.echo(f"  [{sev}] {i['check_id']} {i['provider']}/{i['scope']} {i['resource_name']} ({i['status']})")


@click.command()
@store_option
@click.option("--scan", "scan_id", default=None, help="Follow up as of this scan (default: the latest).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown", "csv"]), default="table", show_default=True)
@click.option("--lang", type=click.Choice(["ja", "en"]), default="ja", show_default=True)
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Judge due dates as of this day.")
@click.option("--output", type=click.Path(dir_okay=False), default=None, help="Write to a file instead of the console.")
def followup(store_url: str, scan_id: str | None, fmt: str, lang: str, today: dt.datetime | None, output: str | None) -> None:
    """フォローアップ: earlier failures with their state now (fixed, still failing) and their plans (overdue)."""
    from scanner.store.followup import followup as compute
    from scanner.store.followup import render_followup

    report = compute(_open(store_url), scan_id, today.date() if today else None)
    text = render_followup(report, "markdown" if fmt == "table" else fmt, lang)
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}")
    else:
        click.echo(text, nl=False)


@click.group()
def plan() -> None:
    """Remediation plans per finding (owner, due date, status, note)."""


@plan.command("set")
@click.argument("fingerprint")
@store_option
@click.option("--owner", default=None)
@click.option("--due", default=None, help="YYYY-MM-DD")
@click.option("--status", default=None, help="open, in_progress, done, risk_accepted (or 未着手, 対応中, 完了, リスク受容)")
@click.option("--note", default=None)
def plan_set(fingerprint: str, store_url: str, owner: str | None, due: str | None, status: str | None,
             note: str | None) -> None:
    """Create or update the plan of one finding (by fingerprint)."""
    from scanner.store.followup import parse_due, parse_status

    store = _open(store_url)
    if not store.known_fingerprints([fingerprint]):
        raise UsageError(f"unknown fingerprint {fingerprint} (not in any scan of the store)")
    try:
        due_date = parse_due(due) if due else None
        status_value = parse_status(status) if status else None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    saved = store.set_plan(fingerprint, owner, due_date, status_value, note)
    click.echo(dump_json({**saved, "due": saved["due"].isoformat() if saved["due"] else None}))


@plan.command("list")
@store_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def plan_list(store_url: str, fmt: str) -> None:
    """Every remediation plan."""
    rows = [{**p, "due": p["due"].isoformat() if p["due"] else None} for p in _open(store_url).plans().values()]
    if fmt == "json":
        click.echo(dump_json(rows))
        return
    for p in rows:
        click.echo(f"{p['fingerprint']}  {p['status']:13} {p['due'] or '-':10}  {p['owner']}  {p['note']}")
    click.echo(f"({len(rows)} plans)")


@plan.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False))
@store_option
def plan_import(csv_file: str, store_url: str) -> None:
    """Import plans from a CSV sent back by an organization (UTF-8 with or without BOM; ja or en headers).

    Nothing is imported when a row is bad: every bad row is reported with its line number.
    """
    from scanner.store.followup import read_plan_csv

    store = _open(store_url)
    items, problems = read_plan_csv(Path(csv_file).read_bytes(), store.known_fingerprints)
    if problems:
        for p in problems:
            click.echo(f"{csv_file}:{p}", err=True)
        raise UsageError(f"{len(problems)} bad row(s); nothing imported", csv_file)
    store.set_plans(items)
    click.echo(f"imported {len(items)} plan(s) from {csv_file}")


@click.command()
@click.argument("scan_id", required=False)
@store_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def status(scan_id: str | None, store_url: str, fmt: str) -> None:
    """Progress of a scan (default: the latest): scopes finished, findings and API calls so far."""
    store = _open(store_url)
    if scan_id is None:
        ids = store.scan_ids()
        if not ids:
            raise UsageError("the store has no scan yet")
        scan_id = ids[-1]
    p = store.progress(scan_id)
    if fmt == "json":
        click.echo(dump_json(p))
        return
    state = "complete" if p["complete"] else ("finished, incomplete" if p["finished_at"] else "running")
    click.echo(f"{p['scan_id']}: {state}, scopes {p['scopes_finished']}/{p['scopes']} ({p['percent']}%), "
               f"findings {p['findings']}, collection errors {p['collection_errors']}, API calls {p['api_calls']}")
    click.echo("  by status: " + "  ".join(f"{k}={v}" for k, v in sorted(p["scopes_by_status"].items())))
    if p["workers"]:
        click.echo("  workers: " + ", ".join(p["workers"]))

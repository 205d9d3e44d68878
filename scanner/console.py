"""The console: a progress line while scanning and a summary table at the end."""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from pathlib import Path

import click

from scanner.model import ScanResult, Severity, Status
from scanner.plugins import WorkUnit

_LABELS = {
    "ja": {
        "summary": "診断結果", "status": "判定", "failures": "重大度別の不適合", "category": "カテゴリ別の不適合",
        "top": "主な不適合", "errors": "収集エラー", "reports": "レポート", "incomplete": "診断は完了していません",
        "calls": "API 呼び出し", "none": "なし", "scan": "診断 ID", "budget": "レート制限",
        "expired": "失効した例外承認", "lapsed": "例外の失効により無効になった緩和",
    },
    "en": {
        "summary": "Scan summary", "status": "Status", "failures": "Failures by severity",
        "category": "Failures by category", "top": "Top failures", "errors": "Collection errors",
        "reports": "Reports", "incomplete": "The scan is incomplete", "calls": "API calls", "none": "none",
        "scan": "Scan id", "budget": "Rate budget", "expired": "Expired exceptions",
        "lapsed": "Loosenings dropped because their exception expired",
    },
}


class Progress:
    """A one-line progress display on a terminal; silent elsewhere."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.started = 0
        self.done = 0
        self.resources = 0
        self._lock = threading.Lock()

    def update(self, event: str, unit: WorkUnit, seen: int) -> None:
        """Called by the engine when a unit starts or finishes."""
        with self._lock:
            if event == "start":
                self.started += 1
            else:
                self.done += 1
                self.resources += seen
            if self.enabled:
                sys.stderr.write(f"\r\x1b[K[{self.done}/{self.started}] {self.resources} resources  {unit.label}")
                sys.stderr.flush()

    def close(self) -> None:
        """End the progress line."""
        if self.enabled:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def print_summary(result: ScanResult, lang: str, out: Path, formats: Sequence[str], fail_on: str = "high") -> None:
    """Counts by status, severity and category, the top failures, collection errors, report paths."""
    t = _LABELS["en" if lang == "en" else "ja"]
    echo = click.echo
    counts = result.counts()
    echo(f"\n== {t['summary']} ==")
    echo(f"{t['status']}: " + "  ".join(f"{s}={counts[s]}" for s in counts))
    fails = [f for f in result.findings if f.status is Status.FAIL]
    by_sev = {s.value: 0 for s in Severity}
    by_cat: dict[str, int] = {}
    for f in fails:
        by_sev[f.severity.value] += 1
        by_cat[f.category] = by_cat.get(f.category, 0) + 1
    echo(f"{t['failures']}: " + "  ".join(f"{k}={v}" for k, v in by_sev.items()))
    echo(f"{t['category']}: " + ("  ".join(f"{k}={v}" for k, v in sorted(by_cat.items())) or t["none"]))
    if result.api_calls:
        echo(f"{t['calls']}: " + "  ".join(f"{k}={v}" for k, v in sorted(result.api_calls.items())))
    if result.budgets:
        b = result.budgets
        peak_scope = f" (peak {b['peak_scope']})" if "peak_scope" in b else ""
        peak_service = f" (peak {b['peak_service']})" if "peak_service" in b else ""
        echo(f"{t['budget']}: per scope {b.get('per_scope') or '-'}{peak_scope}, "
             f"per service {b.get('per_service') or '-'}{peak_service}")
    expired = [e for e in result.policy.get("exceptions", []) if e.get("expired")]
    if expired:
        echo(f"-- {t['expired']} ({len(expired)}) --")
        for e in expired:
            echo(f"  {e['check']} {e['resource']} ({e['scope']}) expired {e['expires']}: {e['reason']} / {e['approver']}")
    for item in result.policy.get("lapsed", []):
        echo(f"  {t['lapsed']}: {item}")
    if fails:
        echo(f"-- {t['top']} --")
        for f in sorted(fails, key=lambda f: f.sort_key())[:10]:
            where = f"{f.origin.file}:{f.origin.line}" if f.origin.type == "iac" else f.location
            echo(f"  [{f.severity.value:8}] {f.check_id} {f.provider}/{f.scope} {f.resource_name} ({where})")
            echo(f"             {f.message[lang]}")
    if result.collection_errors:
        echo(f"-- {t['errors']} ({len(result.collection_errors)}) --")
        for e in result.collection_errors[:20]:
            echo(f"  {e.provider}/{e.scope} {e.service} {e.region} {e.operation}: {e.reason}")
    if not result.complete:
        echo(f"!! {t['incomplete']}: " + "; ".join(result.incomplete_reasons))
    if result.scan_id:
        echo(f"{t['scan']}: {result.scan_id}")
    echo(f"{t['reports']}: {out.resolve()}  ({', '.join(formats)})")

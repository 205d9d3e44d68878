"""A Markdown summary for a pull request comment: counts, the top failures with file:line, collection errors."""

from __future__ import annotations

from reports.fields import sorted_findings
from reports.sarif import relative_uri
from scanner.model import Finding, ScanResult, Status

TOP = 25
_T = {
    "title": {"ja": "govscan 診断結果", "en": "govscan results"},
    "incomplete": {"ja": "⚠️ 診断は完了していません", "en": "⚠️ The scan is incomplete"},
    "complete": {"ja": "✅ 診断は完了しました", "en": "✅ The scan is complete"},
    "failures": {"ja": "主な不適合", "en": "Top failures"},
    "none": {"ja": "不適合はありません。", "en": "No failures."},
    "errors": {"ja": "収集エラー", "en": "Collection errors"},
    "more": {"ja": "ほか {n} 件", "en": "and {n} more"},
    "baseline": {"ja": "ベースライン済み", "en": "in baseline"},
    "unknown": {"ja": "判定不能 (UNKNOWN/ERROR)", "en": "Undetermined (UNKNOWN/ERROR)"},
    "columns": {"ja": "| 重大度 | チェック | リソース | 場所 | 内容 |", "en": "| Severity | Check | Resource | Where | Message |"},
}


def _cell(text: str) -> str:
    # Names and messages are untrusted: keep them inside their table cell and out of Markdown/HTML syntax.
    escaped = text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("\r", " ")
    for ch in "<>`*_[]":
        escaped = escaped.replace(ch, "\\" + ch)
    return escaped


def _where(f: Finding) -> str:
    if f.origin.type == "iac" and f.origin.file:
        return f"`{relative_uri(f.origin.file)}:{f.origin.line or 1}`".replace("|", "\\|")
    return _cell(f"{f.scope} {f.location}")


def render(result: ScanResult, lang: str) -> bytes:
    """Pure: the same result and language always give the same bytes."""
    t = {k: v["en" if lang == "en" else "ja"] for k, v in _T.items()}
    counts = result.counts()
    lines = [f"## {t['title']}", ""]
    lines.append(t["complete"] if result.complete else f"{t['incomplete']}: {_cell('; '.join(result.incomplete_reasons))}")
    lines.append("")
    lines.append("| " + " | ".join(s.value for s in Status) + " |")
    lines.append("|" + "---:|" * len(Status))
    lines.append("| " + " | ".join(str(counts[s.value]) for s in Status) + " |")
    lines.append("")
    findings = sorted_findings(result)
    fails = [f for f in findings if f.status is Status.FAIL]
    lines += [f"### {t['failures']} ({len(fails)})", ""]
    if not fails:
        lines += [t["none"], ""]
    else:
        lines += [t["columns"], "|---|---|---|---|---|"]
        for f in fails[:TOP]:
            mark = f" ({t['baseline']})" if f.baselined else ""
            lines.append(f"| {f.severity.value}{mark} | {f.check_id} | {_cell(f.resource_id)} | {_where(f)} | "
                         f"{_cell(f.message[lang])} |")
        if len(fails) > TOP:
            lines.append("")
            lines.append(t["more"].format(n=len(fails) - TOP))
        lines.append("")
    undetermined = [f for f in findings if f.status in (Status.UNKNOWN, Status.ERROR)]
    if undetermined:
        lines += [f"<details><summary>{t['unknown']}: {len(undetermined)}</summary>", "", t["columns"], "|---|---|---|---|---|"]
        for f in undetermined[:TOP]:
            lines.append(f"| {f.status.value} | {f.check_id} | {_cell(f.resource_id)} | {_where(f)} | {_cell(f.message[lang])} |")
        lines += ["", "</details>", ""]
    if result.collection_errors:
        lines += [f"### {t['errors']} ({len(result.collection_errors)})", ""]
        for error in result.collection_errors:
            lines.append(f"- {_cell(f'{error.provider}/{error.scope}/{error.service}')}: {_cell(error.reason)}")
        lines.append("")
    return "\n".join(lines).encode()

"""History, diffs between scans, the follow-up report (フォローアップ) and remediation plan import."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from typing import Any

from scanner.errors import UsageError
from scanner.model import Severity, Status
from scanner.store import Store

PLAN_STATUSES = ("open", "in_progress", "done", "risk_accepted")
_STATUS_ALIASES = {
    "open": "open", "未着手": "open", "未対応": "open", "todo": "open",
    "in_progress": "in_progress", "in progress": "in_progress", "in-progress": "in_progress", "対応中": "in_progress",
    "done": "done", "完了": "done", "対応済": "done", "対応済み": "done", "fixed": "done",
    "risk_accepted": "risk_accepted", "accepted": "risk_accepted", "リスク受容": "risk_accepted",
}
STATUS_LABELS = {
    "ja": {"open": "未着手", "in_progress": "対応中", "done": "完了", "risk_accepted": "リスク受容", "": "計画なし"},
    "en": {"open": "open", "in_progress": "in progress", "done": "done", "risk_accepted": "risk accepted", "": "no plan"},
}
OUTCOME_LABELS = {
    "ja": {"fixed": "是正済み", "still_failing": "未是正", "excepted": "例外承認中", "unknown": "判定不能",
           "not_rescanned": "未再診断"},
    "en": {"fixed": "fixed", "still_failing": "still failing", "excepted": "excepted", "unknown": "cannot tell",
           "not_rescanned": "not rescanned"},
}
# Plan CSV headers: the follow-up CSV's own headers (ja and en) and common alternatives.
_HEADERS = {
    "fingerprint": ("fingerprint", "フィンガープリント", "指摘id", "指摘 id", "id"),
    "owner": ("owner", "担当者", "担当", "責任者"),
    "due": ("due", "due date", "due_date", "期限", "対応期限", "期日"),
    "status": ("status", "plan status", "対応状況", "状態", "ステータス"),
    "note": ("note", "notes", "備考", "メモ", "コメント"),
}


def resolve_scans(store: Store, old: str | None, new: str | None) -> tuple[str, str]:
    """The two scans to compare: given ids, or the last two scans of the store."""
    ids = store.scan_ids()
    if new is None:
        if len(ids) < 2 and old is None:
            raise UsageError(f"diff needs two scans in the store (found {len(ids)})")
        new = ids[-1]
    if old is None:
        earlier = [i for i in ids if i != new and ids.index(i) < ids.index(new)] if new in ids else []
        if not earlier:
            raise UsageError(f"no scan before {new} to compare with")
        old = earlier[-1]
    for scan_id in (old, new):
        if store.scan(scan_id) is None:
            raise UsageError(f"no scan {scan_id} in the store")
    return old, new


def diff(store: Store, old: str, new: str) -> dict[str, Any]:
    """New failures, fixed ones, those still failing, and failures whose severity changed, from OLD to NEW.

    A failure whose scope NEW did not scan is `not_rescanned`, never `fixed`.
    """
    a, b = store.finding_rows(old), store.finding_rows(new)
    scanned = store.scanned_scopes(new)
    out: dict[str, list[dict[str, Any]]] = {"new": [], "fixed": [], "still_failing": [], "changed_severity": [],
                                            "not_rescanned": []}
    for fp, new_row in b.items():
        before = a.get(fp)
        if new_row["status"] == Status.FAIL and (before is None or before["status"] != Status.FAIL):
            out["new"].append(_item(new_row, before))
    for fp, before in a.items():
        if before["status"] != Status.FAIL:
            continue
        row: dict[str, Any] | None = b.get(fp)
        if row is not None and row["status"] == Status.FAIL:
            out["still_failing"].append(_item(row, before))
            if row["severity"] != before["severity"]:
                out["changed_severity"].append(_item(row, before))
        elif row is None and (before["provider"], before["scope"]) not in scanned:
            out["not_rescanned"].append(_item(before, None))
        elif row is None or row["status"] in (Status.PASS, Status.MUTED):
            out["fixed"].append(_item(row or before, before, gone=row is None))
        else:  # UNKNOWN or ERROR now: cannot call it fixed
            out["still_failing"].append(_item(row, before))
    for items in out.values():
        items.sort(key=lambda r: (-Severity(r["severity"]).rank, r["check_id"], r["scope"], r["resource_id"]))
    return {"old_scan": old, "new_scan": new, "counts": {k: len(v) for k, v in out.items()}, **out}


def _item(row: Mapping[str, Any], before: Mapping[str, Any] | None, gone: bool = False) -> dict[str, Any]:
    return {
        "fingerprint": row["fingerprint"], "check_id": row["check_id"], "provider": row["provider"],
        "scope": row["scope"], "location": row["location"], "resource_id": row["resource_id"],
        "resource_name": row["resource_name"], "severity": row["severity"],
        "status": "GONE" if gone else row["status"],
        "previous_status": before["status"] if before else None,
        "previous_severity": before["severity"] if before else None,
        "message": {"ja": row["message_ja"], "en": row["message_en"]},
    }


def followup(store: Store, scan_id: str | None = None, today: dt.date | None = None) -> dict[str, Any]:
    """Every failure seen before the latest scan, with what the latest scan says and its remediation plan."""
    today = today or dt.date.today()
    ids = store.scan_ids()
    if not ids:
        raise UsageError("the store has no scan yet")
    latest = scan_id or ids[-1]
    current = store.finding_rows(latest)
    scanned = store.scanned_scopes(latest)
    earlier = store.failed_before(latest)
    last = store.last_failure([s["fingerprint"] for s in earlier])
    all_plans = store.plans()
    items = []
    for state in earlier:
        fp = state["fingerprint"]
        row = current.get(fp)
        if row is None:
            outcome = "fixed" if (state["provider"], state["scope"]) in scanned else "not_rescanned"
        else:
            outcome = {Status.FAIL: "still_failing", Status.PASS: "fixed", Status.MUTED: "excepted"}.get(
                Status(row["status"]), "unknown")
        plan = all_plans.get(fp)
        due = plan["due"] if plan else None
        overdue = bool(plan and due and due < today and outcome != "fixed" and plan["status"] != "done")
        failed = last.get(fp, {})
        items.append({
            "fingerprint": fp, "check_id": state["check_id"], "provider": state["provider"], "scope": state["scope"],
            "resource_id": state["resource_id"], "resource_name": failed.get("resource_name", ""),
            "severity": failed.get("severity", ""), "title": failed.get("title", {"ja": "", "en": ""}),
            "remediation": failed.get("remediation", {"ja": "", "en": ""}),
            "first_failed": state["first_failed"], "last_failed": state["last_failed"], "outcome": outcome,
            "plan": {"owner": plan["owner"], "due": due.isoformat() if due else None, "status": plan["status"],
                     "note": plan["note"]} if plan else None,
            "overdue": overdue,
        })
    items.sort(key=lambda r: (r["outcome"] == "fixed", not r["overdue"], -_rank(r["severity"]), r["check_id"],
                              r["scope"], r["resource_id"]))
    counts = {k: sum(1 for i in items if i["outcome"] == k) for k in OUTCOME_LABELS["en"]}
    counts["overdue"] = sum(1 for i in items if i["overdue"])
    counts["no_plan"] = sum(1 for i in items if i["plan"] is None and i["outcome"] != "fixed")
    return {"scan_id": latest, "today": today.isoformat(), "counts": counts, "items": items}


def _rank(severity: str) -> int:
    try:
        return Severity(severity).rank
    except ValueError:
        return -1


_CSV_COLUMNS = {
    "ja": ["フィンガープリント", "チェック", "重大度", "プロバイダ", "スコープ", "リソース", "タイトル", "初回検出", "最終不適合",
           "現状", "期限超過", "担当者", "期限", "対応状況", "備考"],
    "en": ["fingerprint", "check", "severity", "provider", "scope", "resource", "title", "first failed", "last failed",
           "outcome", "overdue", "owner", "due", "status", "note"],
}


_RULE = "|---|---|---|---|---|---|---|---|---|"


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # a cell starting with = + - @ would run as a formula in Excel
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def render_followup(report: Mapping[str, Any], fmt: str, lang: str) -> str:
    """The follow-up report as json, markdown or csv (UTF-8 with BOM, importable back with `plan import`)."""
    if fmt == "json":
        import json

        return json.dumps(report, ensure_ascii=False, indent=2)
    outcome_label, plan_label = OUTCOME_LABELS[lang], STATUS_LABELS[lang]
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(_CSV_COLUMNS[lang])
        for i in report["items"]:
            plan = i["plan"] or {}
            writer.writerow([_cell(v) for v in (
                i["fingerprint"], i["check_id"], i["severity"], i["provider"], i["scope"], i["resource_name"] or
                i["resource_id"], i["title"][lang], i["first_failed"], i["last_failed"], outcome_label[i["outcome"]],
                ("はい" if lang == "ja" else "yes") if i["overdue"] else "", plan.get("owner", ""), plan.get("due") or "",
                plan_label[plan.get("status", "")] if plan else "", plan.get("note", ""))])
        return "\ufeff" + buf.getvalue()
    c = report["counts"]
    if lang == "ja":
        lines = [f"# フォローアップ報告 (診断 {report['scan_id']}, {report['today']} 時点)", "",
                 f"是正済み {c['fixed']} 件 / 未是正 {c['still_failing']} 件 / 期限超過 {c['overdue']} 件 / "
                 f"計画なし {c['no_plan']} 件 / 未再診断 {c['not_rescanned']} 件", "",
                 "| 現状 | 期限超過 | 重大度 | チェック | スコープ | リソース | 担当者 | 期限 | 対応状況 |", _RULE]
    else:
        lines = [f"# Follow-up report (scan {report['scan_id']}, as of {report['today']})", "",
                 f"fixed {c['fixed']} / still failing {c['still_failing']} / overdue {c['overdue']} / "
                 f"no plan {c['no_plan']} / not rescanned {c['not_rescanned']}", "",
                 "| outcome | overdue | severity | check | scope | resource | owner | due | plan |", _RULE]
    for i in report["items"]:
        plan = i["plan"] or {}
        cells = [outcome_label[i["outcome"]], "⚠" if i["overdue"] else "", i["severity"], i["check_id"], i["scope"],
                 i["resource_name"] or i["resource_id"], plan.get("owner", ""), plan.get("due") or "",
                 plan_label[plan.get("status", "")]]
        lines.append("| " + " | ".join(str(x).replace("|", "\\|") for x in cells) + " |")
    return "\n".join(lines) + "\n"


def parse_due(text: str) -> dt.date:
    """A due date: YYYY-MM-DD or YYYY/MM/DD (month and day may have one digit)."""
    parts = text.strip().replace("/", "-").replace(".", "-").split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError(f"due date {text!r} is not YYYY-MM-DD")
    return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))


def parse_status(text: str) -> str:
    """A plan status from its English or Japanese name."""
    key = text.strip().lower()
    if key not in _STATUS_ALIASES:
        raise ValueError(f"status {text!r} is not one of {', '.join(PLAN_STATUSES)} (未着手, 対応中, 完了, リスク受容)")
    return _STATUS_ALIASES[key]


def read_plan_csv(data: bytes, known: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """Plans from a CSV an organization sent back (UTF-8, with or without BOM; ja or en headers).

    Returns the plans and the problems, each `line N: ...`; `known(fingerprints)` says which exist.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [f"line 1: not UTF-8 ({exc.reason} at byte {exc.start}); save the file as UTF-8 (CSV UTF-8)"]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return [], ["line 1: the file is empty"]
    except csv.Error as exc:
        return [], [f"line 1: {exc}"]
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        norm = name.strip().lower()
        for field, names in _HEADERS.items():
            if norm in names and field not in columns:
                columns[field] = index
    if "fingerprint" not in columns:
        return [], ["line 1: no fingerprint column (fingerprint / フィンガープリント)"]
    if len(columns) == 1:
        return [], ["line 1: no plan column (owner/担当者, due/期限, status/対応状況, note/備考)"]
    rows: list[tuple[int, dict[str, Any]]] = []
    problems: list[str] = []
    start = reader.line_num + 1
    while True:
        try:
            raw = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(f"line {start}: {exc}")
            break
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in raw):
            continue
        cells = {f: raw[i].strip() if i < len(raw) else "" for f, i in columns.items()}
        item: dict[str, Any] = {"fingerprint": cells["fingerprint"]}
        try:
            if not item["fingerprint"]:
                raise ValueError("empty fingerprint")
            if cells.get("owner"):
                item["owner"] = cells["owner"]
            if cells.get("due"):
                item["due"] = parse_due(cells["due"])
            if cells.get("status"):
                item["status"] = parse_status(cells["status"])
            if cells.get("note"):
                item["note"] = cells["note"]
        except ValueError as exc:
            problems.append(f"line {line}: {exc}")
            continue
        rows.append((line, item))
    existing = known([item["fingerprint"] for _, item in rows])
    for line, item in rows:
        if item["fingerprint"] not in existing:
            problems.append(f"line {line}: unknown fingerprint {item['fingerprint']!r} (not in any scan of the store)")
    problems.sort(key=lambda p: int(p.split(":")[0].removeprefix("line ")))
    return [item for _, item in rows], problems


def history_rows(store: Store, limit: int = 50) -> list[dict[str, Any]]:
    """Recent scans as plain data, newest first."""
    out = []
    for r in store.scans(limit):
        out.append({"scan_id": r["id"], "started_at": r["started_at"], "finished_at": r["finished_at"],
                    "complete": bool(r["complete"]), "distributed": bool(r["distributed"]), "targets": r["targets"],
                    "counts": r["counts"], "api_calls": r["api_calls"], "tool_version": r["tool_version"],
                    "budgets": r["budgets"], "expired_exceptions": [
                        e for e in (r["policy"] or {}).get("exceptions", []) if e.get("expired")]})
    return out


__all__: Sequence[str] = ("diff", "followup", "history_rows", "read_plan_csv", "render_followup", "resolve_scans")

"""Findings as CSV that Excel opens with Japanese text intact (UTF-8 with BOM)."""

from __future__ import annotations

import csv
import io

from reports.fields import finding_record, sorted_findings
from scanner.model import ScanResult

HEADER = (
    "status", "severity", "check_id", "title", "category", "provider", "scope", "location",
    "resource_id", "resource_name", "resource_kind", "message", "remediation", "references",
    "file", "line", "fingerprint",
)

# Cells starting with these run as formulas in Excel; resource names are attacker-controlled.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """Text of a cell, with a leading quote where Excel would read a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def render(result: ScanResult, lang: str) -> bytes:
    """Pure: one row per finding, then one row per collection error."""
    buffer = io.StringIO()
    rows = csv.writer(buffer, lineterminator="\r\n")
    rows.writerow(HEADER)
    for f in sorted_findings(result):
        r = finding_record(f, lang)
        origin = r["origin"]
        rows.writerow([safe_cell(v) for v in (
            r["status"], r["severity"], r["check_id"], r["title"], r["category"], r["provider"], r["scope"],
            r["location"], r["resource_id"], r["resource_name"], r["resource_kind"], r["message"], r["remediation"],
            " ".join(r["references"]), origin.get("file", ""), origin.get("line", ""), r["fingerprint"],
        )])
    for e in result.collection_errors:
        rows.writerow([safe_cell(v) for v in (
            "COLLECTION_ERROR", "", "", f"{e.service} {e.operation}", "", e.provider, e.scope, e.region,
            "", "", ",".join(e.kinds), e.reason, "", "", "", "", "",
        )])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")

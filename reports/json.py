"""The native format, `govscan.json`, described by `reports/schema/govscan.schema.json`."""

from __future__ import annotations

import json
from typing import Any

from reports.fields import finding_record, sorted_findings, summary
from scanner.model import ScanResult


def document(result: ScanResult, lang: str) -> dict[str, Any]:
    """The JSON document as data."""
    return {
        "tool": result.tool,
        "version": result.version,
        "lang": lang,
        "started_at": result.started_at,
        "finished_at": result.finished_at,
        "complete": result.complete,
        "incomplete_reasons": list(result.incomplete_reasons),
        "targets": list(result.targets),
        "policy": dict(result.policy),
        "inventory": {p: dict(sorted(k.items())) for p, k in sorted(result.inventory.items())},
        "api_calls": dict(sorted(result.api_calls.items())),
        "timings": dict(result.timings),
        "summary": summary(result),
        "collection_errors": [e.as_dict() for e in result.collection_errors],
        "findings": [finding_record(f, lang) for f in sorted_findings(result)],
    }


def render(result: ScanResult, lang: str) -> bytes:
    """Pure: the same result and language always give the same bytes.

    The header is indented for people; each finding is one compact line, so a report of tens of
    thousands of findings stays fast to write and easy to grep.
    """
    doc = document(result, lang)
    findings = doc.pop("findings")
    head = json.dumps(doc, ensure_ascii=False, indent=2)
    body = ",\n".join("    " + json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in findings)
    tail = '  "findings": [\n' + body + "\n  ]\n}" if findings else '  "findings": []\n}'
    return (head[:-2] + ",\n" + tail + "\n").encode()

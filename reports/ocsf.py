"""Findings as OCSF Compliance Finding events (class_uid 2003), one JSON object per line, for a SIEM.

Mapping from the OCSF schema (ocsf/ocsf-schema: events/findings/compliance_finding.json,
events/findings/finding.json, events/base_event.json, objects/compliance.json):
- class 2003 "Compliance Finding" in category 2 "Findings"; activity 1 "Create"; type_uid = 200301.
- severity_id: info 1 Informational, low 2, medium 3, high 4, critical 5.
- compliance.status_id: PASS 1 Pass, FAIL 3 Fail, UNKNOWN 2 Warning ("did not yield a result due to
  missing information"), ERROR 99 Other (status "Error"), MUTED 3 Fail with the finding's own
  status_id 3 Suppressed (an approved exception does not make the resource compliant).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from reports.fields import sorted_findings
from scanner.model import CollectionError, Finding, ScanResult, Status

OCSF_VERSION = "1.3.0"
CLASS_UID, CATEGORY_UID, ACTIVITY_CREATE = 2003, 2, 1

SEVERITY_ID = {"info": 1, "low": 2, "medium": 3, "high": 4, "critical": 5}
SEVERITY_NAME = {1: "Informational", 2: "Low", 3: "Medium", 4: "High", 5: "Critical"}
COMPLIANCE_STATUS = {
    Status.PASS: (1, "Pass"),
    Status.FAIL: (3, "Fail"),
    Status.UNKNOWN: (2, "Warning"),
    Status.ERROR: (99, "Error"),
    Status.MUTED: (3, "Fail"),
}


def _epoch_ms(iso: str) -> int:
    """OCSF `time` is a timestamp in milliseconds since the epoch."""
    if not iso:
        return 0
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(UTC).timestamp() * 1000)


def _metadata(result: ScanResult, lang: str) -> dict[str, Any]:
    return {
        "version": OCSF_VERSION,
        "product": {"name": "govscan", "vendor_name": "govscan project", "version": result.version},
        "log_name": "govscan",
        "profiles": ["cloud"],
        "labels": [f"lang:{lang}"],
    }


def event(f: Finding, result: ScanResult, lang: str) -> dict[str, Any]:
    """One finding as one OCSF Compliance Finding event."""
    severity_id = SEVERITY_ID[f.severity.value]
    status_id, status = COMPLIANCE_STATUS[f.status]
    standards = sorted({r.framework for r in f.references})
    resource: dict[str, Any] = {
        "uid": f.resource_id,
        "name": f.resource_name,
        "type": f.native_type,
        "region": f.location,
        "group": {"name": f.resource_kind},
        "data": {"evidence": dict(f.evidence)} if f.evidence else None,
    }
    if f.origin.type == "iac":
        resource["data"] = {**(resource["data"] or {}), "file": f.origin.file, "line": f.origin.line}
    data: dict[str, Any] = {
        "class_uid": CLASS_UID,
        "class_name": "Compliance Finding",
        "category_uid": CATEGORY_UID,
        "category_name": "Findings",
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "type_uid": CLASS_UID * 100 + ACTIVITY_CREATE,
        "type_name": "Compliance Finding: Create",
        "severity_id": severity_id,
        "severity": SEVERITY_NAME[severity_id],
        "time": _epoch_ms(result.finished_at or result.started_at),
        "status_id": 3 if f.status is Status.MUTED else 1,
        "status": "Suppressed" if f.status is Status.MUTED else "New",
        "message": f.message[lang],
        "metadata": _metadata(result, lang),
        "cloud": {"provider": f.provider, "account": {"uid": f.scope}, "region": f.location},
        "finding_info": {
            "uid": f.fingerprint,
            "title": f.title[lang],
            "desc": f.message[lang],
            "types": [f.category],
            "analytic": {"uid": f.check_id, "name": f.check_id, "type_id": 1, "type": "Rule"},
        },
        "compliance": {
            "control": f.check_id,
            "standards": standards or ["govscan"],
            "requirements": [str(r) for r in f.references],
            "status_id": status_id,
            "status": status,
            "status_detail": f.muted_reason or f.message[lang],
        },
        "resources": [{k: v for k, v in resource.items() if v is not None}],
        "remediation": {"desc": f.remediation[lang]},
        "unmapped": {"govscan": {"status": f.status.value, "origin": f.origin.as_dict()}},
    }
    return data


def error_event(e: CollectionError, result: ScanResult, lang: str) -> dict[str, Any]:
    """A collection error as a Compliance Finding whose status is Warning: what could not be checked."""
    title = {"ja": "収集エラー", "en": "Collection error"}["en" if lang == "en" else "ja"]
    desc = f"{e.service} {e.region} {e.operation}: {e.reason}"
    return {
        "class_uid": CLASS_UID, "class_name": "Compliance Finding", "category_uid": CATEGORY_UID,
        "category_name": "Findings", "activity_id": ACTIVITY_CREATE, "activity_name": "Create",
        "type_uid": CLASS_UID * 100 + ACTIVITY_CREATE, "type_name": "Compliance Finding: Create",
        "severity_id": 3, "severity": "Medium", "time": _epoch_ms(result.finished_at or result.started_at),
        "status_id": 1, "status": "New", "message": desc,
        "metadata": _metadata(result, lang),
        "cloud": {"provider": e.provider, "account": {"uid": e.scope}, "region": e.region},
        "finding_info": {"uid": f"collection-error:{e.provider}:{e.scope}:{e.service}:{e.region}:{e.operation}",
                         "title": title, "desc": desc, "types": ["collection_error"]},
        "compliance": {"standards": ["govscan"], "status_id": 2, "status": "Warning", "status_detail": e.reason},
        "resources": [{"type": k, "region": e.region} for k in e.kinds] or [{"type": e.service, "region": e.region}],
        "unmapped": {"govscan": {"collection_error": e.as_dict()}},
    }


def render(result: ScanResult, lang: str) -> bytes:
    """Pure: one OCSF event per finding, then one per collection error, as JSON Lines."""
    lines = [event(f, result, lang) for f in sorted_findings(result)]
    lines += [error_event(e, result, lang) for e in result.collection_errors]
    return "".join(json.dumps(x, ensure_ascii=False, sort_keys=True) + "\n" for x in lines).encode("utf-8")

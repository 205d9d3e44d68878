"""SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps).

Rules carry the check's title and remediation in the report language and a help URI; results carry
the file and line of code findings (`physicalLocation`) or the cloud resource of live findings
(`logicalLocations`), a level from the severity, and `partialFingerprints` from the finding
fingerprint so alerts stay stable across runs. PASS findings are not results. UNKNOWN and ERROR are
warnings (never silently dropped); MUTED findings are results with an in-source suppression;
findings in the baseline are `baselineState: unchanged`. Collection errors are tool execution
notifications.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

from reports.fields import sorted_findings
from scanner.model import Finding, ScanResult, Status

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/govscan/govscan"
HELP_BASE = os.environ.get("GOVSCAN_HELP_BASE", "https://github.com/govscan/govscan/blob/main/docs/checks.md#")
_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
# GitHub code scanning reads `security-severity` (0.0-10.0) to rank security alerts.
_SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "0.0"}
_COLLECTION_ERROR = ("収集エラー: 一部を読み取れませんでした", "Collection error: part of the target could not be read")
_FILE_LINE = re.compile(r"^(?P<file>[^\n]+?):(?P<line>\d+): ")


def relative_uri(path: str) -> str:
    """A file path relative to the working directory (the repository root in CI), with forward slashes."""
    relative = os.path.relpath(path) if os.path.isabs(path) else path
    if relative.startswith(".."):
        relative = os.path.abspath(path)
    return relative.replace(os.sep, "/")


def _rule(f: Finding, lang: str) -> dict[str, Any]:
    title = f.title[lang]
    remediation = f.remediation[lang]
    references = ", ".join(str(r) for r in f.references)
    return {
        "id": f.check_id,
        "name": f.check_id.replace("-", ""),
        "shortDescription": {"text": title},
        "fullDescription": {"text": title + (f" ({references})" if references else "")},
        "help": {"text": remediation, "markdown": f"**{title}**\n\n{remediation}" + (f"\n\n{references}" if references else "")},
        "helpUri": HELP_BASE + f.check_id.lower(),
        "defaultConfiguration": {"level": _LEVEL[f.severity.value]},
        "properties": {
            "tags": ["security", f.category, *sorted({r.framework for r in f.references})],
            "security-severity": _SECURITY_SEVERITY[f.severity.value],
            "precision": "high",
            "problem.severity": "error" if _LEVEL[f.severity.value] == "error" else "warning",
        },
    }


def _location(f: Finding) -> dict[str, Any]:
    logical = {"name": f.resource_name or f.resource_id, "fullyQualifiedName": f"{f.provider}/{f.scope}/{f.resource_id}",
               "kind": "resource"}
    if f.origin.type == "iac" and f.origin.file:
        return {
            "physicalLocation": {
                "artifactLocation": {"uri": relative_uri(f.origin.file), "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": max(1, int(f.origin.line or 1))},
            },
            "logicalLocations": [logical],
        }
    return {"logicalLocations": [logical]}


def _result(f: Finding, rule_index: int, lang: str, baseline_used: bool) -> dict[str, Any]:
    status = f.status
    level = _LEVEL[f.severity.value] if status in (Status.FAIL, Status.MUTED) else "warning"
    prefix = "" if status in (Status.FAIL, Status.MUTED) else f"[{status.value}] "
    result: dict[str, Any] = {
        "ruleId": f.check_id,
        "ruleIndex": rule_index,
        "kind": "fail",
        "level": level,
        "message": {"text": f"{prefix}{f.resource_id}: {f.message[lang]}"},
        "locations": [_location(f)],
        "partialFingerprints": {"govscanFingerprint/v1": f.fingerprint},
        "properties": {"status": status.value, "provider": f.provider, "scope": f.scope, "location": f.location,
                       "resourceKind": f.resource_kind},
    }
    if status is Status.MUTED:
        result["suppressions"] = [{"kind": "inSource", "status": "accepted", "justification": f.muted_reason or ""}]
    if baseline_used:
        result["baselineState"] = "unchanged" if f.baselined else "new"
    return result


def _notification(error: Any) -> dict[str, Any]:
    text = f"{error.provider}/{error.scope}/{error.service}/{error.region or '-'} {error.operation}: {error.reason}"
    notification: dict[str, Any] = {
        "level": "error",
        "message": {"text": text},
        "descriptor": {"id": "collection-error"},
        "properties": error.as_dict(),
    }
    match = _FILE_LINE.match(error.reason)
    if match:
        notification["locations"] = [{"physicalLocation": {
            "artifactLocation": {"uri": relative_uri(match.group("file")), "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": max(1, int(match.group("line")))},
        }}]
    return notification


def document(result: ScanResult, lang: str) -> dict[str, Any]:
    """The SARIF log as data."""
    findings = [f for f in sorted_findings(result) if f.status is not Status.PASS]
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for f in sorted(result.findings, key=lambda x: x.check_id):
        if f.check_id not in index:
            index[f.check_id] = len(rules)
            rules.append(_rule(f, lang))
    baseline_used = any(f.baselined for f in result.findings)
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "govscan",
            "version": result.version or "0",
            "semanticVersion": result.version or "0.0.0",
            "informationUri": INFORMATION_URI,
            "language": lang,
            "rules": rules,
            "notifications": [{"id": "collection-error", "shortDescription": {"text": _COLLECTION_ERROR[lang == "en"]}}],
        }},
        "automationDetails": {"id": "govscan/"},
        "invocations": [{
            "executionSuccessful": bool(result.complete),
            "toolExecutionNotifications": [_notification(e) for e in result.collection_errors],
            **({"startTimeUtc": result.started_at} if result.started_at else {}),
            **({"endTimeUtc": result.finished_at} if result.finished_at else {}),
        }],
        "results": [_result(f, index[f.check_id], lang, baseline_used) for f in findings],
        "columnKind": "unicodeCodePoints",
        "properties": {"complete": result.complete, "incompleteReasons": list(result.incomplete_reasons),
                       "counts": result.counts()},
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render(result: ScanResult, lang: str) -> bytes:
    """Pure: the same result and language always give the same bytes."""
    return json.dumps(document(result, lang), ensure_ascii=False, indent=2).encode() + b"\n"

"""The one field vocabulary every report writer shares."""

from __future__ import annotations

from typing import Any

from scanner.model import Finding, ScanResult


def finding_record(f: Finding, lang: str) -> dict[str, Any]:
    """A finding as the flat record every format draws from (the `govscan.json` finding shape)."""
    return {
        "check_id": f.check_id,
        "title": f.title[lang],
        "category": f.category,
        "severity": f.severity.value,
        "status": f.status.value,
        "provider": f.provider,
        "scope": f.scope,
        "location": f.location,
        "resource_id": f.resource_id,
        "resource_name": f.resource_name,
        "resource_kind": f.resource_kind,
        "native_type": f.native_type,
        "message": f.message[lang],
        "remediation": f.remediation[lang],
        "references": [str(r) for r in f.references],
        "fingerprint": f.fingerprint,
        "origin": f.origin.as_dict(),
        "evidence": dict(f.evidence),
        "muted_reason": f.muted_reason,
        **({"baselined": True} if f.baselined else {}),
    }


def sorted_findings(result: ScanResult) -> list[Finding]:
    """Findings in report order: most urgent first, then stable by check and resource."""
    return sorted(result.findings, key=Finding.sort_key)


def summary(result: ScanResult) -> dict[str, Any]:
    """Counts by status, by severity of failures, by category of failures and by provider."""
    by_severity: dict[str, int] = {}
    by_category: dict[str, int] = {}
    by_provider: dict[str, int] = {}
    for f in result.findings:
        if f.status.value != "FAIL":
            continue
        by_severity[f.severity.value] = by_severity.get(f.severity.value, 0) + 1
        by_category[f.category] = by_category.get(f.category, 0) + 1
        by_provider[f.provider] = by_provider.get(f.provider, 0) + 1
    return {
        "by_status": result.counts(),
        "failures_by_severity": dict(sorted(by_severity.items())),
        "failures_by_category": dict(sorted(by_category.items())),
        "failures_by_provider": dict(sorted(by_provider.items())),
        "collection_errors": len(result.collection_errors),
    }

"""Per-organization reports: one scan result per scope, and the summary across them."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import replace
from typing import Any

from scanner.model import ScanResult, Status

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def scope_token(scope: str) -> str:
    """A folder name for a scope: readable, filesystem-safe and unique (a hash when it had to change)."""
    slug = _UNSAFE.sub("_", scope).strip("._") or "scope"
    if slug == scope and len(slug) <= 80:
        return slug
    digest = hashlib.sha256(scope.encode()).hexdigest()[:8]
    return f"{slug[-60:].lstrip('._') or 'scope'}-{digest}"


def split_by_scope(result: ScanResult) -> dict[str, ScanResult]:
    """One result per scope: its findings and collection errors; inventory derived from its findings."""
    out: dict[str, ScanResult] = {}
    for scope in result.scopes():
        findings = [f for f in result.findings if f.scope == scope]
        errors = [e for e in result.collection_errors if e.scope == scope]
        inventory: dict[str, dict[str, int]] = {}
        seen = {(f.provider, f.resource_kind, f.resource_id) for f in findings}
        for provider, kind, _ in seen:
            inventory.setdefault(provider, {}).setdefault(kind, 0)
            inventory[provider][kind] += 1
        reasons = [r for r in result.incomplete_reasons if "collection error" not in r]
        if errors:
            reasons.append(f"{len(errors)} collection error(s)")
        out[scope] = replace(
            result,
            targets=[*result.targets, f"scope={scope}"],
            findings=findings,
            collection_errors=errors,
            inventory=inventory,
            complete=not reasons,
            incomplete_reasons=reasons,
            api_calls={},
        )
    return out


def summary(parts: dict[str, ScanResult], folders: dict[str, str]) -> dict[str, Any]:
    """Counts per scope across the split reports (`summary.json`)."""
    rows: list[dict[str, Any]] = []
    for scope, part in parts.items():
        fails = [f for f in part.findings if f.status is Status.FAIL]
        rows.append({
            "scope": scope,
            "folder": folders[scope],
            "providers": sorted({f.provider for f in part.findings} | {e.provider for e in part.collection_errors}),
            "complete": part.complete,
            "findings": len(part.findings),
            "by_status": part.counts(),
            "failures_by_severity": dict(sorted(Counter(f.severity.value for f in fails).items())),
            "collection_errors": len(part.collection_errors),
        })
    rows.sort(key=lambda r: (-r["by_status"]["FAIL"], r["scope"]))
    return {"scopes": rows, "total_scopes": len(rows)}

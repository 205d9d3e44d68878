"""The data the HTML report embeds: findings as interned columns, aggregates for the charts, coverage.

Pure functions of the scan result (and, for framework titles and coverage, of the installed catalog).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from reports.fields import sorted_findings
from scanner.model import Finding, ScanResult, Status

# The order of the columns of each finding row; every cell is an index into `strings`, except
# `evidence` (an index into `evidence`, or -1).
COLUMNS = (
    "check_id", "status", "severity", "category", "provider", "scope", "location", "resource_id",
    "resource_name", "resource_kind", "native_type", "title_ja", "title_en", "message_ja", "message_en",
    "remediation_ja", "remediation_en", "fingerprint", "origin", "references", "muted_reason", "evidence",
)

_LOCATION_FACTS = ("location", "locations", "region", "regions")
_TOP_SCOPES = 25


class _Interner:
    """Each distinct string once; rows carry indexes (50,000 findings repeat most of their text)."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.values: list[str] = []

    def __call__(self, value: str | None) -> int:
        text = "" if value is None else str(value)
        found = self.index.get(text)
        if found is None:
            found = self.index[text] = len(self.values)
            self.values.append(text)
        return found


def _origin_text(f: Finding) -> str:
    if f.origin.type != "iac":
        return ""
    return f"{f.origin.file}:{f.origin.line}" if f.origin.line else str(f.origin.file)


def rows(findings: Iterable[Finding], strings: _Interner, evidence: _Interner) -> list[list[int]]:
    """One row of indexes per finding, in COLUMNS order."""
    index, values = strings.index, strings.values

    def put(text: str) -> int:
        found = index.get(text)
        if found is None:
            found = index[text] = len(values)
            values.append(text)
        return found

    out = []
    for f in findings:
        ev = json.dumps(dict(f.evidence), ensure_ascii=False, sort_keys=True, default=str) if f.evidence else None
        title, message, remediation = f.title, f.message, f.remediation
        out.append([
            put(f.check_id), put(f.status.value), put(f.severity.value), put(f.category),
            put(f.provider), put(f.scope), put(f.location), put(f.resource_id),
            put(f.resource_name), put(f.resource_kind), put(f.native_type),
            put(title.ja), put(title.en), put(message.ja), put(message.en),
            put(remediation.ja), put(remediation.en), put(f.fingerprint), put(_origin_text(f)),
            put(" ".join(map(str, f.references))), put(f.muted_reason or ""),
            evidence(ev) if ev is not None else -1,
        ])
    return out


def _counts(values: Iterable[str]) -> list[list[Any]]:
    return [[k, v] for k, v in sorted(Counter(values).items(), key=lambda kv: (-kv[1], kv[0]))]


def _top(pairs: list[list[Any]], n: int) -> list[list[Any]]:
    if len(pairs) <= n:
        return pairs
    rest = sum(v for _, v in pairs[n:])
    return [*pairs[:n], ["…", rest]]


def _where(f: Finding, allowed: Mapping[str, list[str]]) -> list[str]:
    """The locations a residency failure names: the resource's own and any location facts it read."""
    ok = {a.lower() for a in allowed.get(f.provider, [])}
    found: list[str] = []
    for key, value in f.evidence.items():
        if key.split(".")[-1] not in _LOCATION_FACTS:
            continue
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, str) and v.lower() not in ok:
                found.append(v)
    if not found and f.location.lower() not in ok:
        found.append(f.location)
    return found or [f.location]


def residency(result: ScanResult) -> list[dict[str, Any]]:
    """Residency failures grouped by where the data is: location, providers, resources, checks."""
    allowed = result.policy.get("allowed_locations", {}) if isinstance(result.policy, Mapping) else {}
    groups: dict[str, dict[str, Any]] = {}
    for f in result.findings:
        if f.category != "residency" or f.status is not Status.FAIL:
            continue
        for where in dict.fromkeys(_where(f, allowed)):
            g = groups.setdefault(where, {"location": where, "findings": 0, "providers": Counter(),
                                          "resources": set(), "checks": set(), "names": set()})
            g["findings"] += 1
            g["providers"][f.provider] += 1
            g["resources"].add((f.provider, f.scope, f.resource_id))
            g["checks"].add(f.check_id)
            g["names"].add(f.resource_name)
    out = []
    for g in sorted(groups.values(), key=lambda g: (-g["findings"], g["location"])):
        out.append({
            "location": g["location"],
            "findings": g["findings"],
            "resources": len(g["resources"]),
            "providers": sorted(g["providers"]),
            "checks": sorted(g["checks"]),
            "examples": sorted(g["names"])[:3],
        })
    return out


def aggregates(result: ScanResult) -> dict[str, Any]:
    """Counts for the overview charts (the page never counts 50,000 rows to draw them)."""
    fails = [f for f in result.findings if f.status is Status.FAIL]
    by_scope = _counts(f.scope for f in fails)
    return {
        "status": _counts(f.status.value for f in result.findings),
        "severity": _counts(f.severity.value for f in fails),
        "category": _counts(f.category for f in fails),
        "provider": _counts(f.provider for f in fails),
        "scope": _top(by_scope, _TOP_SCOPES),
        "scopes_total": len({f.scope for f in result.findings}),
        "residency": residency(result),
    }


def framework_views(result: ScanResult) -> list[dict[str, Any]]:
    """Each catalog framework: controls, covering checks, computed coverage, and this scan's results.

    Reads the installed catalog (the same files `govscan frameworks show` reads). If the catalog
    cannot be loaded, the view falls back to the references the findings carry, without titles.
    """
    results: dict[str, Counter[str]] = {}
    for f in result.findings:
        for ref in f.references:
            results.setdefault(str(ref), Counter())[f.status.value] += 1
    try:
        from scanner.catalog import load_catalog

        catalog = load_catalog()
    except Exception:  # a broken catalog must not cost the report; the findings still carry references
        catalog = None
    views = []
    if catalog is not None:
        for name in sorted(catalog.frameworks):
            fw = catalog.frameworks[name]
            cover = catalog.coverage(name)
            controls = [
                {"id": c.id, "title": c.title.as_dict(), "checks": cover[c.id],
                 "results": dict(results.get(f"{name}:{c.id}", {}))}
                for c in fw.controls
            ]
            covered = sum(1 for c in controls if c["checks"])
            views.append({
                "id": fw.id, "title": fw.title.as_dict(), "edition": fw.edition, "relation": fw.relation,
                "url": fw.url, "controls": controls, "covered": covered, "total": len(controls),
                "percent": round(100.0 * covered / len(controls), 1) if controls else 0.0,
            })
        return views
    by_fw: dict[str, dict[str, Any]] = {}
    for ref_text, counts in sorted(results.items()):
        name, _, control = ref_text.partition(":")
        fw_view = by_fw.setdefault(name, {"id": name, "title": {"ja": name, "en": name}, "edition": "",
                                          "relation": "", "url": "", "controls": []})
        fw_view["controls"].append({"id": control, "title": {"ja": control, "en": control}, "checks": [],
                                    "results": dict(counts)})
    for fw_view in by_fw.values():
        fw_view.update(covered=0, total=len(fw_view["controls"]), percent=0.0)
    return list(by_fw.values())


def payload(result: ScanResult, lang: str) -> dict[str, Any]:
    """Everything the page shows, as JSON data."""
    strings, evidence = _Interner(), _Interner()
    findings = sorted_findings(result)
    data_rows = rows(findings, strings, evidence)
    return {
        "lang": lang,
        "meta": {
            "tool": result.tool, "version": result.version, "started_at": result.started_at,
            "finished_at": result.finished_at, "complete": result.complete,
            "incomplete_reasons": list(result.incomplete_reasons), "targets": list(result.targets),
            "inventory": {p: dict(sorted(k.items())) for p, k in sorted(result.inventory.items())},
            "policy": result.policy.get("name", "") if isinstance(result.policy, Mapping) else "",
        },
        "columns": list(COLUMNS),
        "strings": strings.values,
        "evidence": evidence.values,
        "findings": data_rows,
        "errors": [e.as_dict() for e in result.collection_errors],
        "aggregates": aggregates(result),
        "frameworks": framework_views(result),
    }

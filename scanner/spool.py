"""A JSON Lines spool of findings, written as they are decided, so a killed scan keeps them."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from scanner.model import (
    CollectionError,
    Finding,
    Origin,
    Reference,
    ScanResult,
    Severity,
    Status,
    Text,
)


def finding_to_dict(f: Finding) -> dict[str, Any]:
    """A finding with both languages, losslessly."""
    return {
        "check_id": f.check_id,
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
        "title": f.title.as_dict(),
        "message": f.message.as_dict(),
        "remediation": f.remediation.as_dict(),
        "references": [[r.framework, r.control] for r in f.references],
        "origin": {**f.origin.as_dict(), "attr_lines": dict(f.origin.attr_lines)} if f.origin.type == "iac"
        else {"type": "live"},
        "evidence": dict(f.evidence),
        "fingerprint": f.fingerprint,
        "muted_reason": f.muted_reason,
    }


def finding_from_dict(d: dict[str, Any]) -> Finding:
    """The inverse of `finding_to_dict`."""
    o = d["origin"]
    origin = Origin.live() if o["type"] == "live" else Origin.code(o["file"], o["line"], o.get("attr_lines"),
                                                                  o.get("module"))
    return Finding(
        check_id=d["check_id"],
        category=d["category"],
        severity=Severity(d["severity"]),
        status=Status(d["status"]),
        provider=d["provider"],
        scope=d["scope"],
        location=d["location"],
        resource_id=d["resource_id"],
        resource_name=d["resource_name"],
        resource_kind=d["resource_kind"],
        native_type=d["native_type"],
        title=Text(**d["title"]),
        message=Text(**d["message"]),
        remediation=Text(**d["remediation"]),
        references=tuple(Reference(a, b) for a, b in d["references"]),
        origin=origin,
        evidence=d.get("evidence", {}),
        fingerprint=d["fingerprint"],
        muted_reason=d.get("muted_reason"),
    )


class Spool:
    """Append-only JSONL: a header, findings and errors as they come, units as they finish, a footer."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._file: IO[str] | None = None

    def __enter__(self) -> Spool:
        self._file = self.path.open("a", encoding="utf-8")
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        if self._file:
            self._file.close()

    def _line(self, record: dict[str, Any]) -> None:
        assert self._file is not None
        with self._lock:
            self._file.write(json.dumps(record, ensure_ascii=False) + "\n")
            self._file.flush()

    def header(self, result: ScanResult, targets: Any) -> None:
        """Record the start of a scan."""
        self._line({"type": "header", "started_at": result.started_at, "targets": list(targets),
                    "version": result.version, "scan_id": result.scan_id})

    def write(self, finding: Finding) -> None:
        """Record one finding (called by the engine as each is decided)."""
        self._line({"type": "finding", **finding_to_dict(finding)})

    def error(self, error: CollectionError) -> None:
        """Record one collection error."""
        self._line({"type": "error", **error.as_dict()})

    def unit_done(self, label: str) -> None:
        """Record that a work unit finished, for --resume."""
        self._line({"type": "unit", "label": label})

    def footer(self, result: ScanResult) -> None:
        """Record the end of a scan."""
        self._line({"type": "footer", "complete": result.complete, "finished_at": result.finished_at})


def read_spool(path: Path) -> tuple[ScanResult, set[str]]:
    """Rebuild what a (possibly killed) scan decided: findings deduplicated, errors, finished units.

    A torn last line, as left by SIGKILL mid-write, is ignored.
    """
    result = ScanResult(complete=False)
    findings: dict[tuple[str, str], Finding] = {}
    units: set[str] = set()
    errors: list[CollectionError] = []
    finished = False
    with path.open(encoding="utf-8") as handle:
        for raw in handle:
            try:
                record = json.loads(raw)
            except json.JSONDecodeError:
                continue
            kind = record.pop("type", None)
            if kind == "header":
                result.started_at = result.started_at or record.get("started_at", "")
                result.version = record.get("version", "")
                result.scan_id = result.scan_id or record.get("scan_id", "")
                result.targets = record.get("targets", [])
                finished = False
            elif kind == "finding":
                f = finding_from_dict(record)
                findings[(f.check_id, f.fingerprint)] = f
            elif kind == "error":
                errors.append(CollectionError(**{**record, "kinds": tuple(record.get("kinds", ()))}))
            elif kind == "unit":
                units.add(record["label"])
            elif kind == "footer":
                finished = True
                result.finished_at = record.get("finished_at", "")
    result.findings = list(findings.values())
    result.collection_errors = errors
    result.complete = False
    if not finished:
        result.incomplete_reasons.append("the scan did not finish (killed or interrupted)")
    return result, units

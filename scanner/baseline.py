"""Baselines: the fingerprints of accepted failures, so a team adopting govscan fails only on new ones.

A baseline file is JSON: `{"version": 1, "tool": "govscan", "created": ..., "findings": [{"fingerprint": ...,
"check_id": ..., "resource_id": ...}]}`. Findings in the baseline still appear in every report, marked
`baselined`, but do not count for `--fail-on`.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from scanner.errors import UsageError
from scanner.model import ScanResult, Status, utcnow

VERSION = 1


def load_baseline(path: str) -> frozenset[str]:
    """The fingerprints of a baseline file; UsageError naming the file and line when it is malformed."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the baseline file: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}:1: the baseline file is not UTF-8 text") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{path}:{getattr(exc, 'lineno', 1)}: the baseline file is not valid JSON: "
                         f"{getattr(exc, 'msg', exc)}") from None
    except RecursionError:
        raise UsageError(f"{path}:1: the baseline file is nested too deeply") from None
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise UsageError(f"{path}:1: not a govscan baseline (expected an object with a `findings` list)")
    if data.get("version") != VERSION:
        raise UsageError(f"{path}:1: unsupported baseline version {data.get('version')!r} (expected {VERSION})")
    out = set()
    for index, entry in enumerate(data["findings"]):
        fingerprint = entry.get("fingerprint") if isinstance(entry, dict) else entry
        if not isinstance(fingerprint, str) or not fingerprint:
            raise UsageError(f"{path}:{_line_of_entry(text, index)}: baseline entry {index} has no fingerprint")
        out.add(fingerprint)
    return frozenset(out)


def _line_of_entry(text: str, index: int) -> int:
    position = -1
    for _ in range(index + 1):
        position = text.find('"fingerprint"', position + 1)
        if position < 0:
            return 1
    return text.count("\n", 0, position) + 1


def apply_baseline(result: ScanResult, fingerprints: frozenset[str]) -> ScanResult:
    """Mark the findings whose fingerprint is in the baseline."""
    result.findings = [replace(f, baselined=True) if f.fingerprint in fingerprints and f.status is not Status.PASS else f
                       for f in result.findings]
    return result


def baseline_document(result: ScanResult) -> dict[str, Any]:
    """The baseline of a result: every FAIL, sorted for stable diffs."""
    entries = {f.fingerprint: {"fingerprint": f.fingerprint, "check_id": f.check_id, "resource_id": f.resource_id,
                               "scope": f.scope}
               for f in result.findings if f.status is Status.FAIL}
    return {"version": VERSION, "tool": "govscan", "created": utcnow(),
            "findings": [entries[k] for k in sorted(entries)]}


def write_baseline(path: str, result: ScanResult) -> None:
    """Write the baseline file atomically."""
    target = Path(path)
    if target.parent and not target.parent.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps(baseline_document(result), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, target)

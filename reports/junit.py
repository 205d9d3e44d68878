"""JUnit XML for CI test reports: one testcase per check x resource.

FAIL is a failure, ERROR an error, UNKNOWN and MUTED are skipped with the reason (so they are
visible, never counted as passing). One testsuite per provider and scope; collection errors are
errors of a `collection` testcase, so an incomplete scan never looks green.
"""

from __future__ import annotations

from collections import defaultdict
from xml.etree import ElementTree as ET

from reports.fields import sorted_findings
from reports.sarif import relative_uri
from scanner.model import Finding, ScanResult, Status


def _location(f: Finding) -> str:
    if f.origin.type == "iac" and f.origin.file:
        return f"{relative_uri(f.origin.file)}:{f.origin.line or 1}"
    return f"{f.provider}/{f.scope}/{f.location}"


def _clean(text: str) -> str:
    # XML 1.0 cannot carry most control characters; resource names are attacker-controlled input.
    return "".join(ch if ch in "\t\n\r" or ord(ch) >= 0x20 else "\ufffd" for ch in text)


def render(result: ScanResult, lang: str) -> bytes:
    """Pure: the same result and language always give the same bytes."""
    suites: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in sorted_findings(result):
        suites[(f.provider, f.scope)].append(f)
    root = ET.Element("testsuites", name="govscan")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for (provider, scope), findings in sorted(suites.items()):
        suite = ET.SubElement(root, "testsuite", name=_clean(f"{provider}/{scope}"))
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for f in sorted(findings, key=lambda x: (x.check_id, x.resource_id)):
            case = ET.SubElement(suite, "testcase", classname=_clean(f"{f.check_id}"),
                                 name=_clean(f"{f.resource_id}"),
                                 file=_clean(relative_uri(f.origin.file) if f.origin.file else ""),
                                 line=str(f.origin.line or ""))
            case.set("title", _clean(f.title[lang]))
            text = _clean(f"{_location(f)}: {f.message[lang]}")
            counts["tests"] += 1
            if f.status is Status.FAIL:
                tag = "failure"
                counts["failures"] += 1
                node = ET.SubElement(case, tag, message=text, type=f.severity.value + (" (baseline)" if f.baselined else ""))
                node.text = _clean(f.remediation[lang])
            elif f.status is Status.ERROR:
                counts["errors"] += 1
                ET.SubElement(case, "error", message=text, type="ERROR")
            elif f.status in (Status.UNKNOWN, Status.MUTED):
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=_clean(f"{f.status.value}: {text}"))
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    if result.collection_errors:
        suite = ET.SubElement(root, "testsuite", name="collection")
        for error in result.collection_errors:
            case = ET.SubElement(suite, "testcase", classname="collection",
                                 name=_clean(f"{error.provider}/{error.scope}/{error.service}/{error.region or '-'}"))
            ET.SubElement(case, "error", message=_clean(f"{error.operation}: {error.reason}"), type="CollectionError")
        suite.set("tests", str(len(result.collection_errors)))
        suite.set("errors", str(len(result.collection_errors)))
        suite.set("failures", "0")
        suite.set("skipped", "0")
        totals["tests"] += len(result.collection_errors)
        totals["errors"] += len(result.collection_errors)
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"

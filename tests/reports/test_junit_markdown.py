"""JUnit XML (one testcase per check x resource) and the Markdown pull-request summary."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from reports import junit, markdown
from scanner.model import ScanResult, Status


def test_junit_counts_and_statuses(result: ScanResult) -> None:
    root = ET.fromstring(junit.render(result, "en"))
    counts = result.counts()
    assert int(root.get("tests")) == len(result.findings) + len(result.collection_errors)
    assert int(root.get("failures")) == counts["FAIL"]
    assert int(root.get("errors")) == counts["ERROR"] + len(result.collection_errors)
    assert int(root.get("skipped")) == counts["UNKNOWN"] + counts["MUTED"]
    cases = root.findall(".//testcase")
    archive = next(c for c in cases if c.get("name") == "aws_s3_bucket.archive_us" and c.get("classname") == "GC-RES-001")
    failure = archive.find("failure")
    assert failure is not None and "storage.tf:83" in failure.get("message") and failure.get("type") == "critical"
    skipped = [c.find("skipped").get("message") for c in cases if c.find("skipped") is not None]
    assert any(m.startswith("MUTED:") for m in skipped) and any(m.startswith("UNKNOWN:") for m in skipped)
    collection = root.find("testsuite[@name='collection']")
    assert collection is not None and "bad.tf:7" in collection.find("testcase/error").get("message")


def test_junit_survives_control_characters(result: ScanResult) -> None:
    from dataclasses import replace

    hostile = ScanResult(findings=[replace(result.findings[0], resource_id="a\x00b\x1bc", status=Status.FAIL)])
    ET.fromstring(junit.render(hostile, "ja"))


def test_markdown_summary(result: ScanResult) -> None:
    text = markdown.render(result, "en").decode()
    counts = result.counts()
    assert f"| {counts['PASS']} | {counts['FAIL']} | {counts['UNKNOWN']} | {counts['ERROR']} | {counts['MUTED']} |" in text
    assert "`tests/fixtures/iac/terraform/aws_platform/storage.tf:83`" in text
    assert "The scan is incomplete" in text and "bad.tf:7" in text
    assert "<img" not in text and "\\<img src=x onerror=alert(1)\\>" not in text  # live names are in the table only escaped
    assert "\\|pipe" not in text or "\\<img" in text
    japanese = markdown.render(result, "ja").decode()
    assert "診断結果" in japanese and "収集エラー" in japanese

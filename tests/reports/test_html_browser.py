"""The HTML report in headless Chromium: language switch, filters, a finding's details, no XSS, no fetch."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from reports.html import render
from scanner.model import Status
from tests.reliability import record
from tests.reports.browser import chromium_page, file_url
from tests.reports.sample import XSS_NAME, XSS_TAG, many_findings, sample_result

pytestmark = pytest.mark.browser

OUT = Path(__file__).resolve().parents[1] / "out"


def _count_text(page) -> str:
    return page.inner_text("#findings-count")


def test_a_person_reads_the_report_in_chromium() -> None:
    result = sample_result()
    OUT.mkdir(parents=True, exist_ok=True)
    html = OUT / "html-report.html"
    html.write_bytes(render(result, "ja"))
    total = len(result.findings)
    fails = sum(1 for f in result.findings if f.status is Status.FAIL)
    gcp_fails = sum(1 for f in result.findings if f.status is Status.FAIL and f.provider == "gcp")
    ismap = sum(1 for f in result.findings if any(r.framework == "ismap" for r in f.references))
    xss = sum(1 for f in result.findings if f.resource_name == XSS_NAME)
    breaker = sum(1 for f in result.findings if f.resource_name == XSS_TAG)

    def page_of(n: int) -> str:
        return f"1–{min(n, 100)} of {n}"

    with chromium_page() as page:
        dialogs: list[str] = []
        errors: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(file_url(html))
        page.wait_for_selector("body[data-ready='1']")

        # Japanese first (--lang ja), the overview with its charts and the residency summary
        assert page.title() == "govscan レポート"
        assert page.inner_text("#tab-overview") == "概要"
        assert page.locator("#chart-severity svg rect").count() >= 5
        residency = page.inner_text("#residency")
        assert "us-west-2" in residency and "asia" in residency and "eu-west-1" in residency
        page.screenshot(path=str(OUT / "html-report-overview.png"), full_page=True)

        # switch to English: every label and the findings' own texts flip
        page.click("#lang-en")
        assert page.title() == "govscan report"
        assert page.inner_text("#tab-findings") == f"Findings ({len(result.findings)})"
        page.click("#tab-findings")
        assert _count_text(page) == page_of(total)

        # filter by status and cloud
        page.select_option("#filter-status", "FAIL")
        assert _count_text(page) == page_of(fails)
        page.select_option("#filter-provider", "gcp")
        assert _count_text(page) == page_of(gcp_fails)
        assert "kaigo-data" in page.inner_text("#findings-table tbody")
        page.click("#filter-reset")

        # framework filter, then free text narrowing to one finding
        page.select_option("#filter-framework", "ismap")
        assert _count_text(page) == page_of(ismap)
        page.click("#filter-reset")
        page.select_option("#filter-status", "FAIL")
        page.fill("#filter-q", "tax-copies gc-res-004")
        expect(page.locator("#findings-count")).to_have_text("1–1 of 1")

        # open it: what a person sees — title, message, the facts read, remediation, references
        page.click("#findings-table tbody tr >> nth=0")
        detail = page.inner_text("#detail")
        assert "GC-RES-004 Object storage and image replication stays in Japan" in page.inner_text("#detail-title")
        assert "Replicates outside Japan" in page.inner_text("#detail-message")
        assert "replication.locations" in page.inner_text("#detail-evidence")
        assert "us-west-2" in page.inner_text("#detail-evidence")
        assert page.inner_text("#detail-remediation").startswith("Remove replication rules")
        assert "ismap 18.1.1" in page.inner_text("#detail-references")
        assert "arn:aws:s3:::tax-copies-abroad" in detail

        # the language switch also flips the open finding
        page.click("#lang-ja")
        assert "オブジェクトストレージ・イメージの複製先が国内であること" in page.inner_text("#detail-title")
        assert page.inner_text("#detail-remediation").startswith("国外リージョンへのレプリケーション設定を削除")
        page.click("#lang-en")
        page.screenshot(path=str(OUT / "html-report.png"), full_page=False)

        # sort by location (ascending), all rows
        page.click("#filter-reset")
        page.click("th[data-col='location']")
        locations = page.locator("#findings-table tbody tr td:nth-child(7)").all_inner_texts()
        assert locations == sorted(locations)

        # attacker-controlled names are shown as text and never run
        names = page.locator("#findings-table tbody tr td:nth-child(8)")
        page.fill("#filter-q", "onerror")
        expect(names).to_have_text([XSS_NAME] * min(xss, 100))
        page.fill("#filter-q", "__govscan_pwned")
        expect(names).to_have_text([XSS_TAG] * min(breaker, 100))
        assert page.evaluate("document.querySelectorAll('img').length") == 0
        assert page.evaluate("document.scripts.length") == 2
        assert page.evaluate("typeof window.__govscan_pwned") == "undefined"

        # frameworks with computed coverage, and the collection errors
        page.click("#tab-frameworks")
        guard = page.inner_text("[data-framework='gc-guardrails']")
        assert "Coverage:" in guard and "region-restriction" in guard and "GC-RES-001" in guard
        # a control with results opens the findings that reference it
        region = sum(1 for f in result.findings if any(str(r) == "gc-guardrails:region-restriction" for r in f.references))
        page.click("[data-framework='gc-guardrails'] tr[data-control='region-restriction']")
        assert _count_text(page) == page_of(region)
        page.click("#tab-frameworks")
        page.click("#tab-errors")
        errors_text = page.inner_text("#errors-table")
        assert "ListBuckets" in errors_text and "DescribeSecurityGroups" in errors_text

        assert dialogs == []
        assert errors == []
        assert page.remote_requests == []
    record("canaries", canary=f"resource names {XSS_NAME} and {XSS_TAG} (XSS)",
           searched="HTML report opened in Chromium: dialogs, <img> elements, scripts, window flag", leaks=0)
    record("canaries", canary="network requests from the HTML report",
           searched="every request Chromium made while the report was used", leaks=0)


def test_paging_chart_click_and_an_empty_scan(tmp_path: Path) -> None:
    from scanner.model import ScanResult

    big = tmp_path / "big.html"
    result = many_findings(1_000)
    big.write_bytes(render(result, "en"))
    empty = tmp_path / "empty.html"
    empty.write_bytes(render(ScanResult(version="0.1.0"), "ja"))
    critical_fails = sum(1 for f in result.findings if f.status is Status.FAIL and f.severity.value == "critical")
    with chromium_page() as page:
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(file_url(big))
        page.wait_for_selector("body[data-ready='1']")
        # a bar of the severity chart opens the failures of that severity
        page.locator("#chart-severity g.bar").first.click()
        assert page.inner_text("#findings-count") == f"1–{min(100, critical_fails)} of {critical_fails}"
        assert page.input_value("#filter-status") == "FAIL" and page.input_value("#filter-severity") == "critical"
        page.click("#filter-reset")
        assert page.inner_text("#findings-count") == "1–100 of 1000"
        page.click("#page-next")
        assert page.inner_text("#findings-count") == "101–200 of 1000"
        assert page.locator("#findings-table tbody tr").count() == 100
        page.click("th[data-col='severity']")
        page.click("th[data-col='severity']")   # descending: info first
        assert page.inner_text("#findings-count") == "1–100 of 1000"
        first = page.locator("#findings-table tbody tr td:nth-child(2)").first.inner_text()
        assert first == "Info"
        page.goto(file_url(empty))
        page.wait_for_selector("body[data-ready='1']")
        page.click("#tab-findings")
        assert "該当する検出結果はありません。" in page.inner_text("#findings-body")
        page.click("#tab-frameworks")
        assert page.locator(".framework").count() >= 4
        page.click("#tab-errors")
        assert page.inner_text("#errors") == "収集エラーはありません。"
        assert errors == [] and page.remote_requests == []

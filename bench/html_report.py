"""Benchmark: the HTML report for 50,000 findings — file size, time to write, time to interactive in Chromium.

    cd <checkout> && /work/venv/bin/python bench/html_report.py [--findings 50000] [--runs 3]

Needs Debian's chromium at /usr/bin/chromium and the playwright package. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reports.html import render
from scanner.redact import redact
from tests.reports.browser import chromium_page, file_url
from tests.reports.sample import many_findings


def browser_times(path: Path) -> dict[str, float]:
    """Seconds from navigation to: overview drawn, first table rows visible, a filter answered, a search answered."""
    from playwright.sync_api import expect

    with chromium_page() as page:
        start = time.perf_counter()
        page.goto(file_url(path), wait_until="commit")
        page.wait_for_selector("body[data-ready='1']", timeout=120_000)
        ready = time.perf_counter() - start
        t0 = time.perf_counter()
        page.click("#tab-findings")
        page.wait_for_selector("#findings-table tbody tr", timeout=60_000)
        rows = time.perf_counter() - t0
        t0 = time.perf_counter()
        page.select_option("#filter-status", "FAIL")
        expect(page.locator("#findings-count")).not_to_contain_text("/ 50000", timeout=60_000)
        filtered = time.perf_counter() - t0
        before = page.inner_text("#findings-count")
        t0 = time.perf_counter()
        page.fill("#filter-q", "tax-copies-abroad-4")
        expect(page.locator("#findings-count")).not_to_have_text(before, timeout=60_000)
        searched = time.perf_counter() - t0
        assert page.remote_requests == []
    return {"ready": ready, "rows": rows, "filter": filtered, "search": searched}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--findings", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    result = many_findings(args.findings)
    writes, sizes, browser = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "govscan.html"
        for _ in range(args.runs):
            t0 = time.perf_counter()
            data = render(result, "ja")
            path.write_bytes(data)
            writes.append(time.perf_counter() - t0)
            sizes.append(len(data))
            browser.append(browser_times(path))
    t0 = time.perf_counter()
    redact(result)
    redact_time = time.perf_counter() - t0
    med = statistics.median
    print("| findings | file size | time to write | overview interactive | first rows visible | status filter | free-text search |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {args.findings:,} | {sizes[0] / 1e6:.1f} MB | {med(writes):.2f} s | {med(b['ready'] for b in browser):.2f} s | "
          f"{med(b['rows'] for b in browser):.2f} s | {med(b['filter'] for b in browser):.2f} s | "
          f"{med(b['search'] for b in browser):.2f} s |")
    print(f"\n(median of {args.runs} runs; each browser run is a fresh Chromium with its own profile)")
    print(f"\n--redact on the same {args.findings:,} findings: {redact_time:.2f} s")


if __name__ == "__main__":
    main()

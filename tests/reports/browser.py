"""Headless Chromium for report tests: Debian's chromium driven by Playwright, nothing fetched."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@contextmanager
def chromium_page(viewport: tuple[int, int] = (1400, 900)) -> Iterator[Any]:
    """A fresh Chromium (own user data dir) and one page; every request that is not file:// is recorded."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="govscan-chromium-") as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=ARGS,
            viewport={"width": viewport[0], "height": viewport[1]},
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.remote_requests = []  # type: ignore[attr-defined]
            page.on("request", lambda r: None if r.url.startswith(("file:", "data:", "about:"))
                    else page.remote_requests.append(r.url))
            yield page
        finally:
            context.close()


def file_url(path: Path) -> str:
    """The file:// URL of a local file."""
    return path.resolve().as_uri()

"""Assemble the self-contained page: template, inline CSS and JS (pinned by CSP hashes), embedded data."""

from __future__ import annotations

import base64
import hashlib
import json
from functools import cache
from importlib import resources

from reports.html.data import payload
from scanner.model import ScanResult

_TITLE = {"ja": "govscan レポート", "en": "govscan report"}


@cache
def _asset(name: str) -> str:
    return resources.files("reports.html").joinpath(name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def embed_json(data: object) -> str:
    """JSON safe inside a <script> element: no `<` at all, so no `</script>` or `<!--` can appear."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") \
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def csp(script: str, style: str) -> str:
    """Only the page's own inline script and style run; nothing is fetched from anywhere."""
    return (f"default-src 'none'; script-src {_sha256(script)}; style-src {_sha256(style)}; "
            "img-src data:; base-uri 'none'; form-action 'none'")


def render(result: ScanResult, lang: str) -> bytes:
    """Pure: the same result and language always give the same page."""
    script, style = _asset("report.js"), _asset("report.css")
    page = _asset("page.html")
    parts = {
        "{{LANG}}": "en" if lang == "en" else "ja",
        "{{TITLE}}": _TITLE["en" if lang == "en" else "ja"],
        "{{CSP}}": csp(script, style),
        "{{STYLE}}": style,
        "{{SCRIPT}}": script,
    }
    for key, value in parts.items():
        page = page.replace(key, value)
    # the data goes in last, so nothing inside it is ever taken for a placeholder
    head, tail = page.split("{{DATA}}")
    return (head + embed_json(payload(result, lang)) + tail).encode("utf-8")

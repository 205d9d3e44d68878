"""The HTML page as bytes: self-contained, pinned by CSP, data escaped, deterministic, both languages."""

from __future__ import annotations

import json
import re

from reports.html import render
from reports.html.data import COLUMNS
from reports.html.writer import embed_json
from tests.reports.sample import XSS_NAME, XSS_TAG, many_findings, sample_result


def _data(page: str) -> dict:
    match = re.search(r'<script type="application/json" id="govscan-data">(.*?)</script>', page, re.S)
    assert match
    return json.loads(match.group(1))


def test_self_contained_and_pinned_by_csp() -> None:
    page = render(sample_result(), "ja").decode()
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert re.search(r"script-src 'sha256-[A-Za-z0-9+/=]+';", csp)
    # no external reference of any kind
    code = re.sub(r'(<script type="application/json" id="govscan-data">).*?(</script>)', r"\1\2", page, flags=re.S)
    assert not re.search(r'(src|href)\s*=\s*"(?!data:)', code)
    assert "http://" not in code.replace("http://www.w3.org/2000/svg", "") and "https://" not in code
    assert page.count("<script") == 2 and page.count("</script>") == 2


def test_attacker_names_cannot_close_the_data_block() -> None:
    page = render(sample_result(), "en").decode()
    block = page.split('id="govscan-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and ">" not in block
    strings = _data(page)["strings"]
    assert XSS_NAME in strings and XSS_TAG in strings
    assert embed_json({"a": "</script><!--\u2028"}) == '{"a":"\\u003c/script\\u003e\\u003c!--\\u2028"}'


def test_both_languages_are_embedded_and_lang_picks_the_first() -> None:
    result = sample_result()
    ja, en = render(result, "ja").decode(), render(result, "en").decode()
    assert '<html lang="ja">' in ja and '<html lang="en">' in en
    data = _data(ja)
    assert data["lang"] == "ja" and _data(en)["lang"] == "en"
    row = data["findings"][0]
    strings = data["strings"]
    title_ja, title_en = strings[row[COLUMNS.index("title_ja")]], strings[row[COLUMNS.index("title_en")]]
    assert title_ja != title_en and title_en.isascii() and not title_ja.isascii()
    assert render(result, "ja") == render(result, "ja")    # pure: same input, same bytes


def test_aggregates_and_frameworks_are_precomputed() -> None:
    data = _data(render(sample_result(), "en").decode())
    agg = data["aggregates"]
    statuses = [data["strings"][row[COLUMNS.index("status")]] for row in data["findings"]]
    assert dict(agg["status"]) == {s: statuses.count(s) for s in set(statuses)}
    where = {r["location"] for r in agg["residency"]}
    assert {"us-west-2", "us-east-1", "asia", "eu-west-1"} <= where and "ap-northeast-1" not in where
    fws = {f["id"]: f for f in data["frameworks"]}
    assert {"tohitsu", "ismap", "gc-guardrails", "ds"} <= set(fws)
    guard = fws["gc-guardrails"]
    region = next(c for c in guard["controls"] if c["id"] == "region-restriction")
    assert "GC-RES-001" in region["checks"] and region["results"]["FAIL"] >= 1
    assert guard["percent"] == round(100 * guard["covered"] / guard["total"], 1)
    assert len(data["errors"]) == 2


def test_fifty_thousand_findings_stay_compact() -> None:
    page = render(many_findings(50_000), "ja")
    data = _data(page.decode())
    assert len(data["findings"]) == 50_000
    assert len(page) < 25_000_000


def test_the_page_script_never_parses_html_from_data() -> None:
    from importlib import resources

    script = resources.files("reports.html").joinpath("report.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
                 "setTimeout('", 'setTimeout("', "fetch(", "XMLHttpRequest", "import("):
        assert sink not in script, sink

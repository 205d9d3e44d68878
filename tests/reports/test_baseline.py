"""Baselines: accepted failures stop counting for --fail-on, stay in every report marked, and a
malformed baseline file is rejected with its file and line (also fuzzed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from providers.iac import IacProvider
from scanner.baseline import load_baseline
from scanner.errors import UsageError
from scanner.runner import ScanOptions, execute
from tests.providers.iac_support import target
from tests.reliability import record

BUCKET_US = ('provider "aws" {\n  alias  = "us"\n  region = "us-east-1"\n}\n'
             'resource "aws_s3_bucket" "NAME" {\n  provider = aws.us\n  bucket   = "NAME"\n}\n')


def run(tmp_path: Path, code_dir: Path, **options: str) -> tuple[int, dict]:
    out = tmp_path / "out"
    opts = ScanOptions(formats=("json", "sarif", "junit", "markdown"), output_dir=str(out), quiet=True, lang="en",
                       **options)
    code = execute([(IacProvider(), target([code_dir]))], opts)
    return code, json.loads((out / "govscan.json").read_text(encoding="utf-8"))


def test_baseline_round_trip(tmp_path: Path) -> None:
    code_dir = tmp_path / "infra"
    code_dir.mkdir()
    (code_dir / "main.tf").write_text('provider "aws" {\n  region = "ap-northeast-1"\n}\n' + BUCKET_US.replace("NAME", "old"),
                                      encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    code, _ = run(tmp_path, code_dir, write_baseline=str(baseline))
    assert code == 1
    data = json.loads(baseline.read_text(encoding="utf-8"))
    assert {e["resource_id"] for e in data["findings"]} == {"aws_s3_bucket.old"}
    assert "GC-RES-001" in {e["check_id"] for e in data["findings"]}
    code, report = run(tmp_path, code_dir, baseline=str(baseline))
    assert code == 0
    old = [f for f in report["findings"] if f["resource_id"] == "aws_s3_bucket.old" and f["status"] == "FAIL"]
    assert old and all(f["baselined"] is True for f in old)
    sarif = json.loads((tmp_path / "out" / "govscan.sarif").read_text(encoding="utf-8"))
    assert {r["baselineState"] for r in sarif["runs"][0]["results"] if r["properties"]["status"] == "FAIL"} == {"unchanged"}
    assert "(in baseline)" in (tmp_path / "out" / "govscan.md").read_text(encoding="utf-8")
    (code_dir / "new.tf").write_text('resource "aws_s3_bucket" "new" {\n  provider = aws.us\n  bucket   = "new"\n}\n',
                                     encoding="utf-8")
    code, report = run(tmp_path, code_dir, baseline=str(baseline))
    assert code == 1
    new = [f for f in report["findings"] if f["resource_id"] == "aws_s3_bucket.new" and f["status"] == "FAIL"]
    assert new and all("baselined" not in f for f in new)


@pytest.mark.parametrize(("text", "line", "fragment"), [
    ("{", 1, "not valid JSON"),
    ('{"version": 1}', 1, "not a govscan baseline"),
    ('{"version": 2, "findings": []}', 1, "unsupported baseline version"),
    ('{"version": 1,\n "findings": [\n  {"fingerprint": "a"},\n  {"fingerprint": 3}\n]}', 4, "has no fingerprint"),
])
def test_malformed_baseline_names_file_and_line(tmp_path: Path, text: str, line: int, fragment: str) -> None:
    path = tmp_path / "b.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        load_baseline(str(path))
    assert str(caught.value).startswith(f"{path}:{line}:") and fragment in str(caught.value)


EXAMPLES = 200
SEEN = {"examples": 0}


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.text(max_size=200),
                      st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=10),
                                   lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=12), c, max_size=3),
                                   max_leaves=10).map(json.dumps),
                      st.lists(st.text(min_size=1, max_size=40), max_size=5).map(
                          lambda fps: json.dumps({"version": 1, "findings": [{"fingerprint": f} for f in fps]}))))
def test_baseline_loader_fuzz(tmp_path: Path, text: str) -> None:
    SEEN["examples"] += 1
    path = tmp_path / "fuzz.json"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        fingerprints = load_baseline(str(path))
    except UsageError as exc:
        assert str(exc).startswith(str(path) + ":")
        return
    assert isinstance(fingerprints, frozenset) and all(isinstance(f, str) and f for f in fingerprints)


def test_zz_record_baseline_fuzz() -> None:
    assert SEEN["examples"] >= EXAMPLES
    record("fuzz", target="baseline file loader", examples=SEEN["examples"], tracebacks=0, silent_passes=0)

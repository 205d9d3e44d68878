"""End to end through the runner: --split-by scope, --redact, and the JSON Schema on every json output."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from reports.json import render as render_json
from scanner.redact import redact
from scanner.runner import EXIT_INCOMPLETE, ScanOptions, execute
from scanner.split import scope_token, split_by_scope
from tests.reports.sample import AWS_A, AWS_B, AZURE_SUB, GCP_PROJECT, HandProvider, resources, sample_result

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "reports" / "schema" / "govscan.schema.json").read_text())


def validate(data: bytes) -> dict:
    """Parse a govscan.json and validate it against the schema."""
    doc = json.loads(data)
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)
    return doc


def _jobs():
    return [(HandProvider(name, units, fail), {}) for name, (units, fail) in resources().items()]


def _run(tmp_path: Path, **options) -> tuple[int, Path]:
    out = tmp_path / "report"
    code = execute(_jobs(), ScanOptions(output_dir=str(out), formats=("json", "csv", "html", "ocsf"), quiet=True,
                                        workers=2, **options), targets=["aws", "gcp", "azure"])
    return code, out


def test_split_by_scope_writes_one_report_set_per_scope_and_a_summary(tmp_path: Path) -> None:
    code, out = _run(tmp_path, split_by="scope")
    assert code == EXIT_INCOMPLETE          # one unit failed: the whole scan says so
    whole = validate((out / "govscan.json").read_bytes())
    summary = json.loads((out / "summary.json").read_text())
    scopes = {row["scope"]: row for row in summary["scopes"]}
    assert set(scopes) == {AWS_A, AWS_B, GCP_PROJECT, AZURE_SUB}
    total = 0
    for scope, row in scopes.items():
        folder = out / row["folder"]
        assert folder == out / "by-scope" / scope_token(scope)
        assert {p.name for p in folder.iterdir()} == {"govscan.json", "govscan.csv", "govscan.html", "govscan.ocsf.jsonl"}
        doc = validate((folder / "govscan.json").read_bytes())
        assert {f["scope"] for f in doc["findings"]} == {scope}
        assert len(doc["findings"]) == row["findings"]
        assert row["by_status"]["FAIL"] == sum(1 for f in doc["findings"] if f["status"] == "FAIL")
        assert len(doc["collection_errors"]) == row["collection_errors"]
        assert doc["complete"] is (row["collection_errors"] == 0)
        total += row["findings"]
    assert total == len(whole["findings"])
    assert scopes[AWS_B]["collection_errors"] == 1 and scopes[AWS_B]["complete"] is False
    assert scopes[GCP_PROJECT]["complete"] is True
    # the Azure subscription id is not a folder name: it is made safe and unique
    assert "/" not in scopes[AZURE_SUB]["folder"].removeprefix("by-scope/")


def test_one_scope_writes_no_split(tmp_path: Path) -> None:
    out = tmp_path / "one"
    units, _ = resources()["gcp"]
    execute([(HandProvider("gcp", units), {})],
            ScanOptions(output_dir=str(out), formats=("json",), quiet=True, workers=1, split_by="scope"))
    assert not (out / "by-scope").exists() and not (out / "summary.json").exists()


def test_redact_through_the_runner_masks_every_written_file(tmp_path: Path) -> None:
    _, out = _run(tmp_path, redact=True, split_by="scope")
    doc = validate((out / "govscan.json").read_bytes())
    assert {f["scope"] for f in doc["findings"]} == {"scope-1", "scope-2", "scope-3", "scope-4"}
    reports = [p for p in out.rglob("govscan*") if p.is_file()] + [out / "summary.json"]
    assert len(reports) == 4 + 4 * 4 + 1
    for path in reports:
        data = path.read_bytes()
        for secret in (AWS_A, AWS_B, GCP_PROJECT, AZURE_SUB.split("/")[-1], "tax-copies-abroad", "203.0.113.7"):
            assert secret.encode() not in data, (path, secret)
    assert sorted(p.name for p in (out / "by-scope").iterdir()) == ["scope-1", "scope-2", "scope-3", "scope-4"]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_schema_validates_every_json_this_suite_produces(lang: str) -> None:
    result = sample_result()
    validate(render_json(result, lang))
    validate(render_json(redact(result), lang))
    for part in split_by_scope(result).values():
        validate(render_json(part, lang))


def test_scope_tokens_are_safe_and_distinct() -> None:
    scopes = [AWS_A, GCP_PROJECT, AZURE_SUB, AZURE_SUB.upper(), "ocid1.tenancy.oc1..aaaa", "../../etc", "a b", "a_b"]
    tokens = [scope_token(s) for s in scopes]
    assert len(set(tokens)) == len(tokens)
    assert all("/" not in t and not t.startswith(".") and t for t in tokens)
    assert scope_token(AWS_A) == AWS_A

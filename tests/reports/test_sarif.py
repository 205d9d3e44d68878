"""SARIF 2.1.0: valid against the OASIS schema, rules with ja/en text, levels, locations, fingerprints."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from reports import sarif
from scanner.model import ScanResult, Status

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "schemas" / "sarif-schema-2.1.0.json")
                    .read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_valid_against_the_published_schema(result: ScanResult, lang: str) -> None:
    document = json.loads(sarif.render(result, lang))
    jsonschema.Draft4Validator(SCHEMA).validate(document)
    assert document["version"] == "2.1.0"
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    res001 = next(r for r in rules if r["id"] == "GC-RES-001")
    titles = {"en": "Resource is located in an allowed location in Japan",
              "ja": "リソースが国内の許可されたロケーションに配置されていること"}
    expected_title = titles[lang]
    assert res001["shortDescription"]["text"] == expected_title
    assert res001["helpUri"].startswith("https://") and res001["properties"]["security-severity"] == "9.5"


def test_results_locations_levels_and_fingerprints(result: ScanResult) -> None:
    run = json.loads(sarif.render(result, "en"))["runs"][0]
    results = run["results"]
    statuses = {f.status for f in result.findings}
    assert Status.PASS in statuses and all(r["properties"]["status"] != "PASS" for r in results)
    assert len(results) == sum(1 for f in result.findings if f.status is not Status.PASS)
    code = next(r for r in results if r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].endswith("/aws_s3_bucket.archive_us")
                and r["ruleId"] == "GC-RES-001")
    physical = code["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"].endswith("tests/fixtures/iac/terraform/aws_platform/storage.tf")
    assert not physical["artifactLocation"]["uri"].startswith("/")
    assert physical["region"]["startLine"] == 83 and code["level"] == "error"  # the `provider = aws.oregon` line
    fingerprints = {f.fingerprint for f in result.findings}
    assert all(r["partialFingerprints"]["govscanFingerprint/v1"] in fingerprints for r in results)
    live = next(r for r in results if r["partialFingerprints"]["govscanFingerprint/v1"] == "0" * 32)
    assert "physicalLocation" not in live["locations"][0]
    assert live["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "aws/111122223333/arn:aws:s3:::live-bucket"
    unknown = next(r for r in results if r["partialFingerprints"]["govscanFingerprint/v1"] == "1" * 32)
    assert unknown["level"] == "warning" and unknown["message"]["text"].startswith("[UNKNOWN]")
    muted = [r for r in results if r["properties"]["status"] == "MUTED"]
    assert muted and all(r["suppressions"][0]["kind"] == "inSource" and r["suppressions"][0]["justification"] for r in muted)


def test_collection_errors_are_notifications_with_location(result: ScanResult) -> None:
    invocation = json.loads(sarif.render(result, "en"))["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    note = invocation["toolExecutionNotifications"][0]
    assert note["level"] == "error" and "HCL syntax error" in note["message"]["text"]
    assert note["locations"][0]["physicalLocation"]["region"]["startLine"] == 7


def test_stable_bytes_and_baseline_state(result: ScanResult) -> None:
    assert sarif.render(result, "en") == sarif.render(result, "en")
    marked = ScanResult(findings=[replace(f, baselined=f.fingerprint == "0" * 32) for f in result.findings],
                        complete=True, version="0.1.0")
    results = json.loads(sarif.render(marked, "en"))["runs"][0]["results"]
    states = {r["partialFingerprints"]["govscanFingerprint/v1"]: r["baselineState"] for r in results}
    assert states["0" * 32] == "unchanged" and states["1" * 32] == "new"
    jsonschema.Draft4Validator(SCHEMA).validate(json.loads(sarif.render(marked, "en")))

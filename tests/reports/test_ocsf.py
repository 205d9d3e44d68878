"""OCSF output: every line is a Compliance Finding carrying the attributes its class requires."""

from __future__ import annotations

import json

from reports.ocsf import render
from scanner.model import Status
from tests.reports.sample import sample_result

# Required attributes, read from the OCSF schema repository (ocsf/ocsf-schema):
#   events/base_event.json: activity_id, category_uid, class_uid, metadata, severity_id, time, type_uid
#   events/findings/finding.json: finding_info
#   events/findings/compliance_finding.json: compliance
#   profiles/cloud.json (the profile we declare in metadata.profiles): cloud
REQUIRED = ("activity_id", "category_uid", "class_uid", "metadata", "severity_id", "time", "type_uid",
            "finding_info", "compliance", "cloud")
# Required inside the objects: objects/metadata.json (product, version), objects/product.json (name;
# vendor_name in the 1.x releases), objects/finding_info.json (uid), objects/compliance.json (standards),
# objects/cloud.json (provider).
REQUIRED_NESTED = (("metadata", "product"), ("metadata", "version"), ("metadata", "product", "name"),
                   ("metadata", "product", "vendor_name"), ("finding_info", "uid"), ("compliance", "standards"),
                   ("cloud", "provider"))
SEVERITY_IDS = {0, 1, 2, 3, 4, 5, 6, 99}          # base_event severity_id enum
COMPLIANCE_STATUS_IDS = {0, 1, 2, 3, 99}          # objects/compliance.json status_id enum (+ Unknown/Other)


def _dig(obj: dict, path: tuple[str, ...]):
    for key in path:
        obj = obj[key]
    return obj


def test_every_line_is_a_compliance_finding_with_required_attributes() -> None:
    result = sample_result()
    lines = render(result, "en").decode().splitlines()
    assert len(lines) == len(result.findings) + len(result.collection_errors)
    for line in lines:
        event = json.loads(line)
        missing = [a for a in REQUIRED if event.get(a) in (None, "", [], {})]
        assert not missing, (missing, event)
        for path in REQUIRED_NESTED:
            assert _dig(event, path) not in (None, "", []), path
        assert (event["class_uid"], event["category_uid"], event["type_uid"]) == (2003, 2, 200301)
        assert event["activity_id"] == 1
        assert event["severity_id"] in SEVERITY_IDS
        assert event["compliance"]["status_id"] in COMPLIANCE_STATUS_IDS
        assert isinstance(event["time"], int) and event["time"] > 0
        assert event["resources"] and all(isinstance(r, dict) for r in event["resources"])


def test_status_severity_and_identity_mapping() -> None:
    result = sample_result()
    events = [json.loads(x) for x in render(result, "ja").decode().splitlines()]
    by_uid = {e["finding_info"]["uid"]: e for e in events}
    expected = {Status.PASS: (1, "Pass"), Status.FAIL: (3, "Fail"), Status.UNKNOWN: (2, "Warning")}
    for f in result.findings:
        e = by_uid[f.fingerprint]
        assert (e["compliance"]["status_id"], e["compliance"]["status"]) == expected[f.status]
        assert e["severity_id"] == {"info": 1, "low": 2, "medium": 3, "high": 4, "critical": 5}[f.severity.value]
        assert e["cloud"] == {"provider": f.provider, "account": {"uid": f.scope}, "region": f.location}
        assert e["resources"][0]["uid"] == f.resource_id
        assert e["compliance"]["requirements"] == [str(r) for r in f.references]
        assert e["finding_info"]["title"] == f.title.ja
        assert e["remediation"]["desc"] == f.remediation.ja
    errors = [e for e in events if e["finding_info"]["uid"].startswith("collection-error:")]
    assert len(errors) == 2 and all(e["compliance"]["status"] == "Warning" for e in errors)

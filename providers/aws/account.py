"""The `account` resource: audit, configuration recording, threat detection, findings aggregation,
password policy, root user, S3 account block, default EBS encryption and region guardrails."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from providers.aws import identity, logs, organizations, storage
from providers.aws.calls import Failed, Reply, call
from providers.aws.normalize import fact, resource
from providers.aws.session import GLOBAL, HOME_REGION, JAPAN, Scope, enabled_regions
from scanner.model import CollectionError, Resource, Unknown

KINDS = ("account", "policy.guardrail")


def _region_replies(scope: Scope, region: str) -> dict[str, Reply | Failed]:
    out: dict[str, Reply | Failed] = {
        "ebs_default": call(scope.client("ec2", region), "get_ebs_encryption_by_default"),
        "trails": call(scope.client("cloudtrail", region), "describe_trails", includeShadowTrails=False),
    }
    if region in JAPAN:
        gd = scope.client("guardduty", region)
        detectors = call(gd, "list_detectors")
        out["detectors"] = detectors
        if not isinstance(detectors, Failed):
            for i, detector in enumerate(detectors.get("DetectorIds", [])):
                out[f"detector{i}"] = call(gd, "get_detector", DetectorId=detector)
        cfg = scope.client("config", region)
        out["recorders"] = call(cfg, "describe_configuration_recorders")
        out["recorder_status"] = call(cfg, "describe_configuration_recorder_status")
        out["hub"] = call(scope.client("securityhub", region), "describe_hub")
        out["analyzers"] = call(scope.client("accessanalyzer", region), "list_analyzers", type="ACCOUNT")
    return out


def collect_account(scope: Scope, region: str) -> Iterator[Resource | CollectionError]:
    """One `account` resource with facts from many services, plus the region guardrails it found."""
    with ThreadPoolExecutor(max_workers=8, thread_name_prefix="govscan-acct") as pool:
        per_region = dict(zip(scope.regions, pool.map(lambda r: _region_replies(scope, r), scope.regions), strict=True))
        report_future = pool.submit(identity.credential_report, scope)
        iam = scope.client("iam", GLOBAL)
        summary = call(iam, "get_account_summary")
        password = call(iam, "get_account_password_policy")
        contact = call(scope.client("account", "us-east-1"), "get_alternate_contact", AlternateContactType="SECURITY")
        pab = storage.account_public_access_block(scope)
        regions_reply = call(scope.client("ec2", HOME_REGION), "describe_regions", AllRegions=True)
        guardrails, org_facts, org_failures = organizations.guardrails(scope)
        trails = [t for r, replies in per_region.items() if not isinstance(replies["trails"], Failed)
                  for t in replies["trails"].get("trailList", []) if t.get("HomeRegion", r) == r]
        trail_replies = list(pool.map(lambda t: logs.read_trail(scope, t), trails))
        report = report_future.result()
    for region_name, replies in per_region.items():
        for reply in replies.values():
            if isinstance(reply, Failed) and reply.code not in _ABSENT_CODES:
                yield scope.error(_service(reply), region_name, reply, ("account",))
    for reply in (summary, password, pab, report, contact, regions_reply, *org_failures):
        if isinstance(reply, Failed) and reply.code not in _ABSENT_CODES:
            yield scope.error(_service(reply), GLOBAL, reply, ("account",))
    yield from organizations.iter_guardrails(guardrails)
    attrs: dict[str, Any] = {
        **audit_facts(per_region, trail_replies),
        **regional_facts(per_region, scope.regions),
        **identity.root_facts(report, summary),
        **identity.password_policy_facts(password),
        **org_facts,
        "storage.public_access_block": fact(pab, lambda r: all(
            r["PublicAccessBlockConfiguration"].get(k) is True for k in storage._PAB_KEYS),
            {"NoSuchPublicAccessBlockConfiguration": False}),
        "regions.enabled": enabled_regions(regions_reply),
        "security_contact.present": fact(contact, lambda r: bool(r.get("AlternateContact", {}).get("EmailAddress")),
                                         {"ResourceNotFoundException": False}),
    }
    yield resource("account", "AWS::::Account", f"arn:aws:iam::{scope.account}:root", scope.account, scope.account,
                   GLOBAL, attrs)


_ABSENT_CODES = frozenset({"NoSuchEntity", "ResourceNotFoundException", "NoSuchPublicAccessBlockConfiguration", "InvalidAccessException",
                           "AWSOrganizationsNotInUseException"})


def _service(reply: Failed) -> str:
    return reply.operation.split(":")[0]


def audit_facts(per_region: Mapping[str, Mapping[str, Reply | Failed]], trails: list[logs.TrailReplies]) -> dict[str, Any]:
    """Pure: CloudTrail facts; a region whose trails could not be listed makes 'no trail' Unknown."""
    facts = logs.audit_facts(trails)
    failed = [r["trails"] for r in per_region.values() if isinstance(r["trails"], Failed)]
    if failed:
        why = failed[0].unknown()
        for key, value in facts.items():
            if value is not True:
                facts[key] = why
    return facts


def regional_facts(per_region: Mapping[str, Mapping[str, Reply | Failed]], regions: tuple[str, ...]) -> dict[str, Any]:
    """Pure: facts that must hold in every (Japanese) region: EBS default encryption, GuardDuty, Config, Security Hub."""
    ebs = [fact(r["ebs_default"], lambda x: bool(x.get("EbsEncryptionByDefault"))) for r in per_region.values()]
    japan = [r for r in JAPAN if r in regions]
    facts: dict[str, Any] = {"compute.default_disk_encryption": _every(ebs)}
    if not japan:
        why = Unknown("no Japanese region was scanned")
        return {**facts, "threat_detection.enabled": why, "threat_detection.missing_regions": why,
                "config.recording": why, "findings_aggregation.enabled": why, "access_analyzer.enabled": why}
    detection = {r: _guardduty_on(per_region[r]) for r in japan}
    missing = [r for r, on in detection.items() if on is False]
    facts["threat_detection.enabled"] = _every(list(detection.values()))
    unknown = next((v for v in detection.values() if isinstance(v, Unknown)), None)
    facts["threat_detection.missing_regions"] = missing if unknown is None or missing else unknown
    facts["config.recording"] = _every([_recording(per_region[r]) for r in japan])
    facts["findings_aggregation.enabled"] = _every([
        fact(per_region[r]["hub"], lambda x: bool(x.get("HubArn")), {"InvalidAccessException": False,
                                                                     "ResourceNotFoundException": False})
        for r in japan])
    facts["access_analyzer.enabled"] = _every([
        fact(per_region[r]["analyzers"], lambda x: any(a.get("status") == "ACTIVE" for a in x.get("analyzers", [])))
        for r in japan])
    return facts


def _every(values: list[Any]) -> bool | Unknown:
    if any(v is False for v in values):
        return False
    return next((v for v in values if isinstance(v, Unknown)), True)


def _guardduty_on(replies: Mapping[str, Reply | Failed]) -> bool | Unknown:
    detectors = replies["detectors"]
    if isinstance(detectors, Failed):
        return detectors.unknown()
    states = [fact(v, lambda x: x.get("Status") == "ENABLED") for k, v in replies.items() if k.startswith("detector") and k != "detectors"]
    if not states:
        return False
    if any(s is True for s in states):
        return True
    return next((s for s in states if isinstance(s, Unknown)), False)


def _recording(replies: Mapping[str, Reply | Failed]) -> bool | Unknown:
    recorders, status = replies["recorders"], replies["recorder_status"]
    if isinstance(recorders, Failed):
        return recorders.unknown()
    if isinstance(status, Failed):
        return status.unknown()
    complete = {r["name"] for r in recorders.get("ConfigurationRecorders", [])
                if (r.get("recordingGroup") or {}).get("allSupported", True)}
    return any(s.get("recording") and s.get("name") in complete for s in status.get("ConfigurationRecordersStatus", []))

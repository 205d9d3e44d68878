"""CloudTrail trails as `audit.trail`, the account's audit facts, and CloudWatch Logs groups as `log.store`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from providers.aws.calls import Failed, Reply, call, pages, required
from providers.aws.normalize import fact, resource
from providers.aws.session import GLOBAL, Scope
from providers.aws.storage import bucket_region
from scanner.model import CollectionError, Resource, Unknown


@dataclass(frozen=True)
class TrailReplies:
    """A trail and the detail replies read for it."""

    trail: Mapping[str, Any]
    status: Reply | Failed
    selectors: Reply | Failed
    bucket_location: Reply | Failed


def read_trail(scope: Scope, trail: Mapping[str, Any]) -> TrailReplies:
    """Status, event selectors and the bucket location of one trail, called in its home region."""
    ct = scope.client("cloudtrail", trail.get("HomeRegion") or GLOBAL)
    arn = trail.get("TrailARN") or trail["Name"]
    location: Reply | Failed = Failed("s3:GetBucketLocation", "NoBucket", "trail has no S3 bucket")
    if trail.get("S3BucketName"):
        location = call(scope.client("s3", GLOBAL), "get_bucket_location", Bucket=trail["S3BucketName"])
    return TrailReplies(trail, call(ct, "get_trail_status", Name=arn), call(ct, "get_event_selectors", TrailName=arn),
                        location)


def collect_trails(scope: Scope, region: str) -> Iterator[Resource | CollectionError]:
    """Trails homed in `region`."""
    reply = required(scope.client("cloudtrail", region), "describe_trails", includeShadowTrails=False)
    for trail in reply.get("trailList", []):
        if trail.get("HomeRegion", region) != region:
            continue
        replies = read_trail(scope, trail)
        for r in (replies.status, replies.selectors):
            if isinstance(r, Failed):
                yield scope.error("cloudtrail", region, r, ("audit.trail",))
        yield normalize_trail(replies, scope.account, region)


def normalize_trail(replies: TrailReplies, account: str, region: str) -> Resource:
    """Pure: one trail with its status and bucket location."""
    trail = replies.trail
    attrs = {
        "enabled": fact(replies.status, lambda r: bool(r.get("IsLogging"))),
        "multi_region": bool(trail.get("IsMultiRegionTrail")),
        "log_file_validation": bool(trail.get("LogFileValidationEnabled")),
        "encryption.at_rest": "customer_key" if trail.get("KmsKeyId") else "provider_key",
        "destination.locations": [trail_bucket_region(replies)],
    }
    return resource("audit.trail", "AWS::CloudTrail::Trail", trail.get("TrailARN", trail["Name"]), trail["Name"],
                    account, region, attrs)


def trail_bucket_region(replies: TrailReplies) -> str | Unknown:
    """Where the trail's log files land."""
    reply = replies.bucket_location
    if isinstance(reply, Failed) and reply.code in ("AccessDenied", "NoSuchBucket"):
        return Unknown(f"trail bucket {replies.trail.get('S3BucketName')} is outside the scanned scope ({reply.code})")
    return bucket_region(reply)


def management_events(selectors: Reply) -> bool | Unknown:
    """Pure: the selectors record management events (read and write)."""
    basic = selectors.get("EventSelectors") or []
    if not basic and not selectors.get("AdvancedEventSelectors"):
        return Unknown("the trail returned no event selectors")
    if any(s.get("IncludeManagementEvents", True) and s.get("ReadWriteType", "All") == "All" for s in basic):
        return True
    for adv in selectors.get("AdvancedEventSelectors") or []:
        for field in adv.get("FieldSelectors", []):
            if field.get("Field") == "eventCategory" and "Management" in field.get("Equals", []):
                return True
    return False


def s3_data_events(selectors: Reply) -> bool:
    """Pure: the selectors record S3 object-level data events."""
    for sel in selectors.get("EventSelectors") or []:
        if any(r.get("Type") == "AWS::S3::Object" for r in sel.get("DataResources", [])):
            return True
    for adv in selectors.get("AdvancedEventSelectors") or []:
        fields = {f.get("Field"): f.get("Equals", []) for f in adv.get("FieldSelectors", [])}
        if "Data" in fields.get("eventCategory", []) and "AWS::S3::Object" in fields.get("resources.type", []):
            return True
    return False


def audit_facts(trails: list[TrailReplies]) -> dict[str, Any]:
    """Pure: the account's audit facts from every trail it has."""
    if not trails:
        return {"audit.enabled": False, "audit.log_file_validation": False, "audit.customer_key": False,
                "audit.data_events": False, "audit.destination_locations": []}
    enabled: list[bool | Unknown] = []
    data: list[bool | Unknown] = []
    for t in trails:
        logging = fact(t.status, lambda r: bool(r.get("IsLogging")))
        mgmt = fact(t.selectors, management_events)
        both = _and(logging, mgmt)
        enabled.append(_and(both, bool(t.trail.get("IsMultiRegionTrail"))))
        data.append(_and(logging, fact(t.selectors, s3_data_events)))
    return {
        "audit.enabled": _any(enabled),
        "audit.log_file_validation": all(bool(t.trail.get("LogFileValidationEnabled")) for t in trails),
        "audit.customer_key": all(bool(t.trail.get("KmsKeyId")) for t in trails),
        "audit.data_events": _any(data),
        "audit.destination_locations": sorted({r for t in trails if isinstance(r := trail_bucket_region(t), str)})
        + [r for t in trails if isinstance(r := trail_bucket_region(t), Unknown)],
    }


def _and(a: bool | Unknown, b: bool | Unknown) -> bool | Unknown:
    if a is False or b is False:
        return False
    return a if isinstance(a, Unknown) else b


def _any(values: list[bool | Unknown]) -> bool | Unknown:
    if any(v is True for v in values):
        return True
    return next((v for v in values if isinstance(v, Unknown)), False)


def collect_log_groups(scope: Scope, region: str) -> Iterator[Resource | CollectionError]:
    """CloudWatch Logs groups as `log.store`."""
    logs = scope.client("logs", region)
    for group in pages(logs, "describe_log_groups", "logGroups"):
        yield normalize_log_group(group, scope.account, region)


def normalize_log_group(group: Mapping[str, Any], account: str, region: str) -> Resource:
    """Pure: one DescribeLogGroups item (no retentionInDays: never expires, written as 0)."""
    name = group["logGroupName"]
    arn = str(group.get("arn") or f"arn:aws:logs:{region}:{account}:log-group:{name}").removesuffix(":*")
    return resource("log.store", "AWS::Logs::LogGroup", arn, name, account, region, {
        "retention_days": int(group.get("retentionInDays") or 0),
        "encryption.at_rest": "customer_key" if group.get("kmsKeyId") else "provider_key",
    })

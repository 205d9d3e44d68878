"""S3 buckets as `storage.bucket`: one global list, then detail calls in each bucket's own region."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from providers.aws.calls import Failed, Reply, call, pages
from providers.aws.normalize import (
    as_list,
    fact,
    policy_document,
    resource,
    sorted_unique,
    statements,
)
from providers.aws.session import GLOBAL, Scope
from scanner.conditions import all_of, any_of
from scanner.model import CollectionError, Resource, Unknown

DETAIL = (
    "get_bucket_encryption", "get_public_access_block", "get_bucket_policy", "get_bucket_policy_status",
    "get_bucket_acl", "get_bucket_versioning", "get_bucket_logging", "get_bucket_replication",
    "get_bucket_ownership_controls", "get_object_lock_configuration", "get_bucket_tagging",
)
ALL_USERS = ("http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")
_PAB_KEYS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
KINDS = ("storage.bucket",)
# Every AWS API endpoint, S3 included, refuses TLS 1.0 and 1.1 since 2024; a bucket policy can only raise it.
BASELINE_TLS = "1.2"


def account_public_access_block(scope: Scope) -> Reply | Failed:
    """The account-level S3 Block Public Access setting (s3control)."""
    return call(scope.client("s3control", GLOBAL), "get_public_access_block", AccountId=scope.account)


def collect_buckets(scope: Scope, region: str) -> Iterator[Resource | CollectionError]:
    """Yield one resource per bucket; a failed detail call blurs one fact, not the bucket."""
    s3 = scope.client("s3", GLOBAL)
    names = [b["Name"] for b in pages(s3, "list_buckets", "Buckets")]
    account_pab = account_public_access_block(scope)
    if isinstance(account_pab, Failed) and account_pab.code != "NoSuchPublicAccessBlockConfiguration":
        yield scope.error("s3", GLOBAL, account_pab, KINDS)
    with ThreadPoolExecutor(max_workers=8, thread_name_prefix="govscan-s3") as pool:
        locations = dict(zip(names, pool.map(lambda n: call(s3, "get_bucket_location", Bucket=n), names), strict=True))
        regions = {n: bucket_region(r) for n, r in locations.items()}
        details = pool.map(lambda n: _details(scope, n, regions[n]), names)
        for name, replies in zip(names, details, strict=True):
            for reply in (locations[name], *replies.values()):
                if isinstance(reply, Failed) and reply.denied:
                    yield scope.error("s3", str(regions[name]), reply, KINDS)
            yield normalize_bucket(name, scope.account, locations[name], replies, account_pab, regions)


def _details(scope: Scope, name: str, region: str | Unknown) -> dict[str, Reply | Failed]:
    s3 = scope.client("s3", region if isinstance(region, str) else GLOBAL)
    replies: dict[str, Reply | Failed] = {}
    for op in DETAIL:
        policy = replies.get("get_bucket_policy")
        if op == "get_bucket_policy_status" and isinstance(policy, Failed) and policy.code == "NoSuchBucketPolicy":
            replies[op] = policy  # no policy, so the policy cannot make the bucket public: save the call
            continue
        replies[op] = call(s3, op, Bucket=name)
    return replies


def bucket_region(reply: Reply | Failed) -> str | Unknown:
    """The region of a bucket from GetBucketLocation."""
    if isinstance(reply, Failed):
        return reply.unknown()
    constraint = reply.get("LocationConstraint")
    if constraint in (None, ""):
        return "us-east-1"  # the API reports the original region as an empty constraint
    if constraint == "EU":
        return "eu-west-1"  # legacy alias still returned for old buckets
    return str(constraint)


def normalize_bucket(name: str, account: str, location: Reply | Failed, replies: Mapping[str, Reply | Failed],
                     account_pab: Reply | Failed, bucket_regions: Mapping[str, str | Unknown]) -> Resource:
    """Pure: recorded replies in, one normalized `storage.bucket` out."""
    bucket_pab = _pab_full(replies["get_public_access_block"])
    acct_pab = _pab_full(account_pab)
    pab = any_of(bucket_pab, acct_pab)
    ignore_acls = any_of(_pab_flag(replies["get_public_access_block"], "IgnorePublicAcls"),
                            _pab_flag(account_pab, "IgnorePublicAcls"))
    restrict = any_of(_pab_flag(replies["get_public_access_block"], "RestrictPublicBuckets"),
                         _pab_flag(account_pab, "RestrictPublicBuckets"))
    policy_public = fact(replies["get_bucket_policy_status"], lambda r: bool(r["PolicyStatus"].get("IsPublic")),
                         {"NoSuchBucketPolicy": False})
    acl_public = fact(replies["get_bucket_acl"], _acl_public)
    public = any_of(all_of(policy_public, _not(restrict)), all_of(acl_public, _not(ignore_acls)))
    attrs: dict[str, Any] = {
        "encryption.at_rest": fact(replies["get_bucket_encryption"], _encryption,
                                   {"ServerSideEncryptionConfigurationNotFoundError": "none"}),
        "public_access_block": pab,
        "public": public,
        "versioning": fact(replies["get_bucket_versioning"], lambda r: r.get("Status") == "Enabled"),
        "access_logging": fact(replies["get_bucket_logging"], lambda r: bool(r.get("LoggingEnabled"))),
        "tls_only": fact(replies["get_bucket_policy"], _denies_insecure_transport, {"NoSuchBucketPolicy": False}),
        "tls.min_version": fact(replies["get_bucket_policy"], _min_tls, {"NoSuchBucketPolicy": BASELINE_TLS}),
        "replication.locations": fact(replies["get_bucket_replication"],
                                      lambda r: _replication_regions(r, bucket_regions),
                                      {"ReplicationConfigurationNotFoundError": []}),
        "uniform_access": fact(replies["get_bucket_ownership_controls"], _owner_enforced,
                               {"OwnershipControlsNotFoundError": False}),
        "object_lock": fact(replies["get_object_lock_configuration"],
                            lambda r: r.get("ObjectLockConfiguration", {}).get("ObjectLockEnabled") == "Enabled",
                            {"ObjectLockConfigurationNotFoundError": False}),
    }
    tags = fact(replies.get("get_bucket_tagging", Failed("s3:GetBucketTagging", "NoSuchTagSet")),
                lambda r: {t["Key"]: t["Value"] for t in r.get("TagSet", [])}, {"NoSuchTagSet": {}})
    return resource("storage.bucket", "AWS::S3::Bucket", f"arn:aws:s3:::{name}", name, account,
                    bucket_region(location), attrs, tags if isinstance(tags, dict) else {})


def _not(value: bool | Unknown) -> bool | Unknown:
    return value if isinstance(value, Unknown) else not value


def _pab_full(reply: Reply | Failed) -> bool | Unknown:
    return fact(reply, lambda r: all(r["PublicAccessBlockConfiguration"].get(k) is True for k in _PAB_KEYS),
                {"NoSuchPublicAccessBlockConfiguration": False})


def _pab_flag(reply: Reply | Failed, key: str) -> bool | Unknown:
    return fact(reply, lambda r: r["PublicAccessBlockConfiguration"].get(key) is True,
                {"NoSuchPublicAccessBlockConfiguration": False})


def _encryption(reply: Reply) -> str:
    rules = reply["ServerSideEncryptionConfiguration"]["Rules"]
    defaults = [r.get("ApplyServerSideEncryptionByDefault") or {} for r in rules]
    if not any(d.get("SSEAlgorithm") for d in defaults):
        return "none"
    # SSE-KMS with a named key is a customer key; aws:kms without one uses the AWS-managed aws/s3 key
    if any(d.get("KMSMasterKeyID") and "alias/aws/" not in str(d.get("KMSMasterKeyID")) for d in defaults):
        return "customer_key"
    return "provider_key"


def _acl_public(reply: Reply) -> bool:
    return any(g.get("Grantee", {}).get("URI") in ALL_USERS for g in reply.get("Grants", []))


def _owner_enforced(reply: Reply) -> bool:
    rules = reply.get("OwnershipControls", {}).get("Rules", [])
    return any(r.get("ObjectOwnership") == "BucketOwnerEnforced" for r in rules)


def _denies_insecure_transport(reply: Reply) -> bool | Unknown:
    doc = policy_document(reply.get("Policy"))
    if isinstance(doc, Unknown):
        return doc
    for stmt in statements(doc):
        if stmt.get("Effect") != "Deny":
            continue
        for operator in ("Bool", "BoolIfExists"):
            value = (stmt.get("Condition") or {}).get(operator, {}).get("aws:SecureTransport")
            if str(value).lower() in ("false", "['false']"):
                return True
    return False


def _min_tls(reply: Reply) -> str | Unknown:
    doc = policy_document(reply.get("Policy"))
    if isinstance(doc, Unknown):
        return doc
    versions = [BASELINE_TLS]
    for stmt in statements(doc):
        if stmt.get("Effect") != "Deny":
            continue
        for operator in ("NumericLessThan", "NumericLessThanIfExists"):
            value = (stmt.get("Condition") or {}).get(operator, {}).get("s3:TlsVersion")
            for v in as_list(value):
                versions.append(str(v))
    return max(versions, key=lambda v: tuple(int(p) for p in v.split(".") if p.isdigit()))


def _replication_regions(reply: Reply, bucket_regions: Mapping[str, str | Unknown]) -> list[Any]:
    rules = reply.get("ReplicationConfiguration", {}).get("Rules", [])
    out: list[Any] = []
    for rule in rules:
        if rule.get("Status") != "Enabled":
            continue
        dest = str(rule.get("Destination", {}).get("Bucket", ""))
        name = dest.removeprefix("arn:aws:s3:::")
        region = bucket_regions.get(name)
        out.append(region if region is not None else Unknown(f"destination {name} outside scanned scope"))
    return sorted_unique(out)

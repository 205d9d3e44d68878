"""End to end through moto: residency everywhere, every seeded misconfiguration and its compliant twin."""

from __future__ import annotations

from scanner.catalog import load_catalog
from scanner.kinds import KINDS, validate_resource_facts
from scanner.model import Status
from tests.providers.aws.conftest import World, dump

JAPAN = {"ap-northeast-1", "ap-northeast-3"}

# Checks moto cannot drive one way; each is proven both ways on recorded payloads in test_normalize.py.
MOTO_GAPS = {
    "GC-IAM-001": "root access keys cannot be created in moto (FAIL proven on a recorded credential report)",
    "GC-IAM-002": "root MFA cannot be enabled in moto (PASS proven on a recorded credential report)",
    "GC-IAM-004": "moto credentials are always fresh (FAIL proven on a recorded credential report)",
    "GC-IAM-005": "moto keys are always fresh (FAIL proven on a recorded credential report)",
    "GC-IAM-012": "moto does not implement IAM Access Analyzer (both ways on recorded ListAnalyzers replies)",
    "GC-RES-008": "moto does not implement RDS automated backup replication (FAIL on a recorded DBInstance)",
    "GC-RES-017": "EBS snapshots are stored in their own region (FAIL seen on a foreign snapshot payload)",
    "GC-GOV-001": "tag policy: the baseline requires no tags, so it cannot fail without an organization policy",
    "GC-IAM-101": "moto cannot attach instance profiles at launch without IAM wiring (both ways on recorded items)",
    # one organization: every account shares the root SCP and the organization, and the scan enables foreign regions
    "GC-GOV-003": "every scanned account is in the organization (FAIL proven on a recorded DescribeOrganization error)",
    "GC-RES-002": "every account inherits the root SCP (FAIL proven on recorded Organizations payloads)",
    "GC-RES-003": "the seeded SCP allows only Japan (FAIL proven on a recorded SCP document)",
    "GC-RES-015": "the scan enables foreign regions on purpose (PASS proven on a Japan-only region list)",
}


def test_every_resource_matches_the_kinds_table(world: World) -> None:
    problems = {f"{r.kind} {r.name}": p for r in world.resources if (p := validate_resource_facts(r.kind, r.attrs))}
    assert not problems, dump(problems)
    assert {r.kind for r in world.resources} >= {"account", "storage.bucket", "compute.instance", "compute.disk",
                                                  "compute.snapshot", "network.firewall", "network.vpc", "identity.user",
                                                  "audit.trail", "kms.key", "database.instance", "nosql.table",
                                                  "log.store", "backup.plan", "cdn.distribution", "compute.function",
                                                  "container.registry", "network.loadbalancer", "policy.guardrail"}


def test_every_resource_outside_japan_fails_residency(world: World) -> None:
    located = [r for r in world.resources if KINDS[r.kind].located and r.location != "global"]
    abroad = [r for r in located if r.location not in JAPAN]
    assert {r.location for r in abroad} >= {"us-east-1", "us-west-2", "eu-west-1"}
    for r in located:
        [finding] = world.findings("GC-RES-001", resource_id=r.id, scope=r.scope)
        expected = Status.PASS if r.location in JAPAN else Status.FAIL
        assert finding.status is expected, f"{r.kind} {r.name} in {r.location}: {finding.status}"


def test_global_services_are_never_passed_on_residency(world: World) -> None:
    for f in world.findings("GC-RES-001", location="global"):
        assert f.status is not Status.PASS, f


def _status(world: World, check: str, name: str, scope: str | None = None) -> Status:
    found = [f for f in world.findings(check) if f.resource_name == name and (scope is None or f.scope == scope)]
    if len(found) > 1:  # the same name abroad (a DynamoDB replica, a multi-Region key): take the one in Japan
        found = [f for f in found if f.location in JAPAN]
    assert len(found) == 1, f"{check} on {name}: {found}"
    return found[0].status


def test_seeded_misconfigurations_fail_and_their_twins_pass(world: World) -> None:
    cases = [
        ("GC-RES-004", "repl-abroad", "gov-data"),        # S3 replication to Oregon vs to Osaka
        ("GC-NET-004", "open-data", "gov-data"),          # public ACL
        ("GC-NET-018", "open-data", "gov-data"),          # bucket public access block
        ("GC-ENC-005", "open-data", "gov-data"),          # TLS-only bucket policy
        ("GC-BAK-003", "open-data", "gov-data"),          # versioning
        ("GC-LOG-017", "open-data", "gov-data"),          # access logging
        ("GC-IAM-102", "open-data", "gov-data"),          # ACLs disabled
        ("GC-NET-001", "open-ssh", "ssh-internal"),       # 22 open to the world
        ("GC-NET-007", world.ids["imdsv1_instance"], world.ids["imdsv2_instance"]),
        ("GC-ENC-001", world.ids["plain_volume"], world.ids["cmk_volume"]),
        ("GC-NET-008", world.ids["public_snapshot"], world.ids["private_snapshot"]),
        ("GC-IAM-003", "alice", "bob"),                   # console user without MFA
        ("GC-IAM-007", "alice", "bob"),                   # full admin policy
        ("GC-RES-010", "multi-region", "gov-cmk"),      # multi-Region key with a replica in Oregon
        ("GC-ENC-008", "no-rotation", "gov-cmk"),
        ("GC-ENC-002", "db-public", "db-private"),
        ("GC-NET-005", "db-public", "db-private"),
        ("GC-BAK-001", "db-public", "db-private"),
        ("GC-BAK-004", "db-public", "db-private"),
        ("GC-BAK-005", "db-public", "db-private"),
        ("GC-RES-006", "db-geo", "db-private"),           # cross-region read replica in Oregon
        ("GC-BAK-008", "sessions", "orders"),
        ("GC-LOG-101", "/gov/debug", "/gov/app"),       # log group KMS
        ("GC-RES-007", "dr-abroad", "daily-jp"),          # backup copy to us-east-1
        ("GC-RES-004", "dr-images", "app-secure"),        # ECR replication to Oregon
        ("GC-GOV-101", "app", "app-secure"),
        ("GC-GOV-102", "app", "app-secure"),
        ("GC-NET-020", "public-fn", "private-fn"),        # function URL without auth
        ("GC-ENC-007", "alb-http", "alb-redirect"),
        ("GC-RES-011", "us-trail", "org-trail"),          # trail logs to a bucket in Oregon
        ("GC-LOG-018", "us-trail", "org-trail"),
    ]
    for check, bad, good in cases:
        assert _status(world, check, bad) is Status.FAIL, f"{check} {bad}"
        assert _status(world, check, good) is Status.PASS, f"{check} {good}"


def test_account_checks_fail_on_the_demo_and_pass_on_the_compliant_member(world: World) -> None:
    demo, good = world.accounts["demo"], world.accounts["compliant"]
    for check in ("GC-ENC-014", "GC-LOG-002", "GC-LOG-003", "GC-LOG-005", "GC-LOG-006", "GC-LOG-007", "GC-IAM-008",
                  "GC-NET-017", "GC-GOV-005"):
        assert _status(world, check, demo, demo) is Status.FAIL, check
        assert _status(world, check, good, good) is Status.PASS, check


def test_every_check_that_applies_to_aws_is_seen_both_ways(world: World) -> None:
    catalog = load_catalog()
    from providers.aws import AwsProvider

    kinds = AwsProvider.kinds
    applying = sorted(c.id for c in catalog.checks.values()
                      if (c.providers is None or "aws" in c.providers) and set(c.kinds) & kinds and c.live)
    assert len(applying) >= 45
    missing = {}
    for check in applying:
        statuses = {f.status for f in world.findings(check)}
        if check in MOTO_GAPS:
            continue
        if not {Status.PASS, Status.FAIL} <= statuses:
            missing[check] = sorted(statuses)
    assert not missing, " ".join(f"{k}={'/'.join(v)}" for k, v in sorted(missing.items()))


def test_destination_outside_scope_is_unknown_not_fail(world: World) -> None:
    # gov-data replicates to gov-replica (in scope, Osaka): resolved. A bucket of another account is not.
    from providers.aws.calls import Failed
    from providers.aws.storage import normalize_bucket

    replies = {op: Failed("s3:" + op, "NoSuchBucketPolicy") for op in ()}
    assert replies == {}
    r = normalize_bucket("b", "1", {"LocationConstraint": "ap-northeast-1"},
                         _empty_replies({"get_bucket_replication": {"ReplicationConfiguration": {"Rules": [
                             {"Status": "Enabled", "Destination": {"Bucket": "arn:aws:s3:::elsewhere"}}]}}}),
                         {"NoSuchPublicAccessBlockConfiguration": True} and Failed("s3control:GetPublicAccessBlock",
                                                                                   "NoSuchPublicAccessBlockConfiguration"),
                         {"b": "ap-northeast-1"})
    [value] = r.attrs["replication.locations"]
    assert "outside scanned scope" in value.reason


def _empty_replies(overrides: dict) -> dict:
    from providers.aws.calls import Failed
    from providers.aws.storage import DETAIL

    absent = {"get_bucket_encryption": "ServerSideEncryptionConfigurationNotFoundError",
              "get_public_access_block": "NoSuchPublicAccessBlockConfiguration",
              "get_bucket_policy_status": "NoSuchBucketPolicy", "get_bucket_policy": "NoSuchBucketPolicy",
              "get_bucket_replication": "ReplicationConfigurationNotFoundError",
              "get_bucket_ownership_controls": "OwnershipControlsNotFoundError",
              "get_object_lock_configuration": "ObjectLockConfigurationNotFoundError", "get_bucket_tagging": "NoSuchTagSet"}
    replies: dict = {op: Failed(f"s3:{op}", absent[op]) if op in absent else {} for op in DETAIL}
    replies["get_bucket_acl"] = {"Grants": []}
    replies.update(overrides)
    return replies

"""Pure normalizers on recorded payloads (tests/fixtures/aws/), judged by the real catalog. Covers what
moto cannot produce: root MFA and keys, old keys, RDS backup replication, global-table replicas,
Access Analyzer, SCP allow-lists, opt-in regions, instance profiles."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from providers.aws import account, backup, compute, database, edge, identity, kms, logs, network, organizations, registry, storage
from providers.aws.calls import Failed
from providers.aws.normalize import resource
from providers.aws.session import enabled_regions
from scanner.catalog import load_catalog
from scanner.engine import Evaluator
from scanner.kinds import validate_resource_facts
from scanner.model import Resource, Status, Unknown
from scanner.policy import load_policy

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "aws"
NOW = datetime(2026, 11, 27, tzinfo=UTC)
ACCOUNT = "111122223333"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def judge() -> Any:
    catalog = load_catalog()
    evaluator = Evaluator(catalog, load_policy(None, catalog))

    def run(check: str, r: Resource) -> Status:
        assert not validate_resource_facts(r.kind, r.attrs), validate_resource_facts(r.kind, r.attrs)
        return evaluator.evaluate_check(catalog.checks[check], r).status

    return run


def _account(**facts: Any) -> Resource:
    return resource("account", "AWS::::Account", f"arn:aws:iam::{ACCOUNT}:root", ACCOUNT, ACCOUNT, "global", facts)


def test_root_keys_and_mfa_from_the_credential_report(judge: Any) -> None:
    bad = identity.root_facts(identity.parse_credential_report(load("iam_credential_report.json")), Failed("iam:X", "y"))
    good = identity.root_facts(identity.parse_credential_report(load("iam_credential_report_root_mfa.json")), Failed("iam:X", "y"))
    assert bad == {"root.mfa": False, "root.access_keys": True}
    assert judge("GC-IAM-001", _account(**bad)) is Status.FAIL and judge("GC-IAM-001", _account(**good)) is Status.PASS
    assert judge("GC-IAM-002", _account(**bad)) is Status.FAIL and judge("GC-IAM-002", _account(**good)) is Status.PASS


def test_root_facts_unknown_when_neither_source_answers(judge: Any) -> None:
    facts = identity.root_facts(Failed("iam:GetCredentialReport", "AccessDenied"), Failed("iam:GetAccountSummary", "AccessDenied"))
    assert all(isinstance(v, Unknown) for v in facts.values())
    assert judge("GC-IAM-001", _account(**facts)) is Status.UNKNOWN


def _users() -> dict[str, Resource]:
    rows = {r["user"]: r for r in identity.parse_credential_report(load("iam_credential_report.json"))}
    out = {}
    for name in ("stale-ops", "fresh-dev"):
        user = {"UserName": name, "Arn": rows[name]["arn"]}
        out[name] = identity.normalize_user(user, rows[name], False, ACCOUNT, NOW)
    return out


def test_old_keys_and_unused_credentials(judge: Any) -> None:
    users = _users()
    stale, fresh = users["stale-ops"].attrs, users["fresh-dev"].attrs
    assert stale["access_keys.active"] == 2 and stale["access_keys.max_age_days"] > 1000
    assert stale["credentials.unused_days"] > 600 and fresh["credentials.unused_days"] == 8
    for check in ("GC-IAM-004", "GC-IAM-005", "GC-IAM-006", "GC-IAM-003"):
        assert judge(check, users["stale-ops"]) is Status.FAIL, check
        assert judge(check, users["fresh-dev"]) is Status.PASS, check


def test_user_facts_unknown_when_the_report_fails(judge: Any) -> None:
    user = identity.normalize_user({"UserName": "x", "Arn": "arn:aws:iam::1:user/x"}, Failed("iam:GetCredentialReport", "AccessDenied"),
                                   Unknown("denied"), ACCOUNT, NOW)
    for check in ("GC-IAM-003", "GC-IAM-004", "GC-IAM-005", "GC-IAM-007"):
        assert judge(check, user) is Status.UNKNOWN


def test_admin_from_policy_documents() -> None:
    details = load("iam_authorization_details.json")
    assert identity.admin_users(details) == {"a", "b", "c"}


def test_password_policy(judge: Any) -> None:
    strong = identity.password_policy_facts({"PasswordPolicy": {"MinimumPasswordLength": 14, "PasswordReusePrevention": 24}})
    none = identity.password_policy_facts(Failed("iam:GetAccountPasswordPolicy", "NoSuchEntity"))
    denied = identity.password_policy_facts(Failed("iam:GetAccountPasswordPolicy", "AccessDenied"))
    assert judge("GC-IAM-008", _account(**strong)) is Status.PASS
    assert judge("GC-IAM-008", _account(**none)) is Status.FAIL
    assert judge("GC-IAM-008", _account(**denied)) is Status.UNKNOWN


def test_rds_replicas_and_backup_replication(judge: Any) -> None:
    ledger, archive = load("rds_describe_db_instances.json")["DBInstances"]
    abroad = database.normalize_db_instance(ledger, "customer_key", ACCOUNT, "ap-northeast-1")
    home = database.normalize_db_instance(archive, "customer_key", ACCOUNT, "ap-northeast-1")
    assert abroad.attrs["replication.locations"] == ["ap-northeast-1", "ap-northeast-3"]
    assert abroad.attrs["backup.locations"] == ["ap-northeast-1", "us-west-2"]
    assert judge("GC-RES-008", abroad) is Status.FAIL and judge("GC-RES-008", home) is Status.PASS
    assert judge("GC-RES-006", abroad) is Status.PASS  # read replicas in Tokyo and Osaka only
    assert judge("GC-GOV-103", abroad) is Status.PASS


def test_dynamodb_global_table_replica_abroad(judge: Any) -> None:
    payloads = load("misc_payloads.json")
    table = database.normalize_table("orders", payloads["dynamodb_global_table"], payloads["dynamodb_pitr"], "provider_key",
                                     ACCOUNT, "ap-northeast-1")
    assert table.attrs["replication.locations"] == ["ap-northeast-3", "us-east-1"]
    assert judge("GC-RES-006", table) is Status.FAIL
    assert judge("GC-BAK-008", table) is Status.PASS
    denied = database.normalize_table("orders", Failed("dynamodb:DescribeTable", "AccessDeniedException"),
                                      Failed("dynamodb:DescribeContinuousBackups", "AccessDeniedException"),
                                      Unknown("denied"), ACCOUNT, "ap-northeast-1")
    assert judge("GC-RES-006", denied) is Status.UNKNOWN and judge("GC-BAK-008", denied) is Status.UNKNOWN


def test_instances_imds_public_ip_and_roles(judge: Any) -> None:
    items = load("ec2_describe_instances.json")["Reservations"][0]["Instances"]
    app, legacy = (compute.normalize_instance(i, ACCOUNT, "ap-northeast-1") for i in items[:2])
    for check in ("GC-NET-007", "GC-NET-006", "GC-IAM-101"):
        assert judge(check, app) is Status.PASS, check
        assert judge(check, legacy) is Status.FAIL, check
    unknown = compute.normalize_instance({"InstanceId": "i-1"}, ACCOUNT, "ap-northeast-1")
    assert judge("GC-NET-007", unknown) is Status.UNKNOWN


def test_snapshot_storage_location(judge: Any) -> None:
    snap = {"SnapshotId": "snap-1", "Encrypted": True}
    perm = {"CreateVolumePermissions": []}
    tokyo = compute.normalize_snapshot(snap, perm, ACCOUNT, "ap-northeast-1", "provider_key")
    virginia = compute.normalize_snapshot(snap, perm, ACCOUNT, "us-east-1", "provider_key")
    assert judge("GC-RES-017", tokyo) is Status.PASS and judge("GC-RES-017", virginia) is Status.FAIL
    denied = compute.normalize_snapshot(snap, Failed("ec2:DescribeSnapshotAttribute", "UnauthorizedOperation"), ACCOUNT,
                                        "ap-northeast-1", "provider_key")
    assert judge("GC-NET-008", denied) is Status.UNKNOWN


def test_enabled_regions_and_opt_in(judge: Any) -> None:
    regions = enabled_regions(load("ec2_describe_regions.json"))
    assert regions == ["ap-northeast-1", "ap-northeast-3", "me-south-1"]
    assert judge("GC-RES-015", _account(**{"regions.enabled": regions})) is Status.FAIL
    assert judge("GC-RES-015", _account(**{"regions.enabled": regions[:2]})) is Status.PASS
    assert isinstance(enabled_regions(Failed("ec2:DescribeRegions", "UnauthorizedOperation")), Unknown)


def test_scp_allow_lists(judge: Any) -> None:
    policies = load("organizations_describe_policy.json")
    japan = organizations.normalize_scp(policies["japan_only"], ACCOUNT)
    loose = organizations.normalize_scp(policies["allows_virginia"], ACCOUNT)
    assert organizations.normalize_scp(policies["unrelated"], ACCOUNT) is None
    assert japan is not None and loose is not None
    assert judge("GC-RES-003", japan) is Status.PASS and judge("GC-RES-003", loose) is Status.FAIL


class _Org:
    """An Organizations client double that answers like a standalone or a member account."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.meta = type("M", (), {"method_to_api_mapping": {}, "service_model": type("S", (), {"service_name": "organizations"})})

    def describe_organization(self) -> Any:
        raise ClientError({"Error": {"Code": self.code, "Message": "recorded"}}, "DescribeOrganization")


class _Scope:
    def __init__(self, code: str) -> None:
        self.account, self.management, self._org = ACCOUNT, None, _Org(code)

    def client(self, service: str, region: str) -> Any:
        return self._org


def test_organization_membership_and_guardrail(judge: Any) -> None:
    _, standalone, _ = organizations.guardrails(_Scope("AWSOrganizationsNotInUseException"))  # type: ignore[arg-type]
    _, denied, failures = organizations.guardrails(_Scope("AccessDeniedException"))  # type: ignore[arg-type]
    assert standalone["organization.member"] is False and failures
    assert judge("GC-GOV-003", _account(**standalone)) is Status.FAIL
    assert judge("GC-GOV-003", _account(**{"organization.member": True})) is Status.PASS
    assert judge("GC-RES-002", _account(**standalone)) is Status.FAIL
    assert judge("GC-RES-002", _account(**denied)) is Status.UNKNOWN


def test_access_analyzer(judge: Any) -> None:
    replies = load("accessanalyzer_list_analyzers.json")

    def facts(reply: Any) -> dict[str, Any]:
        region = {"ebs_default": {"EbsEncryptionByDefault": True}, "detectors": {"DetectorIds": []},
                  "recorders": {"ConfigurationRecorders": []}, "recorder_status": {"ConfigurationRecordersStatus": []},
                  "hub": Failed("securityhub:DescribeHub", "InvalidAccessException"), "analyzers": reply}
        return account.regional_facts({"ap-northeast-1": region}, ("ap-northeast-1",))

    assert judge("GC-IAM-012", _account(**facts(replies["active"]))) is Status.PASS
    assert judge("GC-IAM-012", _account(**facts(replies["none"]))) is Status.FAIL
    assert judge("GC-IAM-012", _account(**facts(Failed("accessanalyzer:ListAnalyzers", "404", "Not yet implemented")))) is Status.UNKNOWN


def test_trail_selectors_and_elb_tls(judge: Any) -> None:
    payloads = load("misc_payloads.json")
    selectors = payloads["cloudtrail_advanced_selectors"]
    assert logs.management_events(selectors) is True and logs.s3_data_events(selectors) is True
    assert isinstance(logs.management_events({"EventSelectors": []}), Unknown)
    lb = {"LoadBalancerArn": "arn:aws:elasticloadbalancing:ap-northeast-1:1:loadbalancer/app/web/1", "LoadBalancerName": "web",
          "Scheme": "internet-facing", "Type": "application"}
    attrs = {"Attributes": [{"Key": "access_logs.s3.enabled", "Value": "true"}]}
    waf = {"WebACL": {"Name": "gov"}}
    modern = network.normalize_load_balancer(lb, payloads["elbv2_listeners"], attrs, waf, ACCOUNT, "ap-northeast-1")
    legacy = network.normalize_load_balancer(lb, payloads["elbv2_listeners_legacy"], attrs, {}, ACCOUNT, "ap-northeast-1")
    assert modern.attrs["tls.min_version"] == "1.2" and legacy.attrs["tls.min_version"] == "1.0"
    assert judge("GC-ENC-015", modern) is Status.PASS and judge("GC-ENC-015", legacy) is Status.FAIL
    assert judge("GC-NET-014", modern) is Status.PASS and judge("GC-NET-014", legacy) is Status.FAIL


def test_kms_replica_regions_and_ecr_filters(judge: Any) -> None:
    payloads = load("misc_payloads.json")
    key = kms.normalize_key(payloads["kms_replica_key"], {"KeyRotationEnabled": True}, {"Policy": "{}"}, ACCOUNT, "ap-northeast-3")
    assert key.attrs["replication.locations"] == ["ap-northeast-1", "eu-central-1"]
    assert judge("GC-RES-010", key) is Status.FAIL
    assert registry.replication_regions(payloads["ecr_registry"], "app") == ["ap-northeast-3"]
    assert registry.replication_regions(payloads["ecr_registry"], "dr-images") == ["ap-northeast-3", "us-west-2"]


def test_lambda_policies_cloudfront_and_bucket_tls(judge: Any) -> None:
    payloads = load("misc_payloads.json")
    fn = {"FunctionName": "hook", "FunctionArn": "arn:aws:lambda:ap-northeast-1:1:function:hook"}
    no_url = Failed("lambda:GetFunctionUrlConfig", "ResourceNotFoundException")
    public = compute.normalize_function(fn, no_url, payloads["lambda_public_policy"], ACCOUNT, "ap-northeast-1")
    scoped = compute.normalize_function(fn, no_url, payloads["lambda_scoped_policy"], ACCOUNT, "ap-northeast-1")
    assert judge("GC-NET-020", public) is Status.FAIL and judge("GC-NET-020", scoped) is Status.PASS
    dist = edge.normalize_distribution(payloads["cloudfront_item"], ACCOUNT)
    assert dist.attrs == {"https_only": False, "tls.min_version": "1.2", "waf": False}
    assert storage._min_tls(payloads["bucket_policy_tls13"]) == "1.3"
    assert storage._denies_insecure_transport(payloads["bucket_policy_tls13"]) is True


def test_backup_plan_without_lifecycle_is_unknown_retention(judge: Any) -> None:
    plan = backup.normalize_plan({"BackupPlanArn": "arn:aws:backup:ap-northeast-1:1:backup-plan:p", "BackupPlanId": "p",
                                  "BackupPlanName": "forever"}, load("misc_payloads.json")["backup_plan_no_lifecycle"],
                                 ACCOUNT, "ap-northeast-1")
    assert plan.attrs["copy.locations"] == []
    assert judge("GC-BAK-101", plan) is Status.UNKNOWN and judge("GC-RES-007", plan) is Status.PASS


def test_bucket_denied_details_are_unknown_never_pass(judge: Any) -> None:
    replies = {op: Failed(f"s3:{op}", "AccessDenied") for op in storage.DETAIL}
    bucket = storage.normalize_bucket("b", ACCOUNT, {"LocationConstraint": "ap-northeast-1"}, replies,
                                      Failed("s3control:GetPublicAccessBlock", "AccessDenied"), {"b": "ap-northeast-1"})
    for check in ("GC-NET-004", "GC-NET-018", "GC-ENC-005", "GC-BAK-003", "GC-RES-004", "GC-ENC-003", "GC-LOG-017", "GC-IAM-102"):
        assert judge(check, bucket) is Status.UNKNOWN, check
    assert judge("GC-RES-001", bucket) is Status.PASS
    legacy = storage.bucket_region({"LocationConstraint": "EU"})
    assert legacy == "eu-west-1" and storage.bucket_region({"LocationConstraint": None}) == "us-east-1"

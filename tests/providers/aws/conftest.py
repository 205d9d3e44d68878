"""A moto organization scanned once per test session: the demo account (violations in several regions)
and a compliant member account reached by assuming a role, both through the real boto3 clients."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from providers.aws.demo import OSAKA, REGIONS, TOKYO, fake_environment, seed
from scanner.catalog import Catalog, load_catalog
from scanner.engine import Scan
from scanner.model import CollectionError, Finding, Resource, ScanResult
from scanner.policy import load_policy

ROLE = "OrganizationAccountAccessRole"


@dataclass
class World:
    """What one organization scan saw and decided."""

    result: ScanResult
    resources: list[Resource]
    operations: dict[str, int]
    accounts: dict[str, str] = field(default_factory=dict)  # "demo" / "compliant" -> id
    ids: dict[str, str] = field(default_factory=dict)

    def findings(self, check: str, **where: Any) -> list[Finding]:
        """Findings of `check`, filtered by finding attributes."""
        return [f for f in self.result.findings if f.check_id == check
                and all(getattr(f, k) == v for k, v in where.items())]

    def errors(self) -> list[CollectionError]:
        """Collection errors of the scan."""
        return self.result.collection_errors


class Recording:
    """Wraps the provider to keep every resource it yields (the engine only keeps findings)."""

    def __init__(self, provider: Any) -> None:
        self.provider = provider
        self.name = provider.name
        self.kinds = provider.kinds
        self.resources: list[Resource] = []

    @property
    def api_calls(self) -> int:
        return int(self.provider.api_calls)

    def plan(self, target: Any) -> Any:
        return self.provider.plan(target)

    def collect(self, unit: Any) -> Iterator[Any]:
        for item in self.provider.collect(unit):
            if isinstance(item, Resource):
                self.resources.append(item)
            yield item


def run_scan(target: dict[str, Any], catalog: Catalog | None = None, provider: Any = None) -> tuple[ScanResult, Recording]:
    """Scan with the AWS provider under the baseline policy; returns the result and the recorded provider."""
    from providers.aws import AwsProvider

    catalog = catalog or load_catalog()
    recording = Recording(provider or AwsProvider())
    scan = Scan(catalog, load_policy(None, catalog), [(recording, target)], workers=8)
    return scan.run(), recording


def _seed_compliant(make: Any, account: str) -> None:
    """Account-level settings all on, in every scanned region."""
    for region in REGIONS:
        make("ec2", region).enable_ebs_encryption_by_default()
    for region in (TOKYO, OSAKA):
        make("guardduty", region).create_detector(Enable=True)
        make("securityhub", region).enable_security_hub(EnableDefaultStandards=False)
        cfg = make("config", region)
        cfg.put_configuration_recorder(ConfigurationRecorder={
            "name": "default", "roleARN": f"arn:aws:iam::{account}:role/config",
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
        cfg.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "audit-logs"})
        cfg.start_configuration_recorder(ConfigurationRecorderName="default")
    make("iam", TOKYO).update_account_password_policy(MinimumPasswordLength=14, PasswordReusePrevention=24)
    s3 = make("s3", TOKYO)
    s3.create_bucket(Bucket=f"audit-logs-{account}", CreateBucketConfiguration={"LocationConstraint": TOKYO})
    make("s3control", TOKYO).put_public_access_block(AccountId=account, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    kms = make("kms", TOKYO)
    key = kms.create_key(Description="trail-key")["KeyMetadata"]["Arn"]
    kms.enable_key_rotation(KeyId=key)
    ct = make("cloudtrail", TOKYO)
    ct.create_trail(Name="audit", S3BucketName=f"audit-logs-{account}", IsMultiRegionTrail=True,
                    EnableLogFileValidation=True, KmsKeyId=key)
    ct.start_logging(Name="audit")
    ct.put_event_selectors(TrailName="audit", EventSelectors=[{
        "ReadWriteType": "All", "IncludeManagementEvents": True,
        "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}])
    make("account", "us-east-1").put_alternate_contact(AlternateContactType="SECURITY", EmailAddress="soc@example.go.jp",
                                                       Name="SOC", PhoneNumber="+81-3-0000-0000", Title="SOC")


@pytest.fixture(scope="session")
def world() -> Iterator[World]:
    """Seed the demo account and a compliant member account, then scan the organization once."""
    with fake_environment():
        import boto3
        from moto import mock_aws

        with mock_aws():
            def mk(service: str, region: str = TOKYO) -> Any:
                return boto3.client(service, region_name=region)

            ids = seed(mk)
            org = mk("organizations", "us-east-1")
            member = org.create_account(AccountName="compliant", Email="tenant@example.go.jp")["CreateAccountStatus"]["AccountId"]
            creds = mk("sts").assume_role(RoleArn=f"arn:aws:iam::{member}:role/{ROLE}", RoleSessionName="seed")["Credentials"]
            member_session = boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                                           aws_session_token=creds["SessionToken"])
            _seed_compliant(lambda s, r=TOKYO: member_session.client(s, region_name=r), member)
            bare = org.create_account(AccountName="bare", Email="bare@example.go.jp")["CreateAccountStatus"]["AccountId"]
            result, recording = run_scan({"regions": ",".join(REGIONS), "org_role": ROLE, "max_attempts": 1})
            accounts = {"demo": "123456789012", "compliant": member, "bare": bare}
            yield World(result, recording.resources, dict(recording.provider.meter.operations), accounts, ids)


def dump(value: Any) -> str:
    """Readable JSON for assertion messages."""
    return json.dumps(value, default=str, ensure_ascii=False, indent=1)[:3000]

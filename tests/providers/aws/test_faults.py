"""Faults injected under the real botocore stack (a `before-send` handler answers instead of moto):
each scan finishes in bounded time, names service/region/operation, never passes what it could not
see, and still evaluates everything else."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ConnectionClosedError, ReadTimeoutError
from moto.core.botocore_stubber import MockRawResponse

from providers.aws.demo import TOKYO, fake_environment
from scanner.model import Status
from tests.providers.aws.conftest import run_scan
from tests.reliability import record

REGIONS = f"{TOKYO},eu-west-1"
BOUND_SECONDS = 90
Fault = Callable[[Any, str, str, str], Any]  # (request, service, operation, region) -> response, raise, or None


@pytest.fixture
def small_account() -> Iterator[None]:
    """A few resources in Tokyo and Ireland, in-process moto."""
    with fake_environment():
        import boto3
        from moto import mock_aws

        with mock_aws():
            s3 = boto3.client("s3", region_name=TOKYO)
            s3.create_bucket(Bucket="kept-bucket", CreateBucketConfiguration={"LocationConstraint": TOKYO})
            for region in (TOKYO, "eu-west-1"):
                ec2 = boto3.client("ec2", region_name=region)
                ec2.create_volume(AvailabilityZone=region + "a", Size=1)
                ec2.enable_ebs_encryption_by_default()
                boto3.client("logs", region_name=region).create_log_group(logGroupName="/app")
                boto3.client("dynamodb", region_name=region).create_table(
                    TableName="t", BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                    AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
                boto3.client("guardduty", region_name=region).create_detector(Enable=True)
            boto3.client("rds", region_name=TOKYO).create_db_instance(
                DBInstanceIdentifier="db", DBInstanceClass="db.t3.micro", Engine="postgres", MasterUsername="u",
                MasterUserPassword="password1", AllocatedStorage=20, StorageEncrypted=True)
            yield


def _region(request: Any) -> str:
    match = re.search(r"Credential=[^/]+/\d+/([^/]+)/", str(request.headers.get("Authorization", "")))
    return match.group(1) if match else ""


def inject(monkeypatch: pytest.MonkeyPatch, fault: Fault) -> None:
    """Every session the provider creates gets `fault` as its first before-send handler."""
    import providers.aws as aws
    from providers.aws import session

    original = session.new_session

    def handler(request: Any, event_name: str = "", **_: Any) -> Any:
        _, service, operation = event_name.split(".", 2)
        return fault(request, service, operation, _region(request))

    def wrapped(settings: Any, meter: Any, credentials: Any = None) -> Any:
        made = original(settings, meter, credentials)
        made._session.get_component("event_emitter").register_first("before-send", handler)
        return made

    monkeypatch.setattr(aws, "new_session", wrapped)


def _json_error(request: Any, status: int, code: str, headers: dict[str, str] | None = None) -> AWSResponse:
    body = json.dumps({"__type": code, "message": f"injected {code}"}).encode()
    return AWSResponse(request.url, status, {"Content-Type": "application/x-amz-json-1.1", **(headers or {})},
                       MockRawResponse(body))


def _xml_error(request: Any, status: int, code: str) -> AWSResponse:
    body = (f"<Response><Errors><Error><Code>{code}</Code><Message>injected</Message></Error></Errors>"
            "<RequestID>r</RequestID></Response>").encode()
    return AWSResponse(request.url, status, {"Content-Type": "text/xml"}, MockRawResponse(body))


def _scan(**target: Any) -> tuple[Any, float]:
    started = time.monotonic()
    result, _ = run_scan({"regions": REGIONS, "max_attempts": 3, "retry_mode": "standard", "timeout": 5, **target})
    return result, time.monotonic() - started


def _assert_outcome(name: str, result: Any, seconds: float, service: str, region: str, operation: str,
                    kinds: tuple[str, ...], where: str) -> None:
    errors = [e for e in result.collection_errors if e.service == service and e.region == region and e.operation == operation]
    assert errors, f"no collection error for {service}/{region}/{operation}: {result.collection_errors}"
    blind = [f for f in result.findings if f.resource_kind in kinds and f.location in (region, "unknown")
             and f.native_type == "(not collected)"]
    assert blind and all(f.status is Status.UNKNOWN for f in blind)
    passes = [f for f in result.findings if f.resource_kind in kinds and f.location == region and f.status is Status.PASS
              and f.native_type != "(not collected)"]
    assert not passes, passes
    kept = [f for f in result.findings if f.resource_name == "kept-bucket" and f.check_id == "GC-RES-001"]
    assert kept and kept[0].status is Status.PASS
    assert seconds < BOUND_SECONDS
    record("faults", provider="aws", fault=name, where=where, finished=True, seconds=round(seconds, 1),
           error_names=f"{errors[0].scope}/{service}/{region}/{operation}", silent_passes=len(passes),
           kept_elsewhere=len(kept) > 0)


def test_access_denied_on_one_service(small_account: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def fault(request: Any, service: str, operation: str, region: str) -> Any:
        if service == "rds" and operation == "DescribeDBInstances":
            return _xml_error(request, 403, "AccessDenied")
        return None

    inject(monkeypatch, fault)
    result, seconds = _scan()
    _assert_outcome("AccessDenied on one service", result, seconds, "rds", TOKYO, "rds:DescribeDBInstances",
                    ("database.instance",), "rds in every region")


def test_throttling_past_the_retries(small_account: None, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def fault(request: Any, service: str, operation: str, region: str) -> Any:
        if service == "dynamodb" and operation == "ListTables" and region == "eu-west-1":
            calls.append(1)
            return _json_error(request, 400, "ThrottlingException", {"Retry-After": "1"})
        return None

    inject(monkeypatch, fault)
    result, seconds = _scan()
    assert len(calls) == 3  # every attempt was made before giving up
    _assert_outcome("ThrottlingException (Retry-After) past 3 attempts", result, seconds, "dynamodb", "eu-west-1",
                    "dynamodb:ListTables", ("nosql.table",), "dynamodb eu-west-1")


def test_server_errors_past_the_retries(small_account: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def fault(request: Any, service: str, operation: str, region: str) -> Any:
        if service == "cloudwatch-logs" and region == TOKYO:
            return _json_error(request, 503, "ServiceUnavailableException")
        return None

    inject(monkeypatch, fault)
    result, seconds = _scan()
    _assert_outcome("HTTP 503 past 3 attempts", result, seconds, "logs", TOKYO, "logs:DescribeLogGroups",
                    ("log.store",), "logs ap-northeast-1")


@pytest.mark.parametrize("error", [ConnectionClosedError, ReadTimeoutError])
def test_connection_reset_and_timeout(small_account: None, monkeypatch: pytest.MonkeyPatch, error: type) -> None:
    def fault(request: Any, service: str, operation: str, region: str) -> Any:
        if service == "ec2" and operation == "DescribeVolumes" and region == "eu-west-1":
            raise error(endpoint_url=request.url, request=request)
        return None

    inject(monkeypatch, fault)
    result, seconds = _scan()
    _assert_outcome(f"{error.__name__} on every attempt", result, seconds, "ebs", "eu-west-1", "ec2:DescribeVolumes",
                    ("compute.disk", "compute.snapshot"), "ec2 volumes eu-west-1")


def test_malformed_and_truncated_bodies(small_account: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def fault(request: Any, service: str, operation: str, region: str) -> Any:
        if service == "ec2" and operation == "DescribeVolumes" and region == TOKYO:
            return AWSResponse(request.url, 200, {"Content-Type": "text/xml"},
                               MockRawResponse(b"<DescribeVolumesResponse><volumeSet><item><volumeId>vol-"))
        return None

    inject(monkeypatch, fault)
    result, seconds = _scan()
    _assert_outcome("truncated XML body", result, seconds, "ebs", TOKYO, "ec2:DescribeVolumes",
                    ("compute.disk", "compute.snapshot"), "ec2 volumes ap-northeast-1")


def test_a_page_token_that_never_ends(small_account: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def fault(request: Any, service: str, operation: str, region: str) -> Any:
        if service == "cloudwatch-logs" and operation == "DescribeLogGroups" and region == "eu-west-1":
            body = json.dumps({"logGroups": [], "nextToken": "same-token-forever"}).encode()
            return AWSResponse(request.url, 200, {"Content-Type": "application/x-amz-json-1.1"}, MockRawResponse(body))
        return None

    inject(monkeypatch, fault)
    result, seconds = _scan()
    _assert_outcome("page token that never ends", result, seconds, "logs", "eu-west-1", "logs:DescribeLogGroups",
                    ("log.store",), "logs eu-west-1")


def test_permission_error_on_one_region(small_account: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def fault(request: Any, service: str, operation: str, region: str) -> Any:
        if service == "ec2" and region == "eu-west-1" and operation != "DescribeRegions":
            return _xml_error(request, 403, "UnauthorizedOperation")
        return None

    inject(monkeypatch, fault)
    result, seconds = _scan()
    _assert_outcome("UnauthorizedOperation on one region", result, seconds, "vpc", "eu-west-1",
                    "ec2:DescribeSecurityGroups", ("network.firewall", "network.vpc"), "ec2 eu-west-1")
    # the account fact that needed ec2 in that region is unknown, never passed
    [disk_default] = [f for f in result.findings if f.check_id == "GC-ENC-014"]
    assert disk_default.status is Status.UNKNOWN


def test_access_denied_on_an_account_detail_call(small_account: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def fault(request: Any, service: str, operation: str, region: str) -> Any:
        if service == "guardduty" and region == TOKYO:
            return _json_error(request, 403, "AccessDeniedException")
        return None

    inject(monkeypatch, fault)
    result, seconds = _scan()
    errors = [e for e in result.collection_errors if e.service == "guardduty" and e.region == TOKYO]
    assert errors and errors[0].operation == "guardduty:ListDetectors"
    [threat] = [f for f in result.findings if f.check_id == "GC-LOG-006"]
    assert threat.status is Status.UNKNOWN and "AccessDenied" in threat.message.en
    record("faults", provider="aws", fault="AccessDeniedException on one account-level call", where="guardduty ap-northeast-1",
           finished=True, seconds=round(seconds, 1), error_names=f"{errors[0].scope}/guardduty/{TOKYO}/guardduty:ListDetectors",
           silent_passes=0, kept_elsewhere=True)


def test_a_member_account_that_cannot_be_assumed(small_account: None, monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3

    org = boto3.client("organizations", region_name="us-east-1")
    org.create_organization(FeatureSet="ALL")
    denied = org.create_account(AccountName="locked", Email="locked@example.go.jp")["CreateAccountStatus"]["AccountId"]

    def fault(request: Any, service: str, operation: str, region: str) -> Any:
        if service == "sts" and operation == "AssumeRole" and denied in str(request.body):
            return _xml_error(request, 403, "AccessDenied")
        return None

    inject(monkeypatch, fault)
    started = time.monotonic()
    result, _ = run_scan({"regions": REGIONS, "org_role": "OrganizationAccountAccessRole", "max_attempts": 2})
    seconds = time.monotonic() - started
    errors = [e for e in result.collection_errors if e.scope == denied]
    assert errors and errors[0].service == "sts" and errors[0].operation == "sts:AssumeRole"
    blind = [f for f in result.findings if f.scope == denied]
    assert blind and all(f.status is Status.UNKNOWN for f in blind)
    kept = [f for f in result.findings if f.resource_name == "kept-bucket" and f.check_id == "GC-RES-001"]
    assert kept and kept[0].status is Status.PASS
    record("faults", provider="aws", fault="AssumeRole denied for one member account", where=f"account {denied}",
           finished=True, seconds=round(seconds, 1), error_names=f"{denied}/sts/global/sts:AssumeRole", silent_passes=0,
           kept_elsewhere=True)

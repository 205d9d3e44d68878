"""A scan result with code findings (fixtures), a live finding, a muted one and a collection error."""

from __future__ import annotations

from dataclasses import replace

import pytest

from scanner.model import CollectionError, Finding, Origin, Reference, ScanResult, Severity, Status, Text
from tests.providers.iac_support import FIXTURES, scan


def live_finding(name: str = "<img src=x onerror=alert(1)>|pipe") -> Finding:
    """A live finding whose resource name is hostile input."""
    return Finding(
        check_id="GC-RES-001", category="residency", severity=Severity.CRITICAL, status=Status.FAIL, provider="aws",
        scope="111122223333", location="us-east-1", resource_id="arn:aws:s3:::live-bucket", resource_name=name,
        resource_kind="storage.bucket", native_type="AWS::S3::Bucket", title=Text("国内", "In Japan"),
        message=Text("国外です", "Outside Japan"), remediation=Text("移してください", "Move it"),
        references=(Reference("ismap", "18.1.1"),), origin=Origin.live(), fingerprint="0" * 32,
    )


@pytest.fixture(scope="session")
def result() -> ScanResult:
    scanned = scan([FIXTURES / "terraform" / "aws_platform", FIXTURES / "cloudformation" / "network.json"],
                   region="ap-northeast-1")
    scanned.findings.append(live_finding())
    scanned.findings.append(replace(live_finding("unknown one"), status=Status.UNKNOWN, fingerprint="1" * 32,
                                    resource_id="arn:aws:s3:::other"))
    scanned.collection_errors.append(CollectionError("iac", "infra", "terraform", "", "read infra/bad.tf:7",
                                                     "infra/bad.tf:7: HCL syntax error at column 3: syntax error", ()))
    scanned.complete = False
    scanned.incomplete_reasons.append("1 collection error(s)")
    return scanned

"""A realistic scan result for report tests: the engine run on hand-built resources, no cloud."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from scanner.catalog import load_catalog
from scanner.engine import Scan
from scanner.model import (
    CollectionError,
    Finding,
    Origin,
    Reference,
    Resource,
    ScanResult,
    Severity,
    Status,
    Text,
    fingerprint,
)
from scanner.plugins import CollectionFailure, WorkUnit
from scanner.policy import load_policy

XSS_NAME = "<img src=x onerror=alert(1)>"
XSS_TAG = "</script><script>window.__govscan_pwned=1</script>"
AWS_A, AWS_B = "111122223333", "444455556666"
GCP_PROJECT = "tenant-b-prod-7731"
AZURE_SUB = "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590"
IPS = ("203.0.113.7", "198.51.100.0/24", "2001:db8:85a3::8a2e:370:7334")


class HandProvider:
    """Yields hand-built resources per (scope, service, region); one unit fails."""

    kinds = frozenset({"storage.bucket", "database.instance", "kms.key"})

    def __init__(self, name: str, units: Mapping[tuple[str, str, str], list[Resource]],
                 fail: Mapping[tuple[str, str, str], Exception] | None = None) -> None:
        self.name = name
        self.units = units
        self.fail = fail or {}
        self.api_calls = 0

    def plan(self, target: Mapping[str, Any]) -> Iterable[WorkUnit]:
        for scope, service, region in sorted(set(self.units) | set(self.fail)):
            yield WorkUnit(self.name, scope, service, region, ("storage.bucket",))

    def collect(self, unit: WorkUnit) -> Iterator[Resource | CollectionError]:
        key = (unit.scope, unit.service, unit.region)
        yield from self.units.get(key, [])
        if key in self.fail:
            raise self.fail[key]


def _bucket(provider: str, scope: str, rid: str, name: str, location: str, replicas: list[str] | None,
            tags: Mapping[str, str] | None = None, origin: Origin | None = None) -> Resource:
    # a realistic mix: most settings read, one bucket public and unencrypted, some facts not readable
    weak = "abroad" in name or "kaigo" in name
    attrs: dict[str, Any] = {
        "encryption.at_rest": "none" if weak else "customer_key",
        "public": weak,
        "public_access_block": not weak,
        "versioning": not weak,
        "access_logging": "juminhyo" in name,
        "tls_only": True,
        "tls.min_version": "1.2",
    }
    if replicas is not None:
        attrs["replication.locations"] = replicas
    else:
        attrs.pop("encryption.at_rest")
    native = {"aws": "AWS::S3::Bucket", "gcp": "storage.googleapis.com/Bucket",
              "azure": "Microsoft.Storage/storageAccounts"}[provider]
    return Resource(provider, "storage.bucket", native, rid, name, scope, location, attrs,
                    origin or Origin.live(), dict(tags or {}))


def resources() -> dict[str, tuple[dict[tuple[str, str, str], list[Resource]], dict[tuple[str, str, str], Exception]]]:
    """Per provider: the units and the failing units."""
    aws_units = {
        (AWS_A, "s3", "global"): [
            _bucket("aws", AWS_A, "arn:aws:s3:::juminhyo-archive", "juminhyo-archive", "ap-northeast-1", ["ap-northeast-3"]),
            _bucket("aws", AWS_A, "arn:aws:s3:::tax-copies-abroad", "tax-copies-abroad", "ap-northeast-1", ["us-west-2"]),
            _bucket("aws", AWS_A, f"arn:aws:s3:::{XSS_NAME}", XSS_NAME, "us-east-1", [], {"owner": XSS_TAG}),
        ],
        (AWS_B, "s3", "global"): [
            _bucket("aws", AWS_B, "arn:aws:s3:::kokuho-ledger", "kokuho-ledger", "ap-northeast-1", None),
            _bucket("aws", AWS_B, "arn:aws:s3:::script-breaker", XSS_TAG, "ap-southeast-1", []),
            _bucket("aws", AWS_B, "arn:aws:s3:::=HYPERLINK(\"http://x\")", "=cmd|' /C calc'!A0", "eu-west-1", []),
        ],
    }
    aws_fail = {(AWS_B, "s3", "us-west-2"): CollectionFailure("ListBuckets", "AccessDenied for 203.0.113.7")}
    gcp_units = {
        (GCP_PROJECT, "storage", "global"): [
            _bucket("gcp", GCP_PROJECT, f"//storage.googleapis.com/projects/{GCP_PROJECT}/buckets/kaigo-data",
                    "kaigo-data", "asia", []),
            _bucket("gcp", GCP_PROJECT, f"//storage.googleapis.com/projects/{GCP_PROJECT}/buckets/tokyo-only",
                    "tokyo-only", "asia-northeast1", []),
        ],
    }
    azure_units = {
        (AZURE_SUB, "storage", "global"): [
            _bucket("azure", AZURE_SUB, f"{AZURE_SUB}/resourceGroups/rg-jp/providers/Microsoft.Storage/storageAccounts/stjp01",
                    "stjp01", "japaneast", ["japanwest"],
                    origin=Origin.code("infra/storage.tf", 12, {"replication.locations": 15})),
        ],
    }
    return {"aws": (aws_units, aws_fail), "gcp": (gcp_units, {}), "azure": (azure_units, {})}


def network_finding(scope: str = AWS_A) -> Finding:
    """A hand-made finding whose message and evidence carry IP addresses (like a firewall check would)."""
    rid = f"arn:aws:ec2:ap-northeast-1:{scope}:security-group/sg-0123456789abcdef0"
    return Finding(
        check_id="GC-NET-001", category="network", severity=Severity.HIGH, status=Status.FAIL, provider="aws",
        scope=scope, location="ap-northeast-1", resource_id=rid, resource_name="sg-admin",
        resource_kind="network.firewall", native_type="AWS::EC2::SecurityGroup",
        title=Text("管理ポートの公開", "Admin port exposure"),
        message=Text(f"送信元 {IPS[0]} と {IPS[1]} と {IPS[2]} を許可", f"Allows {IPS[0]}, {IPS[1]} and {IPS[2]}"),
        remediation=Text("送信元を限定してください。", "Limit the sources."),
        references=(Reference("gc-guardrails", "no-admin-ports-open"), Reference("ismap", "13.1.1")),
        origin=Origin.live(),
        evidence={"ingress": [{"source": IPS[1], "port": 22}, {"source": IPS[2], "port": 3389}],
                  "peer": f"arn:aws:ec2:ap-northeast-1:{scope}:instance/i-0abc", "nat_ip": IPS[0]},
        fingerprint=fingerprint("GC-NET-001", "aws", scope, rid),
    )


def sample_result() -> ScanResult:
    """Engine findings for three providers and four scopes, a collection error, and hand-made IP findings."""
    catalog = load_catalog()
    policy = load_policy(None, catalog)
    jobs = [(HandProvider(name, units, fail), {}) for name, (units, fail) in resources().items()]
    result = Scan(catalog, policy, jobs, workers=2).run()  # type: ignore[arg-type]
    result.version = "0.1.0"
    result.findings.append(network_finding())
    result.collection_errors.append(CollectionError("aws", AWS_A, "ec2", "ap-northeast-1", "DescribeSecurityGroups",
                                                    f"ThrottlingException from {IPS[0]} after 5 retries", ("network.firewall",)))
    result.complete = False
    result.incomplete_reasons.append("2 collection error(s)")
    result.targets = ["aws", "gcp", "azure"]
    return result


def many_findings(n: int) -> ScanResult:
    """`n` synthetic findings spread over scopes, providers, checks and statuses (for benchmarks)."""
    base = sample_result()
    templates = [f for f in base.findings if f.status is not Status.MUTED] or base.findings
    statuses = [Status.FAIL, Status.PASS, Status.PASS, Status.UNKNOWN, Status.PASS, Status.ERROR]
    severities = list(Severity)
    providers = ["aws", "gcp", "azure", "oci", "sakura"]
    out: list[Finding] = []
    for i in range(n):
        t = templates[i % len(templates)]
        provider = providers[i % len(providers)]
        scope = f"scope-{i % 40:03d}"
        rid = f"{t.resource_id}-{i}"
        out.append(Finding(
            check_id=t.check_id, category=t.category, severity=severities[i % len(severities)],
            status=statuses[i % len(statuses)], provider=provider, scope=scope, location=t.location,
            resource_id=rid, resource_name=f"{t.resource_name}-{i}", resource_kind=t.resource_kind,
            native_type=t.native_type, title=t.title, message=t.message, remediation=t.remediation,
            references=t.references, origin=t.origin, evidence=t.evidence,
            fingerprint=fingerprint(t.check_id, provider, scope, rid),
        ))
    base.findings = out
    return base

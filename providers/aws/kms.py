"""Customer-managed KMS keys as `kms.key`: rotation and multi-Region replicas."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from providers.aws.calls import Failed, Reply, call, pages
from providers.aws.normalize import fact, policy_document, public_statement, resource, statements
from providers.aws.session import Scope
from scanner.model import CollectionError, Resource


def collect_keys(scope: Scope, region: str) -> Iterator[Resource | CollectionError]:
    """Customer-managed keys that are not pending deletion."""
    kms = scope.client("kms", region)
    for key in pages(kms, "list_keys", "Keys"):
        described = call(kms, "describe_key", KeyId=key["KeyId"])
        if isinstance(described, Failed):
            yield scope.error("kms", region, described, ("kms.key",))
            continue
        meta = described["KeyMetadata"]
        if meta.get("KeyManager") != "CUSTOMER" or meta.get("KeyState") in ("PendingDeletion", "PendingReplicaDeletion"):
            continue
        rotation: Reply | Failed = Failed("kms:GetKeyRotationStatus", "NotApplicable")
        if meta.get("KeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT" and meta.get("Origin", "AWS_KMS") == "AWS_KMS":
            rotation = call(kms, "get_key_rotation_status", KeyId=key["KeyId"])
        policy = call(kms, "get_key_policy", KeyId=key["KeyId"], PolicyName="default")
        for reply in (rotation, policy):
            if isinstance(reply, Failed) and reply.denied:
                yield scope.error("kms", region, reply, ("kms.key",))
        yield normalize_key(meta, rotation, policy, scope.account, region)


def normalize_key(meta: Mapping[str, Any], rotation: Reply | Failed, policy: Reply | Failed, account: str,
                  region: str) -> Resource:
    """Pure: DescribeKey metadata with rotation status and key policy."""
    attrs: dict[str, Any] = {
        "replication.locations": replica_regions(meta, region),
        "public": fact(policy, _policy_public),
    }
    if not (isinstance(rotation, Failed) and rotation.code == "NotApplicable"):
        attrs["rotation.enabled"] = fact(rotation, lambda r: bool(r.get("KeyRotationEnabled")))
        if not isinstance(rotation, Failed) and rotation.get("RotationPeriodInDays"):
            attrs["rotation.period_days"] = int(rotation["RotationPeriodInDays"])
    return resource("kms.key", "AWS::KMS::Key", meta["Arn"], meta.get("Description") or meta["KeyId"], account,
                    region, attrs)


def replica_regions(meta: Mapping[str, Any], region: str) -> list[str]:
    """Pure: every other region holding a copy of a multi-Region key (primary and replicas)."""
    if not meta.get("MultiRegion"):
        return []
    config = meta.get("MultiRegionConfiguration") or {}
    regions = [config.get("PrimaryKey", {}).get("Region")] + [r.get("Region") for r in config.get("ReplicaKeys", [])]
    return sorted({r for r in regions if r and r != region})


def _policy_public(reply: Reply) -> Any:
    doc = policy_document(reply.get("Policy"))
    return doc if not isinstance(doc, dict) else any(public_statement(s) for s in statements(doc))

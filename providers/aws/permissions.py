"""From the API operations the provider calls to the IAM actions in permissions.json."""

from __future__ import annotations

import json
from pathlib import Path

POLICY_FILE = Path(__file__).with_name("permissions.json")

# botocore service name -> IAM action prefix, where they differ
_PREFIX = {"elbv2": "elasticloadbalancing", "s3control": "s3", "accessanalyzer": "access-analyzer"}
# API operations whose IAM action has another name
_RENAMED = {
    "s3:ListBuckets": "s3:ListAllMyBuckets",
    "s3:GetBucketEncryption": "s3:GetEncryptionConfiguration",
    "s3:GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
    "s3:GetBucketReplication": "s3:GetReplicationConfiguration",
    "s3:GetObjectLockConfiguration": "s3:GetBucketObjectLockConfiguration",
    "s3:GetBucketTagging": "s3:GetBucketTagging",
    "s3control:GetPublicAccessBlock": "s3:GetAccountPublicAccessBlock",
}
READ_VERBS = ("Get", "List", "Describe", "Generate", "AssumeRole")


def iam_action(operation: str) -> str:
    """`service:Operation` as botocore names it -> the IAM action that authorizes it."""
    if operation in _RENAMED:
        return _RENAMED[operation]
    service, name = operation.split(":", 1)
    return f"{_PREFIX.get(service, service)}:{name}"


def is_read_only(operation: str) -> bool:
    """True for operations that only read (GenerateCredentialReport builds a report; AssumeRole reads a role)."""
    return operation.split(":", 1)[1].startswith(READ_VERBS)


def policy_actions() -> set[str]:
    """Every action that permissions.json allows."""
    doc = json.loads(POLICY_FILE.read_text(encoding="utf-8"))
    return {a for s in doc["Statement"] if s["Effect"] == "Allow" for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}

"""A moto organization of member accounts on a local moto server, seeded through real boto3 clients:
some members keep data abroad, others are compliant. Used by the distributed tests and the benchmark."""

from __future__ import annotations

from typing import Any

ROLE = "GovscanAudit"
REGIONS = "ap-northeast-1,us-east-1"


def _client(endpoint: str, service: str, region: str = "ap-northeast-1", creds: dict[str, str] | None = None) -> Any:
    import boto3

    keys = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "aws_session_token": "testing"}
    if creds:
        keys = {"aws_access_key_id": creds["AccessKeyId"], "aws_secret_access_key": creds["SecretAccessKey"],
                "aws_session_token": creds["SessionToken"]}
    return boto3.client(service, region_name=region, endpoint_url=endpoint, **keys)


def seed_organization(endpoint: str, members: int) -> list[str]:
    """Create the organization, `members` member accounts and their buckets; return the member ids."""
    org = _client(endpoint, "organizations", "us-east-1")
    org.create_organization(FeatureSet="ALL")
    ids = []
    for i in range(members):
        status = org.create_account(AccountName=f"member-{i:03d}", Email=f"m{i}@example.go.jp")["CreateAccountStatus"]
        ids.append(status["AccountId"])
    sts = _client(endpoint, "sts")
    for i, account in enumerate(ids):
        creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{ROLE}", RoleSessionName="seed")["Credentials"]
        region = "us-east-1" if i % 3 == 0 else "ap-northeast-1"
        s3 = _client(endpoint, "s3", region, creds)
        kwargs = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        s3.create_bucket(Bucket=f"data-{account}", **kwargs)
        if i % 2 == 0:
            s3.put_bucket_versioning(Bucket=f"data-{account}", VersioningConfiguration={"Status": "Enabled"})
    return ids

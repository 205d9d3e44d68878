"""EC2 instances, EBS volumes and snapshots; Lambda functions."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from providers.aws.calls import Failed, Reply, call, pages, tags_of
from providers.aws.normalize import fact, policy_document, public_statement, resource, statements
from providers.aws.session import Scope
from scanner.model import CollectionError, Resource, Unknown


def collect_instances(scope: Scope, region: str) -> Iterator[Resource | CollectionError]:
    """EC2 instances as `compute.instance`."""
    ec2 = scope.client("ec2", region)
    for reservation in pages(ec2, "describe_instances", "Reservations"):
        for instance in reservation.get("Instances", []):
            if instance.get("State", {}).get("Name") == "terminated":
                continue
            yield normalize_instance(instance, scope.account, region)


def normalize_instance(instance: Mapping[str, Any], account: str, region: str) -> Resource:
    """Pure: one DescribeInstances item."""
    options = instance.get("MetadataOptions")
    tokens: bool | Unknown = (options.get("HttpTokens") == "required" or options.get("HttpEndpoint") == "disabled"
                              ) if options else Unknown("MetadataOptions not returned")
    iid = instance["InstanceId"]
    tags = tags_of(instance.get("Tags"))
    return resource("compute.instance", "AWS::EC2::Instance", f"arn:aws:ec2:{region}:{account}:instance/{iid}",
                    tags.get("Name", iid), account, region,
                    {"public_ip": bool(instance.get("PublicIpAddress")), "metadata.token_required": tokens,
                     "identity.attached": bool(instance.get("IamInstanceProfile"))}, tags)


def collect_volumes(scope: Scope, region: str) -> Iterator[Resource | CollectionError]:
    """EBS volumes as `compute.disk`."""
    ec2 = scope.client("ec2", region)
    for volume in pages(ec2, "describe_volumes", "Volumes"):
        at_rest = scope.at_rest(region, volume.get("Encrypted"), volume.get("KmsKeyId"))
        yield normalize_volume(volume, scope.account, region, at_rest)


def normalize_volume(volume: Mapping[str, Any], account: str, region: str, at_rest: str | Unknown) -> Resource:
    """Pure: one DescribeVolumes item, with its encryption already resolved."""
    vid = volume["VolumeId"]
    tags = tags_of(volume.get("Tags"))
    return resource("compute.disk", "AWS::EC2::Volume", f"arn:aws:ec2:{region}:{account}:volume/{vid}",
                    tags.get("Name", vid), account, region, {"encryption.at_rest": at_rest}, tags)


def collect_snapshots(scope: Scope, region: str) -> Iterator[Resource | CollectionError]:
    """The account's own EBS snapshots as `compute.snapshot`, with public createVolumePermission."""
    ec2 = scope.client("ec2", region)
    for snap in pages(ec2, "describe_snapshots", "Snapshots", OwnerIds=["self"]):
        perm = call(ec2, "describe_snapshot_attribute", SnapshotId=snap["SnapshotId"], Attribute="createVolumePermission")
        if isinstance(perm, Failed):
            yield scope.error("ec2", region, perm, ("compute.snapshot",))
        at_rest = scope.at_rest(region, snap.get("Encrypted"), snap.get("KmsKeyId"))
        yield normalize_snapshot(snap, perm, scope.account, region, at_rest)


def normalize_snapshot(snap: Mapping[str, Any], perm: Reply | Failed, account: str, region: str,
                       at_rest: str | Unknown) -> Resource:
    """Pure: a DescribeSnapshots item and its createVolumePermission attribute."""
    sid = snap["SnapshotId"]
    tags = tags_of(snap.get("Tags"))
    public = fact(perm, lambda r: any(p.get("Group") == "all" for p in r.get("CreateVolumePermissions", [])))
    return resource("compute.snapshot", "AWS::EC2::Snapshot", f"arn:aws:ec2:{region}::snapshot/{sid}",
                    tags.get("Name", sid), account, region,
                    {"encryption.at_rest": at_rest, "public": public, "storage_locations": [region]}, tags)


def collect_functions(scope: Scope, region: str) -> Iterator[Resource | CollectionError]:
    """Lambda functions as `compute.function`: unauthenticated URLs and public resource policies."""
    lam = scope.client("lambda", region)
    for function in pages(lam, "list_functions", "Functions"):
        name = function["FunctionName"]
        url = call(lam, "get_function_url_config", FunctionName=name)
        policy = call(lam, "get_policy", FunctionName=name)
        for reply in (url, policy):
            if isinstance(reply, Failed) and reply.denied:
                yield scope.error("lambda", region, reply, ("compute.function",))
        yield normalize_function(function, url, policy, scope.account, region)


def normalize_function(function: Mapping[str, Any], url: Reply | Failed, policy: Reply | Failed, account: str,
                       region: str) -> Resource:
    """Pure: ListFunctions item plus GetFunctionUrlConfig and GetPolicy replies."""
    attrs = {
        "public_url": fact(url, lambda r: r.get("AuthType") == "NONE", {"ResourceNotFoundException": False}),
        "public_policy": fact(policy, _policy_public, {"ResourceNotFoundException": False}),
    }
    return resource("compute.function", "AWS::Lambda::Function", function["FunctionArn"], function["FunctionName"],
                    account, region, attrs)


def _policy_public(reply: Reply) -> bool | Unknown:
    doc = policy_document(reply.get("Policy"))
    if isinstance(doc, Unknown):
        return doc
    return any(public_statement(s) for s in statements(doc))

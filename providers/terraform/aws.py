"""`aws_*` Terraform resources mapped to the kinds and facts of the live AWS provider, with the
AWS provider v4+ joins (encryption, public access block, versioning, logging, policy and
replication as separate resources; security group rules as separate resources).

Defaults: a fact that the AWS API fixes when the argument is absent (a new bucket is unversioned,
an RDS instance is not publicly accessible) takes that value; a fact that the account decides
(EBS encryption by default, account-level public access block) stays Unknown. S3 encrypts every
new object with SSE-S3 since January 2023, so a bucket without an encryption resource is
`provider_key`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from providers.terraform.common import as_bool, as_int, blocks, build, region_of, tags_of, text, zone_region
from providers.terraform.model import TfContext, TfResource, maps
from scanner.kinds import FirewallRule
from scanner.model import Resource, Unknown

PROVIDER = "aws"
KINDS = ("storage.bucket", "storage.file", "compute.instance", "compute.disk", "compute.function", "container.registry",
         "network.firewall", "network.vpc", "network.loadbalancer", "cdn.distribution", "database.instance",
         "nosql.table", "kms.key", "identity.user", "log.store", "audit.trail", "backup.plan")


def _region_of_ref(value: Any, ctx: TfContext, types: tuple[str, ...]) -> str | Unknown:
    """The region of a resource that `value` refers to (by reference, ARN or name)."""
    if isinstance(value, Unknown):
        if value.source:
            for candidate in _by_source(value.source, ctx, types):
                return region_of(candidate)
        return Unknown(f"the destination is not known: {value.reason}", value.source)
    if isinstance(value, str):
        if value.startswith("arn:"):
            parts = value.split(":")
            if len(parts) > 5 and parts[3]:
                return parts[3].lower()
            name = parts[-1].split("/")[-1] if parts else ""
        else:
            name = value
        for type_ in types:
            for candidate in ctx.of_type(type_):
                if name and name in (candidate.values.get("bucket"), candidate.values.get("name")):
                    return region_of(candidate)
        return Unknown(f"the destination {value} is not declared in this code, so its region is not known")
    return Unknown("the destination is not set")


def _by_source(source: str, ctx: TfContext, types: tuple[str, ...]) -> list[TfResource]:
    out = []
    for type_ in types:
        for candidate in ctx.of_type(type_):
            if source.startswith(candidate.address + "."):
                out.append(candidate)
    return out


# -- S3 ------------------------------------------------------------------------------------------------
def _sse(rules: list[Mapping[str, Any]] | Unknown) -> str | Unknown | None:
    if isinstance(rules, Unknown):
        return rules
    for rule in rules:
        for default in blocks(rule, "apply_server_side_encryption_by_default") or []:
            algorithm = default.get("sse_algorithm")
            if isinstance(algorithm, Unknown):
                return algorithm
            key = default.get("kms_master_key_id")
            if isinstance(algorithm, str) and algorithm.startswith("aws:kms"):
                if isinstance(key, Unknown) or (isinstance(key, str) and key and "alias/aws/" not in key):
                    return "customer_key"
                return "provider_key"
            if isinstance(algorithm, str):
                return "provider_key"
    return None


def _policy_denies_http(policy: Any) -> bool | Unknown:
    if isinstance(policy, Unknown):
        return Unknown(f"the bucket policy is not known: {policy.reason}", policy.source)
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError:
            return Unknown("the bucket policy is not valid JSON")
    if not isinstance(policy, Mapping):
        return Unknown("the bucket policy is not a JSON object")
    statements = policy.get("Statement", [])
    statements = [statements] if isinstance(statements, Mapping) else statements
    for statement in statements if isinstance(statements, list) else []:
        if not isinstance(statement, Mapping) or statement.get("Effect") != "Deny":
            continue
        condition = statement.get("Condition", {})
        for operator in ("Bool", "BoolIfExists"):
            value = condition.get(operator, {}).get("aws:SecureTransport") if isinstance(condition, Mapping) else None
            if str(value).lower() in ("false", "['false']"):
                return True
    return False


def policy_document(policy: Any) -> Mapping[str, Any] | Unknown | None:
    """A policy as a JSON object (None when absent)."""
    if policy is None:
        return None
    if isinstance(policy, Unknown):
        return Unknown(f"the policy is not known: {policy.reason}", policy.source)
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError:
            return Unknown("the policy is not valid JSON")
    return policy if isinstance(policy, Mapping) else Unknown("the policy is not a JSON object")


def _statements(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    statements = document.get("Statement", [])
    statements = [statements] if isinstance(statements, Mapping) else statements
    return [s for s in statements if isinstance(s, Mapping)] if isinstance(statements, list) else []


def policy_public(policy: Any) -> bool | Unknown:
    """True when an Allow statement names any principal without a condition (absent policy: False)."""
    document = policy_document(policy)
    if document is None:
        return False
    if isinstance(document, Unknown):
        return document
    for statement in _statements(document):
        principal = statement.get("Principal")
        anyone = principal == "*" or (isinstance(principal, Mapping) and principal.get("AWS") in ("*", ["*"]))
        if statement.get("Effect") == "Allow" and anyone and not statement.get("Condition"):
            return True
    return False


S3_BASELINE_TLS = "1.2"  # S3 endpoints refuse TLS below 1.2; a bucket policy may only raise it


def min_tls(policy: Any) -> str | Unknown:
    """The minimum TLS version a bucket accepts, from `s3:TlsVersion` denies in its policy."""
    document = policy_document(policy)
    if document is None:
        return S3_BASELINE_TLS
    if isinstance(document, Unknown):
        return document
    versions = [S3_BASELINE_TLS]
    for statement in _statements(document):
        if statement.get("Effect") != "Deny" or not isinstance(statement.get("Condition"), Mapping):
            continue
        for operator in ("NumericLessThan", "NumericLessThanIfExists"):
            inner = statement["Condition"].get(operator)
            value = inner.get("s3:TlsVersion") if isinstance(inner, Mapping) else None
            for v in value if isinstance(value, list) else [value]:
                if isinstance(v, str | int | float) and not isinstance(v, bool):
                    versions.append(str(v))
    return max(versions, key=lambda v: tuple(int(p) if p.isdigit() else 0 for p in v.split(".")))


def _pab_state(pabs: list[TfResource]) -> bool | Unknown | None:
    if not pabs:
        return None
    values = [as_bool(pabs[0].values.get(k), False) for k in
              ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")]
    for value in values:
        if isinstance(value, Unknown):
            return value
    return all(values)


@maps("aws_s3_bucket")
def s3_bucket(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """An S3 bucket with its v4+ companion resources joined."""
    attrs: dict[str, Any] = {}
    lines: dict[str, str] = {}
    # encryption: separate resource, inline block (provider v3), else SSE-S3 by default
    sse_resources = ctx.linked(tf, "aws_s3_bucket_server_side_encryption_configuration", "bucket")
    encryption = _sse(blocks(sse_resources[0], "rule")) if sse_resources else None
    if encryption is None:
        inline = blocks(tf, "server_side_encryption_configuration")
        encryption = _sse(blocks(inline[0], "rule")) if isinstance(inline, list) and inline else (
            inline if isinstance(inline, Unknown) else None)
        if encryption is not None:
            lines["encryption.at_rest"] = "server_side_encryption_configuration"
    attrs["encryption.at_rest"] = encryption if encryption is not None else "provider_key"
    # public access block
    pab = _pab_state(ctx.linked(tf, "aws_s3_bucket_public_access_block", "bucket"))
    attrs["public_access_block"] = pab if pab is not None else Unknown(
        "no aws_s3_bucket_public_access_block for this bucket in the code; the account-level block decides")
    acl = tf.values.get("acl")
    acl_resources = ctx.linked(tf, "aws_s3_bucket_acl", "bucket")
    if acl_resources:
        acl = acl_resources[0].values.get("acl", acl)
    if isinstance(acl, str) and acl in ("public-read", "public-read-write"):
        attrs["public"] = pab is not True
        lines["public"] = "acl"
    elif pab is True:
        attrs["public"] = False
    else:
        attrs["public"] = Unknown("public access depends on the bucket policy and the account-level public access block")
    # versioning
    versioning_resources = ctx.linked(tf, "aws_s3_bucket_versioning", "bucket")
    if versioning_resources:
        config = blocks(versioning_resources[0], "versioning_configuration")
        status = config[0].get("status") if isinstance(config, list) and config else config
        attrs["versioning"] = status if isinstance(status, Unknown) else status == "Enabled"
    else:
        inline_v = blocks(tf, "versioning")
        if isinstance(inline_v, list) and inline_v:
            attrs["versioning"] = as_bool(inline_v[0].get("enabled"), False)
            lines["versioning"] = "versioning"
        else:
            attrs["versioning"] = inline_v if isinstance(inline_v, Unknown) else False
    # access logging
    logging_resources = ctx.linked(tf, "aws_s3_bucket_logging", "bucket")
    inline_l = blocks(tf, "logging")
    attrs["access_logging"] = bool(logging_resources) or (inline_l if isinstance(inline_l, Unknown) else bool(inline_l))
    # TLS only: a Deny on aws:SecureTransport=false in the bucket policy
    policies = ctx.linked(tf, "aws_s3_bucket_policy", "bucket")
    policy = policies[0].values.get("policy") if policies else tf.values.get("policy")
    if policy is not None:
        attrs["tls_only"] = _policy_denies_http(policy)
        lines["tls_only"] = lines["tls.min_version"] = "policy"
    else:
        attrs["tls_only"] = False
    attrs["tls.min_version"] = min_tls(policy)
    # replication: destination bucket regions
    replications = ctx.linked(tf, "aws_s3_bucket_replication_configuration", "bucket")
    locations: list[str] | Unknown = []
    for replication in replications:
        rules = blocks(replication, "rule")
        if isinstance(rules, Unknown):
            locations = rules
            break
        for rule in rules:
            if rule.get("status") == "Disabled":
                continue
            for destination in blocks(rule, "destination") or []:
                region = _region_of_ref(destination.get("bucket"), ctx, ("aws_s3_bucket",))
                if isinstance(region, Unknown):
                    locations = region
                    break
                if region not in locations:  # type: ignore[operator]
                    locations.append(region)  # type: ignore[union-attr]
            if isinstance(locations, Unknown):
                break
    attrs["replication.locations"] = locations
    attrs["object_lock"] = as_bool(tf.values.get("object_lock_enabled"), False)
    ownership = ctx.linked(tf, "aws_s3_bucket_ownership_controls", "bucket")
    if ownership:
        rule = blocks(ownership[0], "rule")
        value = rule[0].get("object_ownership") if isinstance(rule, list) and rule else rule
        attrs["uniform_access"] = value if isinstance(value, Unknown) else value == "BucketOwnerEnforced"
    lines.setdefault("object_lock", "object_lock_enabled")
    yield build(tf, ctx, PROVIDER, "storage.bucket", region_of(tf), attrs, lines, name=text(tf.values.get("bucket"), tf.name))


# -- EC2 -----------------------------------------------------------------------------------------------
def _rule(protocol: Any, from_port: Any, to_port: Any, sources: list[Any], label: str) -> FirewallRule | Unknown:
    for value in (protocol, from_port, to_port, *sources):
        if isinstance(value, Unknown):
            return Unknown(f"ingress rule {label} is not known: {value.reason}", value.source)
    proto = str(protocol).lower() if protocol is not None else "all"
    proto = {"-1": "all", "6": "tcp", "17": "udp", "1": "icmp"}.get(proto, proto)
    low = as_int(from_port)
    high = as_int(to_port)
    if isinstance(low, Unknown) or isinstance(high, Unknown):
        return Unknown(f"ingress rule {label} ports are not numbers")
    if proto == "all":
        low, high = None, None
    flat: list[str] = []
    for source in sources:
        if isinstance(source, list):
            for item in source:
                if isinstance(item, Unknown):
                    return Unknown(f"ingress rule {label} source is not known: {item.reason}", item.source)
                if isinstance(item, str):
                    flat.append(item)
        elif isinstance(source, str):
            flat.append(source)
    return FirewallRule(proto, low, high, tuple(flat), True, label)


@maps("aws_security_group", "aws_default_security_group")
def security_group(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A security group with its inline rules and the separate rule resources that target it."""
    rules: list[FirewallRule] | Unknown = []
    ingress = blocks(tf, "ingress")
    candidates: list[FirewallRule | Unknown] = []
    if isinstance(ingress, Unknown):
        rules = ingress
    else:
        for i, block in enumerate(ingress):
            candidates.append(_rule(block.get("protocol"), block.get("from_port"), block.get("to_port"),
                                    [block.get("cidr_blocks"), block.get("ipv6_cidr_blocks")], f"{tf.address}.ingress[{i}]"))
    for rule in ctx.linked(tf, "aws_security_group_rule", "security_group_id"):
        if rule.values.get("type") != "ingress":
            continue
        candidates.append(_rule(rule.values.get("protocol"), rule.values.get("from_port"), rule.values.get("to_port"),
                                [rule.values.get("cidr_blocks"), rule.values.get("ipv6_cidr_blocks")], rule.address))
    for rule in ctx.linked(tf, "aws_vpc_security_group_ingress_rule", "security_group_id"):
        candidates.append(_rule(rule.values.get("ip_protocol"), rule.values.get("from_port"), rule.values.get("to_port"),
                                [rule.values.get("cidr_ipv4"), rule.values.get("cidr_ipv6")], rule.address))
    if not isinstance(rules, Unknown):
        for candidate in candidates:
            if isinstance(candidate, Unknown):
                rules = candidate
                break
            rules.append(candidate)
    attrs = {"ingress": rules, "is_default": tf.type == "aws_default_security_group", "default_action": "deny"}
    yield build(tf, ctx, PROVIDER, "network.firewall", region_of(tf), attrs, {"ingress": "ingress"},
                name=text(tf.values.get("name"), tf.name))


@maps("aws_ebs_volume")
def ebs_volume(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """An EBS volume; without `encrypted`, the account's encryption-by-default decides."""
    location = zone_region(tf.values.get("availability_zone")) or region_of(tf)
    encrypted = tf.values.get("encrypted")
    by_default = [r for r in ctx.of_type("aws_ebs_encryption_by_default")
                  if region_of(r) == location or isinstance(region_of(r), Unknown)]
    default_on = as_bool(by_default[0].values.get("enabled"), True) if by_default else None
    encryption: str | Unknown
    if isinstance(encrypted, Unknown):
        encryption = encrypted
    elif encrypted is True or default_on is True:
        has_key = tf.values.get("kms_key_id") is not None or bool(ctx.of_type("aws_ebs_default_kms_key"))
        encryption = "customer_key" if has_key else "provider_key"
    elif isinstance(default_on, Unknown):
        encryption = default_on
    elif encrypted is False or default_on is False:
        encryption = "none"
    else:
        encryption = Unknown("`encrypted` is not set and the code has no aws_ebs_encryption_by_default: "
                             "the account's EBS encryption-by-default setting decides")
    yield build(tf, ctx, PROVIDER, "compute.disk", location, {"encryption.at_rest": encryption},
                {"encryption.at_rest": "encrypted", "location": "availability_zone"},
                name=text(tags_of(tf).get("Name") if isinstance(tags_of(tf), Mapping) else None, tf.name))


@maps("aws_instance")
def instance(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """An EC2 instance: IMDSv2, public IP and security groups."""
    location = zone_region(tf.values.get("availability_zone")) or region_of(tf)
    attrs: dict[str, Any] = {}
    options = blocks(tf, "metadata_options")
    if isinstance(options, Unknown):
        attrs["metadata.token_required"] = options
    elif options and options[0].get("http_tokens") is not None:
        tokens = options[0].get("http_tokens")
        attrs["metadata.token_required"] = tokens if isinstance(tokens, Unknown) else tokens == "required"
    else:
        attrs["metadata.token_required"] = Unknown("metadata_options.http_tokens is not set: the AMI and the account's "
                                                   "IMDS defaults decide")
    public = tf.values.get("associate_public_ip_address")
    attrs["public_ip"] = as_bool(public, Unknown("associate_public_ip_address is not set: the subnet decides"))
    groups = tf.values.get("vpc_security_group_ids", tf.values.get("security_groups"))
    if isinstance(groups, list):
        attrs["firewall.attached"] = True
    root = blocks(tf, "root_block_device")
    yield build(tf, ctx, PROVIDER, "compute.instance", location, attrs,
                {"metadata.token_required": "metadata_options", "public_ip": "associate_public_ip_address"},
                name=text(tags_of(tf).get("Name") if isinstance(tags_of(tf), Mapping) else None, tf.name))
    if isinstance(root, list) and root:
        encrypted = root[0].get("encrypted")
        if isinstance(encrypted, (bool, Unknown)):
            value: Any = encrypted if isinstance(encrypted, Unknown) else (
                ("customer_key" if root[0].get("kms_key_id") else "provider_key") if encrypted else "none")
            yield build(tf, ctx, PROVIDER, "compute.disk", location, {"encryption.at_rest": value},
                        {"encryption.at_rest": "root_block_device"}, address=f"{tf.address}.root_block_device",
                        name=f"{tf.name} root volume")


@maps("aws_vpc", "aws_default_vpc")
def vpc(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A VPC; flow logs from aws_flow_log resources that target it."""
    flow_logs = ctx.linked(tf, "aws_flow_log", "vpc_id")
    attrs = {"flow_logs": bool(flow_logs), "is_default": tf.type == "aws_default_vpc"}
    yield build(tf, ctx, PROVIDER, "network.vpc", region_of(tf), attrs)


# -- databases -----------------------------------------------------------------------------------------
def _storage_encryption(tf: TfResource, default: bool | None = False) -> str | Unknown:
    encrypted = as_bool(tf.values.get("storage_encrypted"), default)
    if isinstance(encrypted, Unknown):
        return encrypted
    if encrypted is None:
        return Unknown("storage_encrypted is not set")
    if not encrypted:
        return "none"
    key = tf.values.get("kms_key_id")
    return "customer_key" if key is not None else "provider_key"


@maps("aws_db_instance")
def db_instance(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """An RDS instance; read replicas in code (replicate_source_db) give its replication locations."""
    encryption: Any = _storage_encryption(tf)
    source = tf.values.get("replicate_source_db")
    if source is not None and tf.values.get("storage_encrypted") is None:
        # A read replica inherits the source's encryption.
        sources = _by_source(source.source, ctx, ("aws_db_instance",)) if isinstance(source, Unknown) and source.source else []
        encryption = _storage_encryption(sources[0]) if sources else Unknown(
            "a read replica inherits encryption from its source instance, which is not in this code")
    attrs: dict[str, Any] = {
        "encryption.at_rest": encryption,
        "public": as_bool(tf.values.get("publicly_accessible"), False),
        "high_availability": as_bool(tf.values.get("multi_az"), False),
        "deletion_protection": as_bool(tf.values.get("deletion_protection"), False),
    }
    retention = as_int(tf.values.get("backup_retention_period"))
    if retention is not None:
        attrs["backup.retention_days"] = retention
        attrs["backup.enabled"] = retention if isinstance(retention, Unknown) else retention > 0
    attrs["replication.locations"] = regions_of(ctx.linked(tf, "aws_db_instance", "replicate_source_db"))
    home = region_of(tf)
    copies = ctx.linked(tf, "aws_db_instance_automated_backups_replication", "source_db_instance_arn")
    attrs["backup.locations"] = home if isinstance(home, Unknown) else regions_of(copies, seed=[home])
    yield build(tf, ctx, PROVIDER, "database.instance", home, attrs,
                {"encryption.at_rest": "storage_encrypted", "public": "publicly_accessible",
                 "high_availability": "multi_az", "backup.retention_days": "backup_retention_period",
                 "deletion_protection": "deletion_protection"},
                name=text(tf.values.get("identifier"), tf.name))


@maps("aws_rds_cluster")
def rds_cluster(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """An Aurora/RDS cluster; members of the same global cluster give its replication locations."""
    engine_mode = tf.values.get("engine_mode")
    attrs: dict[str, Any] = {
        "encryption.at_rest": "provider_key" if engine_mode == "serverless" and tf.values.get("storage_encrypted") is None
        else _storage_encryption(tf),
        "deletion_protection": as_bool(tf.values.get("deletion_protection"), False),
    }
    retention = as_int(tf.values.get("backup_retention_period"))
    if retention is not None:
        attrs["backup.retention_days"] = retention
        attrs["backup.enabled"] = retention if isinstance(retention, Unknown) else retention > 0
    global_id = tf.values.get("global_cluster_identifier")
    regions: list[str] | Unknown = []
    if global_id is not None:
        for member in ctx.of_type("aws_rds_cluster"):
            other = member.values.get("global_cluster_identifier")
            same = (isinstance(other, Unknown) and isinstance(global_id, Unknown) and other.source == global_id.source
                    and other.source) or (isinstance(other, str) and other == global_id)
            if same and member.address != tf.address:
                region = region_of(member)
                if isinstance(region, Unknown):
                    regions = region
                    break
                if region not in regions:
                    regions.append(region)
        if isinstance(global_id, Unknown) and not regions and not global_id.source:
            regions = Unknown(f"the global cluster is not known: {global_id.reason}")
    attrs["replication.locations"] = regions
    yield build(tf, ctx, PROVIDER, "database.instance", region_of(tf), attrs,
                {"encryption.at_rest": "storage_encrypted", "backup.retention_days": "backup_retention_period",
                 "replication.locations": "global_cluster_identifier"},
                name=text(tf.values.get("cluster_identifier"), tf.name))


@maps("aws_dynamodb_table")
def dynamodb_table(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A DynamoDB table with its replica blocks (global table v2019) and aws_dynamodb_table_replica resources."""
    attrs: dict[str, Any] = {}
    sse = blocks(tf, "server_side_encryption")
    if isinstance(sse, Unknown):
        attrs["encryption.at_rest"] = sse
    elif sse and as_bool(sse[0].get("enabled"), False) is True:
        attrs["encryption.at_rest"] = "customer_key" if sse[0].get("kms_key_arn") is not None else "provider_key"
    else:
        attrs["encryption.at_rest"] = "provider_key"  # DynamoDB always encrypts with an AWS owned key
    pitr = blocks(tf, "point_in_time_recovery")
    attrs["backup.pitr"] = pitr if isinstance(pitr, Unknown) else (as_bool(pitr[0].get("enabled"), False) if pitr else False)
    replicas = blocks(tf, "replica")
    regions: list[str] | Unknown = []
    if isinstance(replicas, Unknown):
        regions = replicas
    else:
        for replica in replicas:
            region = replica.get("region_name")
            if isinstance(region, Unknown):
                regions = region
                break
            if isinstance(region, str) and region.lower() not in regions:
                regions.append(region.lower())
    if not isinstance(regions, Unknown):
        regions = regions_of(ctx.linked(tf, "aws_dynamodb_table_replica", "global_table_arn"), seed=regions)
    attrs["replication.locations"] = regions
    resource_policies = ctx.linked(tf, "aws_dynamodb_resource_policy", "resource_arn")
    attrs["public"] = policy_public(resource_policies[0].values.get("policy")) if resource_policies else False
    yield build(tf, ctx, PROVIDER, "nosql.table", region_of(tf), attrs,
                {"replication.locations": "replica", "backup.pitr": "point_in_time_recovery",
                 "encryption.at_rest": "server_side_encryption"}, name=text(tf.values.get("name"), tf.name))

def regions_of(resources: Iterable[TfResource], seed: list[str] | None = None) -> list[str] | Unknown:
    """The distinct regions of `resources` (after `seed`); Unknown as soon as one region is unknown."""
    regions = list(seed or [])
    for other in resources:
        region = region_of(other)
        if isinstance(region, Unknown):
            return region
        if region not in regions:
            regions.append(region)
    return regions



# -- KMS -----------------------------------------------------------------------------------------------
@maps("aws_kms_key")
def kms_key(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A KMS key; aws_kms_replica_key resources give the replica regions of a multi-Region key."""
    attrs: dict[str, Any] = {"rotation.enabled": as_bool(tf.values.get("enable_key_rotation"), False),
                             "public": policy_public(tf.values.get("policy"))}
    period = as_int(tf.values.get("rotation_period_in_days"))
    if period is not None:
        attrs["rotation.period_days"] = period
    elif attrs["rotation.enabled"] is True:
        attrs["rotation.period_days"] = 365
    attrs["replication.locations"] = regions_of(ctx.linked(tf, "aws_kms_replica_key", "primary_key_arn"))
    yield build(tf, ctx, PROVIDER, "kms.key", region_of(tf), attrs,
                {"rotation.enabled": "enable_key_rotation", "rotation.period_days": "rotation_period_in_days"},
                name=text(tf.values.get("description"), tf.name))


@maps("aws_kms_replica_key")
def kms_replica_key(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A replica of a multi-Region key: a key in its own region."""
    attrs: dict[str, Any] = {"replication.locations": [], "public": policy_public(tf.values.get("policy"))}
    primary = tf.values.get("primary_key_arn")
    primaries = _by_source(primary.source, ctx, ("aws_kms_key",)) if isinstance(primary, Unknown) and primary.source else []
    if primaries:  # rotation of a multi-Region key is set on the primary and shared by its replicas
        attrs["rotation.enabled"] = as_bool(primaries[0].values.get("enable_key_rotation"), False)
    yield build(tf, ctx, PROVIDER, "kms.key", region_of(tf), attrs, name=text(tf.values.get("description"), tf.name))


# -- logging -------------------------------------------------------------------------------------------
@maps("aws_cloudtrail")
def cloudtrail(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A CloudTrail trail; its bucket's region (when the bucket is in the code) is where logs land."""
    bucket = tf.values.get("s3_bucket_name")
    destination = _region_of_ref(bucket, ctx, ("aws_s3_bucket",))
    attrs = {
        "enabled": as_bool(tf.values.get("enable_logging"), True),
        "multi_region": as_bool(tf.values.get("is_multi_region_trail"), False),
        "log_file_validation": as_bool(tf.values.get("enable_log_file_validation"), False),
        "encryption.at_rest": "customer_key" if tf.values.get("kms_key_id") is not None else "provider_key",
        "destination.locations": destination if isinstance(destination, Unknown) else [destination],
    }
    yield build(tf, ctx, PROVIDER, "audit.trail", region_of(tf), attrs,
                {"multi_region": "is_multi_region_trail", "log_file_validation": "enable_log_file_validation",
                 "encryption.at_rest": "kms_key_id", "destination.locations": "s3_bucket_name"},
                name=text(tf.values.get("name"), tf.name))


@maps("aws_cloudwatch_log_group")
def log_group(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A CloudWatch Logs group: retention (absent: never expires) and encryption."""
    retention = as_int(tf.values.get("retention_in_days"))
    attrs = {
        "retention_days": 0 if retention is None else retention,
        "encryption.at_rest": "customer_key" if tf.values.get("kms_key_id") is not None else "provider_key",
    }
    yield build(tf, ctx, PROVIDER, "log.store", region_of(tf), attrs,
                {"retention_days": "retention_in_days", "encryption.at_rest": "kms_key_id"},
                name=text(tf.values.get("name"), tf.name))


@maps("aws_backup_plan")
def backup_plan(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """An AWS Backup plan: the regions of its copy_action destination vaults and the shortest retention."""
    rules = blocks(tf, "rule")
    copies: list[str] | Unknown = []
    retention: int | Unknown | None = None
    if isinstance(rules, Unknown):
        copies = rules
    else:
        for rule in rules:
            for lifecycle in blocks(rule, "lifecycle") or []:
                days = as_int(lifecycle.get("delete_after"))
                if isinstance(days, int) and (retention is None or (isinstance(retention, int) and days < retention)):
                    retention = days
            actions = blocks(rule, "copy_action")
            if isinstance(actions, Unknown):
                copies = actions
                break
            for action in actions:
                region = _region_of_ref(action.get("destination_vault_arn"), ctx, ("aws_backup_vault",))
                if isinstance(region, Unknown):
                    copies = region
                    break
                if region not in copies:
                    copies.append(region)
            if isinstance(copies, Unknown):
                break
    attrs: dict[str, Any] = {"copy.locations": copies}
    if retention is not None:
        attrs["retention_days"] = retention
    yield build(tf, ctx, PROVIDER, "backup.plan", region_of(tf), attrs, {"copy.locations": "rule"},
                name=text(tf.values.get("name"), tf.name))


# -- containers, edge, functions, load balancers, files --------------------------------------------------
@maps("aws_ecr_repository")
def ecr_repository(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """An ECR repository; registry replication in the code gives its replica regions."""
    scanning = blocks(tf, "image_scanning_configuration")
    encryption = blocks(tf, "encryption_configuration")
    enc: Any = "provider_key"
    if isinstance(encryption, Unknown):
        enc = encryption
    elif encryption and encryption[0].get("encryption_type") == "KMS":
        enc = "customer_key" if encryption[0].get("kms_key") is not None else "provider_key"
    mutability = tf.values.get("image_tag_mutability", "MUTABLE")
    attrs: dict[str, Any] = {
        "scan_on_push": scanning if isinstance(scanning, Unknown) else (
            as_bool(scanning[0].get("scan_on_push"), False) if scanning else False),
        "immutable_tags": mutability if isinstance(mutability, Unknown) else str(mutability).startswith("IMMUTABLE"),
        "encryption.at_rest": enc,
    }
    configs = ctx.of_type("aws_ecr_replication_configuration")
    attrs["replication.locations"] = _ecr_destinations(configs[0]) if configs else Unknown(
        "no aws_ecr_replication_configuration in the code: the registry's replication setting decides")
    yield build(tf, ctx, PROVIDER, "container.registry", region_of(tf), attrs,
                {"scan_on_push": "image_scanning_configuration", "immutable_tags": "image_tag_mutability"},
                name=text(tf.values.get("name"), tf.name))


def _ecr_destinations(tf: TfResource) -> list[str] | Unknown:
    regions: list[str] = []
    for config in blocks(tf, "replication_configuration") or []:
        rules = blocks(config, "rule")
        if isinstance(rules, Unknown):
            return rules
        for rule in rules:
            for destination in blocks(rule, "destination") or []:
                region = destination.get("region")
                if isinstance(region, Unknown):
                    return region
                if isinstance(region, str) and region.lower() not in regions:
                    regions.append(region.lower())
    return regions


@maps("aws_ecr_replication_configuration")
def ecr_replication(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """The registry-wide replication configuration, as the registry of its region."""
    yield build(tf, ctx, PROVIDER, "container.registry", region_of(tf),
                {"replication.locations": _ecr_destinations(tf)}, {"replication.locations": "replication_configuration"},
                name="ECR registry replication")


_TLS_POLICY = {"SSLv3": "1.0", "TLSv1": "1.0", "TLSv1_2016": "1.0", "TLSv1.1_2016": "1.1", "TLSv1.2_2018": "1.2",
               "TLSv1.2_2019": "1.2", "TLSv1.2_2021": "1.2", "TLSv1.3_2025": "1.3"}


@maps("aws_cloudfront_distribution")
def cloudfront(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A CloudFront distribution: global; viewer protocol, TLS policy and WAF."""
    behaviors = []
    for name in ("default_cache_behavior", "ordered_cache_behavior"):
        found = blocks(tf, name)
        if isinstance(found, Unknown):
            behaviors = [found]
            break
        behaviors += found
    https: Any = True
    for behavior in behaviors:
        if isinstance(behavior, Unknown):
            https = behavior
            break
        policy = behavior.get("viewer_protocol_policy")
        if isinstance(policy, Unknown):
            https = policy
            break
        if policy == "allow-all":
            https = False
    certificate = blocks(tf, "viewer_certificate")
    tls: Any = Unknown("viewer_certificate is not set")
    if isinstance(certificate, list) and certificate:
        if certificate[0].get("cloudfront_default_certificate") is True:
            tls = "1.0"
        else:
            version = certificate[0].get("minimum_protocol_version", "TLSv1")
            tls = version if isinstance(version, Unknown) else _TLS_POLICY.get(str(version), Unknown(f"unknown policy {version}"))
    web_acl = tf.values.get("web_acl_id")
    attrs = {"https_only": https, "tls.min_version": tls, "waf": web_acl if isinstance(web_acl, Unknown) else web_acl is not None}
    yield build(tf, ctx, PROVIDER, "cdn.distribution", "global", attrs,
                {"https_only": "default_cache_behavior", "tls.min_version": "viewer_certificate", "waf": "web_acl_id"},
                name=text(tf.values.get("comment"), tf.name))


@maps("aws_lambda_function")
def lambda_function(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A Lambda function; its function URLs in the code decide `public_url`."""
    urls = ctx.linked(tf, "aws_lambda_function_url", "function_name")
    public: Any = False
    for url in urls:
        auth = url.values.get("authorization_type")
        if isinstance(auth, Unknown):
            public = auth
            break
        if auth == "NONE":
            public = True
    yield build(tf, ctx, PROVIDER, "compute.function", region_of(tf), {"public_url": public},
                name=text(tf.values.get("function_name"), tf.name))


@maps("aws_lambda_function_url")
def lambda_url(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A function URL whose function is not declared in this code (else it is joined to the function)."""
    function = tf.values.get("function_name")
    for candidate in ctx.of_type("aws_lambda_function"):
        if tf in ctx.linked(candidate, "aws_lambda_function_url", "function_name"):
            return
    auth = tf.values.get("authorization_type")
    public = auth if isinstance(auth, Unknown) else auth == "NONE"
    yield build(tf, ctx, PROVIDER, "compute.function", region_of(tf), {"public_url": public},
                {"public_url": "authorization_type"}, name=text(function, tf.name))


_LB_TLS = {"ELBSecurityPolicy-2016-08": "1.0", "ELBSecurityPolicy-TLS-1-0-2015-04": "1.0",
           "ELBSecurityPolicy-TLS-1-1-2017-01": "1.1", "ELBSecurityPolicy-TLS-1-2-2017-01": "1.2",
           "ELBSecurityPolicy-TLS-1-2-Ext-2018-06": "1.2", "ELBSecurityPolicy-FS-1-2-2019-08": "1.2",
           "ELBSecurityPolicy-FS-1-2-Res-2020-10": "1.2", "ELBSecurityPolicy-TLS13-1-2-2021-06": "1.2",
           "ELBSecurityPolicy-TLS13-1-2-Res-2021-06": "1.2", "ELBSecurityPolicy-TLS13-1-3-2021-06": "1.3"}


@maps("aws_lb", "aws_alb")
def load_balancer(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """An ALB/NLB with its listeners (HTTPS or redirect to HTTPS) and WAF association."""
    listeners = ctx.linked(tf, "aws_lb_listener", "load_balancer_arn") + ctx.linked(tf, "aws_alb_listener", "load_balancer_arn")
    https: Any = True
    versions: list[str] = []
    for listener in listeners:
        protocol = listener.values.get("protocol", "HTTP")
        if isinstance(protocol, Unknown):
            https = protocol
            break
        if protocol in ("HTTPS", "TLS"):
            policy = listener.values.get("ssl_policy", "ELBSecurityPolicy-2016-08")
            versions.append(_LB_TLS.get(str(policy), "1.0") if isinstance(policy, str) else "?")
            continue
        redirects = [a for a in blocks(listener, "default_action") or [] if a.get("type") == "redirect"]
        if not any((blocks(a, "redirect") or [{}])[0].get("protocol") == "HTTPS" for a in redirects):
            https = False
    internal = as_bool(tf.values.get("internal"), False)
    logs = blocks(tf, "access_logs")
    attrs: dict[str, Any] = {
        "https_only": https if listeners else Unknown("no listener for this load balancer in the code"),
        "public": internal if isinstance(internal, Unknown) else not internal,
        "access_logging": logs if isinstance(logs, Unknown) else (as_bool(logs[0].get("enabled"), False) if logs else False),
        "waf": bool(ctx.linked(tf, "aws_wafv2_web_acl_association", "resource_arn")),
    }
    if versions and "?" not in versions:
        attrs["tls.min_version"] = min(versions)
    yield build(tf, ctx, PROVIDER, "network.loadbalancer", region_of(tf), attrs,
                {"public": "internal", "access_logging": "access_logs"}, name=text(tf.values.get("name"), tf.name))


@maps("aws_efs_file_system")
def efs(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """An EFS file system: encryption (off unless `encrypted`) and backup policy."""
    encrypted = as_bool(tf.values.get("encrypted"), False)
    enc: Any = encrypted if isinstance(encrypted, Unknown) else (
        ("customer_key" if tf.values.get("kms_key_id") is not None else "provider_key") if encrypted else "none")
    policies = ctx.linked(tf, "aws_efs_backup_policy", "file_system_id")
    backup: Any = False
    if policies:
        policy = blocks(policies[0], "backup_policy")
        status = policy[0].get("status") if isinstance(policy, list) and policy else policy
        backup = status if isinstance(status, Unknown) else status == "ENABLED"
    yield build(tf, ctx, PROVIDER, "storage.file", region_of(tf), {"encryption.at_rest": enc, "backup.enabled": backup},
                {"encryption.at_rest": "encrypted"}, name=text(tf.values.get("creation_token"), tf.name))


@maps("aws_iam_user")
def iam_user(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """An IAM user: console password and access keys declared in the code."""
    keys = [k for k in ctx.linked(tf, "aws_iam_access_key", "user") if k.values.get("status", "Active") == "Active"]
    attrs = {
        "console_access": bool(ctx.linked(tf, "aws_iam_user_login_profile", "user")),
        "access_keys.active": len(keys),
    }
    yield build(tf, ctx, PROVIDER, "identity.user", "global", attrs, name=text(tf.values.get("name"), tf.name))

"""CloudFormation resources mapped to the same kinds and facts as the live AWS provider.

A template's region is chosen at deploy time: `--region` supplies it; without it the location of
regional resources is Unknown and says how to supply it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from providers.cloudformation.template import CfnResource, Template
from providers.terraform.aws import min_tls, policy_public
from scanner.kinds import FirewallRule
from scanner.model import CollectionError, Origin, Resource, Unknown
from scanner.plugins import WorkUnit

PROVIDER = "aws"
Mapper = Callable[[CfnResource, Template], Iterator[Resource]]
MAPPERS: dict[str, Mapper] = {}


def maps(*types: str) -> Callable[[Mapper], Mapper]:
    """Register a mapper for CloudFormation types."""

    def mark(function: Mapper) -> Mapper:
        for type_ in types:
            MAPPERS[type_] = function
        return function

    return mark


def region(template: Template) -> str | Unknown:
    """The stack region from --region, else Unknown with how to supply it."""
    if template.region:
        return template.region.lower()
    return Unknown("a CloudFormation template's region is chosen at deploy time: pass --region REGION to govscan scan iac")


def _bool(value: Any, default: bool | Unknown | None) -> Any:
    if value is None:
        return default
    if isinstance(value, bool | Unknown):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return Unknown(f"not a boolean: {value!r}")


def _int(value: Any) -> Any:
    if value is None or isinstance(value, Unknown):
        return value
    try:
        return int(str(value))
    except ValueError:
        return Unknown(f"not a number: {value!r}")


def _tags(resource: CfnResource) -> Mapping[str, str] | Unknown:
    tags = resource.properties.get("Tags")
    if tags is None:
        return {}
    if isinstance(tags, Unknown):
        return tags
    out = {}
    if isinstance(tags, Mapping):
        items = list(tags.items())
    elif isinstance(tags, list):
        items = [(t.get("Key"), t.get("Value")) for t in tags if isinstance(t, Mapping)]
    else:
        return Unknown("Tags is not a list")
    for key, value in items:
        if isinstance(key, Unknown) or isinstance(value, Unknown):
            return Unknown("a tag is not known before deploy")
        out[str(key)] = "" if value is None else str(value)
    return out


def build(resource: CfnResource, template: Template, kind: str, location: str | Unknown, attrs: Mapping[str, Any],
          lines: Mapping[str, str] | None = None, name: str | None = None, id_suffix: str = "") -> Resource:
    """A code Resource for a template resource."""
    attr_lines = {fact: resource.line_of(prop) for fact, prop in (lines or {}).items()}
    tags = _tags(resource)
    display = name or (tags.get("Name") if isinstance(tags, Mapping) else None) or resource.logical_id
    return Resource(
        provider=PROVIDER, kind=kind, native_type=resource.type, id=resource.address + id_suffix, name=display,
        scope=template.scope, location=location, attrs={k: v for k, v in attrs.items() if v is not None},
        origin=Origin.code(resource.file, resource.line, attr_lines), tags=tags, mutes=resource.mutes,
    )


def _encryption(encrypted: Any, key: Any) -> Any:
    if isinstance(encrypted, Unknown):
        return encrypted
    if encrypted is True:
        return "customer_key" if key is not None else "provider_key"
    return "none"


def _region_of_target(value: Any, template: Template) -> str | Unknown:
    """The region of a resource referred to by Ref/GetAtt (this stack) or by an ARN with a region."""
    if isinstance(value, Unknown):
        if value.source and template.by_logical_id(value.source) is not None:
            return region(template)
        return Unknown(f"the destination is not known: {value.reason}", value.source)
    if isinstance(value, str) and value.startswith("arn:"):
        parts = value.split(":")
        if len(parts) > 3 and parts[3]:
            return parts[3].lower()
        return Unknown(f"the ARN {value} carries no region and the resource is not in this template")
    return Unknown(f"the destination {value!r} is not in this template, so its region is not known")


# -- storage -------------------------------------------------------------------------------------------
@maps("AWS::S3::Bucket")
def s3_bucket(resource: CfnResource, template: Template) -> Iterator[Resource]:
    """An S3 bucket: encryption (SSE-S3 by default since 2023), public access block, versioning, replication."""
    attrs: dict[str, Any] = {}
    rules = resource.get("BucketEncryption.ServerSideEncryptionConfiguration")
    encryption: Any = "provider_key"
    if isinstance(rules, Unknown):
        encryption = rules
    elif isinstance(rules, list):
        for rule in rules:
            default = rule.get("ServerSideEncryptionByDefault", {}) if isinstance(rule, Mapping) else {}
            algorithm = default.get("SSEAlgorithm") if isinstance(default, Mapping) else None
            if isinstance(algorithm, Unknown):
                encryption = algorithm
            elif isinstance(algorithm, str) and algorithm.startswith("aws:kms"):
                encryption = "customer_key" if default.get("KMSMasterKeyID") is not None else "provider_key"
    attrs["encryption.at_rest"] = encryption
    block = resource.get("PublicAccessBlockConfiguration")
    if isinstance(block, Mapping):
        flags = [_bool(block.get(k), False) for k in ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls",
                                                          "RestrictPublicBuckets")]
        bad = next((f for f in flags if isinstance(f, Unknown)), None)
        attrs["public_access_block"] = bad if bad is not None else all(flags)
    else:
        attrs["public_access_block"] = Unknown("no PublicAccessBlockConfiguration: the account-level block decides")
    acl = resource.get("AccessControl")
    if isinstance(acl, str) and acl in ("PublicRead", "PublicReadWrite"):
        attrs["public"] = attrs["public_access_block"] is not True
    elif attrs["public_access_block"] is True:
        attrs["public"] = False
    else:
        attrs["public"] = Unknown("public access depends on the bucket policy and the account-level public access block")
    status = resource.get("VersioningConfiguration.Status")
    attrs["versioning"] = status if isinstance(status, Unknown) else status == "Enabled"
    logging = resource.get("LoggingConfiguration")
    attrs["access_logging"] = logging if isinstance(logging, Unknown) else logging is not None
    policies = template.linked(resource, "AWS::S3::BucketPolicy", "Bucket")
    attrs["tls_only"] = _denies_http(policies[0].get("PolicyDocument")) if policies else False
    attrs["tls.min_version"] = min_tls(policies[0].get("PolicyDocument")) if policies else min_tls(None)
    attrs["object_lock"] = _bool(resource.get("ObjectLockEnabled"), False)
    ownership = resource.get("OwnershipControls.Rules.0.ObjectOwnership")
    if ownership is not None:
        attrs["uniform_access"] = ownership if isinstance(ownership, Unknown) else ownership == "BucketOwnerEnforced"
    replication = resource.get("ReplicationConfiguration.Rules")
    locations: Any = []
    if isinstance(replication, Unknown):
        locations = replication
    elif isinstance(replication, list):
        for rule in replication:
            if not isinstance(rule, Mapping) or rule.get("Status") == "Disabled":
                continue
            destination = rule.get("Destination", {})
            target = destination.get("Bucket") if isinstance(destination, Mapping) else None
            found = _region_of_target(target, template)
            if isinstance(found, Unknown):
                locations = found
                break
            if found not in locations:
                locations.append(found)
    attrs["replication.locations"] = locations
    yield build(resource, template, "storage.bucket", region(template), attrs,
                {"encryption.at_rest": "BucketEncryption", "public_access_block": "PublicAccessBlockConfiguration",
                 "versioning": "VersioningConfiguration", "replication.locations": "ReplicationConfiguration",
                 "access_logging": "LoggingConfiguration"},
                name=resource.get("BucketName") if isinstance(resource.get("BucketName"), str) else None)


def _denies_http(policy: Any) -> Any:
    if isinstance(policy, Unknown):
        return policy
    if not isinstance(policy, Mapping):
        return Unknown("the bucket policy is not a document")
    statements = policy.get("Statement", [])
    statements = [statements] if isinstance(statements, Mapping) else statements
    for statement in statements if isinstance(statements, list) else []:
        if isinstance(statement, Mapping) and statement.get("Effect") == "Deny":
            condition = statement.get("Condition", {})
            if isinstance(condition, Mapping):
                for operator in ("Bool", "BoolIfExists"):
                    inner = condition.get(operator)
                    if isinstance(inner, Mapping) and str(inner.get("aws:SecureTransport")).lower() == "false":
                        return True
    return False


@maps("AWS::EFS::FileSystem")
def efs(resource: CfnResource, template: Template) -> Iterator[Resource]:
    """An EFS file system."""
    status = resource.get("BackupPolicy.Status")
    attrs = {"encryption.at_rest": _encryption(_bool(resource.get("Encrypted"), False), resource.get("KmsKeyId")),
             "backup.enabled": status if isinstance(status, Unknown) else status == "ENABLED"}
    yield build(resource, template, "storage.file", region(template), attrs, {"encryption.at_rest": "Encrypted"})


# -- EC2 -----------------------------------------------------------------------------------------------
def _zone_region(zone: Any) -> str | None:
    if isinstance(zone, str) and len(zone) > 1 and zone[-1].isalpha() and zone[-2].isdigit():
        return zone[:-1].lower()
    return None


@maps("AWS::EC2::Volume")
def volume(resource: CfnResource, template: Template) -> Iterator[Resource]:
    """An EBS volume; without `Encrypted`, the account's encryption-by-default decides."""
    encrypted = _bool(resource.get("Encrypted"), None)
    encryption = (Unknown("Encrypted is not set: the account's EBS encryption-by-default setting decides")
                  if encrypted is None else _encryption(encrypted, resource.get("KmsKeyId")))
    location = _zone_region(resource.get("AvailabilityZone")) or region(template)
    yield build(resource, template, "compute.disk", location, {"encryption.at_rest": encryption},
                {"encryption.at_rest": "Encrypted", "location": "AvailabilityZone"})


def _rule(rule: Any, label: str) -> FirewallRule | Unknown:
    if isinstance(rule, Unknown):
        return rule
    if not isinstance(rule, Mapping):
        return Unknown(f"{label} is not a rule")
    values = [rule.get(k) for k in ("IpProtocol", "FromPort", "ToPort", "CidrIp", "CidrIpv6")]
    bad = next((v for v in values if isinstance(v, Unknown)), None)
    if bad is not None:
        return Unknown(f"{label} is not known before deploy: {bad.reason}", bad.source)
    protocol = str(rule.get("IpProtocol", "-1")).lower()
    protocol = {"-1": "all", "6": "tcp", "17": "udp", "1": "icmp"}.get(protocol, protocol)
    low, high = _int(rule.get("FromPort")), _int(rule.get("ToPort"))
    if isinstance(low, Unknown) or isinstance(high, Unknown):
        return Unknown(f"{label} ports are not numbers")
    if protocol == "all":
        low, high = None, None
    sources = tuple(str(rule[k]) for k in ("CidrIp", "CidrIpv6") if rule.get(k) is not None)
    return FirewallRule(protocol, low, high, sources, True, label)


@maps("AWS::EC2::SecurityGroup")
def security_group(resource: CfnResource, template: Template) -> Iterator[Resource]:
    """A security group with inline ingress and AWS::EC2::SecurityGroupIngress resources that target it."""
    inline = resource.get("SecurityGroupIngress") or []
    candidates: list[Any] = []
    if isinstance(inline, Unknown):
        candidates.append(inline)
    elif isinstance(inline, list):
        candidates += [_rule(r, f"{resource.logical_id}.SecurityGroupIngress[{i}]") for i, r in enumerate(inline)]
    for other in template.linked(resource, "AWS::EC2::SecurityGroupIngress", "GroupId"):
        candidates.append(_rule(other.properties, other.logical_id))
    rules: Any = []
    for candidate in candidates:
        if isinstance(candidate, Unknown):
            rules = candidate
            break
        rules.append(candidate)
    yield build(resource, template, "network.firewall", region(template),
                {"ingress": rules, "is_default": False, "default_action": "deny"}, {"ingress": "SecurityGroupIngress"},
                name=resource.get("GroupName") if isinstance(resource.get("GroupName"), str) else None)


@maps("AWS::EC2::Instance")
def instance(resource: CfnResource, template: Template) -> Iterator[Resource]:
    """An EC2 instance: IMDS options live in launch templates, so they are Unknown here unless one is in the template."""
    location = _zone_region(resource.get("AvailabilityZone")) or region(template)
    attrs: dict[str, Any] = {}
    tokens = None
    launch = resource.get("LaunchTemplate.LaunchTemplateId")
    if isinstance(launch, Unknown) and launch.source:
        target = template.by_logical_id(launch.source)
        if target is not None:
            tokens = target.get("LaunchTemplateData.MetadataOptions.HttpTokens")
    attrs["metadata.token_required"] = (tokens if isinstance(tokens, Unknown) else tokens == "required") if tokens else Unknown(
        "HttpTokens is not set in a launch template of this template: the AMI and account IMDS defaults decide")
    interfaces = resource.get("NetworkInterfaces")
    if isinstance(interfaces, list) and interfaces and isinstance(interfaces[0], Mapping):
        attrs["public_ip"] = _bool(interfaces[0].get("AssociatePublicIpAddress"), Unknown("the subnet decides"))
    else:
        attrs["public_ip"] = Unknown("AssociatePublicIpAddress is not set: the subnet decides")
    groups = resource.get("SecurityGroupIds") or resource.get("SecurityGroups")
    if isinstance(groups, list) and groups:
        attrs["firewall.attached"] = True
    yield build(resource, template, "compute.instance", location, attrs)


@maps("AWS::EC2::VPC")
def vpc(resource: CfnResource, template: Template) -> Iterator[Resource]:
    """A VPC; flow logs from AWS::EC2::FlowLog resources that target it."""
    logs = template.linked(resource, "AWS::EC2::FlowLog", "ResourceId")
    yield build(resource, template, "network.vpc", region(template), {"flow_logs": bool(logs), "is_default": False})


# -- databases -----------------------------------------------------------------------------------------
@maps("AWS::RDS::DBInstance")
def db_instance(resource: CfnResource, template: Template) -> Iterator[Resource]:
    """An RDS instance."""
    attrs: dict[str, Any] = {
        "encryption.at_rest": _encryption(_bool(resource.get("StorageEncrypted"), False), resource.get("KmsKeyId")),
        "public": _bool(resource.get("PubliclyAccessible"), Unknown("PubliclyAccessible is not set: the subnet group decides")),
        "high_availability": _bool(resource.get("MultiAZ"), False),
        "deletion_protection": _bool(resource.get("DeletionProtection"), False),
        "replication.locations": [],
    }
    retention = _int(resource.get("BackupRetentionPeriod"))
    if retention is not None:
        attrs["backup.retention_days"] = retention
        attrs["backup.enabled"] = retention if isinstance(retention, Unknown) else retention > 0
    home = region(template)
    attrs["backup.locations"] = home if isinstance(home, Unknown) else [home]
    yield build(resource, template, "database.instance", region(template), attrs,
                {"encryption.at_rest": "StorageEncrypted", "public": "PubliclyAccessible", "high_availability": "MultiAZ",
                 "backup.retention_days": "BackupRetentionPeriod"})


@maps("AWS::RDS::DBCluster")
def db_cluster(resource: CfnResource, template: Template) -> Iterator[Resource]:
    """An Aurora/RDS cluster; a global cluster's other regions are outside the template (Unknown)."""
    mode = resource.get("EngineMode")
    encrypted = _bool(resource.get("StorageEncrypted"), mode == "serverless")
    global_id = resource.get("GlobalClusterIdentifier")
    attrs: dict[str, Any] = {
        "encryption.at_rest": _encryption(encrypted, resource.get("KmsKeyId")),
        "deletion_protection": _bool(resource.get("DeletionProtection"), False),
        "replication.locations": [] if global_id is None else Unknown(
            "the cluster joins a global database whose other regions are not in this template"),
    }
    retention = _int(resource.get("BackupRetentionPeriod"))
    if retention is not None:
        attrs["backup.retention_days"] = retention
        attrs["backup.enabled"] = retention if isinstance(retention, Unknown) else retention > 0
    yield build(resource, template, "database.instance", region(template), attrs,
                {"encryption.at_rest": "StorageEncrypted", "replication.locations": "GlobalClusterIdentifier"})


@maps("AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable")
def dynamodb(resource: CfnResource, template: Template) -> Iterator[Resource]:
    """A DynamoDB table; a global table's replicas give its replication locations."""
    sse = resource.get("SSESpecification.SSEEnabled")
    key = resource.get("SSESpecification.KMSMasterKeyId")
    attrs: dict[str, Any] = {"encryption.at_rest": sse if isinstance(sse, Unknown) else (
        ("customer_key" if key is not None else "provider_key") if sse is True else "provider_key")}
    pitr = resource.get("PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled")
    replicas = resource.get("Replicas")
    regions: Any = []
    if isinstance(replicas, Unknown):
        regions = replicas
    elif isinstance(replicas, list):
        home = region(template)
        for replica in replicas:
            name = replica.get("Region") if isinstance(replica, Mapping) else None
            if isinstance(name, Unknown):
                regions = name
                break
            if isinstance(name, str) and name.lower() != home and name.lower() not in regions:
                regions.append(name.lower())
            if pitr is None and isinstance(replica, Mapping):
                pitr = replica.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled")
    attrs["replication.locations"] = regions
    attrs["backup.pitr"] = _bool(pitr, False)
    policy = resource.get("ResourcePolicy.PolicyDocument")
    if policy is None and isinstance(replicas, list) and replicas and isinstance(replicas[0], Mapping):
        policy = (replicas[0].get("ResourcePolicy") or {}).get("PolicyDocument") if isinstance(
            replicas[0].get("ResourcePolicy"), Mapping) else None
    attrs["public"] = policy_public(policy)
    yield build(resource, template, "nosql.table", region(template), attrs,
                {"replication.locations": "Replicas", "encryption.at_rest": "SSESpecification"})


# -- KMS, logging, backup --------------------------------------------------------------------------------
@maps("AWS::KMS::Key")
def kms_key(resource: CfnResource, template: Template) -> Iterator[Resource]:
    """A KMS key; a multi-Region key's replicas are created by stacks in other regions (Unknown)."""
    multi = _bool(resource.get("MultiRegion"), False)
    attrs: dict[str, Any] = {
        "rotation.enabled": _bool(resource.get("EnableKeyRotation"), False),
        "public": policy_public(resource.get("KeyPolicy")),
        "replication.locations": [] if multi is False else Unknown(
            "a multi-Region key: its replicas (AWS::KMS::ReplicaKey) are deployed in other regions' stacks"),
    }
    period = _int(resource.get("RotationPeriodInDays"))
    if period is not None:
        attrs["rotation.period_days"] = period
    yield build(resource, template, "kms.key", region(template), attrs,
                {"rotation.enabled": "EnableKeyRotation", "replication.locations": "MultiRegion"})


@maps("AWS::KMS::ReplicaKey")
def kms_replica(resource: CfnResource, template: Template) -> Iterator[Resource]:
    """A replica of a multi-Region key, located in the stack's region."""
    yield build(resource, template, "kms.key", region(template), {"replication.locations": []})


@maps("AWS::CloudTrail::Trail")
def trail(resource: CfnResource, template: Template) -> Iterator[Resource]:
    """A CloudTrail trail."""
    destination = _region_of_target(resource.get("S3BucketName"), template)
    attrs = {
        "enabled": _bool(resource.get("IsLogging"), Unknown("IsLogging is not set")),
        "multi_region": _bool(resource.get("IsMultiRegionTrail"), False),
        "log_file_validation": _bool(resource.get("EnableLogFileValidation"), False),
        "encryption.at_rest": "customer_key" if resource.get("KMSKeyId") is not None else "provider_key",
        "destination.locations": destination if isinstance(destination, Unknown) else [destination],
    }
    yield build(resource, template, "audit.trail", region(template), attrs,
                {"multi_region": "IsMultiRegionTrail", "log_file_validation": "EnableLogFileValidation"})


@maps("AWS::Logs::LogGroup")
def log_group(resource: CfnResource, template: Template) -> Iterator[Resource]:
    """A CloudWatch Logs group."""
    retention = _int(resource.get("RetentionInDays"))
    attrs = {"retention_days": 0 if retention is None else retention,
             "encryption.at_rest": "customer_key" if resource.get("KmsKeyId") is not None else "provider_key"}
    yield build(resource, template, "log.store", region(template), attrs, {"retention_days": "RetentionInDays"})


@maps("AWS::Backup::BackupPlan")
def backup_plan(resource: CfnResource, template: Template) -> Iterator[Resource]:
    """An AWS Backup plan: regions of its copy destinations."""
    rules = resource.get("BackupPlan.BackupPlanRule")
    copies: Any = []
    retention = None
    if isinstance(rules, Unknown):
        copies = rules
    elif isinstance(rules, list):
        for rule in rules:
            if not isinstance(rule, Mapping):
                continue
            days = _int((rule.get("Lifecycle") or {}).get("DeleteAfterDays")) if isinstance(rule.get("Lifecycle"), Mapping) else None
            if isinstance(days, int) and (retention is None or days < retention):
                retention = days
            for action in rule.get("CopyActions") or []:
                target = action.get("DestinationBackupVaultArn") if isinstance(action, Mapping) else None
                found = _region_of_target(target, template)
                if isinstance(found, Unknown):
                    copies = found
                    break
                if found not in copies:
                    copies.append(found)
            if isinstance(copies, Unknown):
                break
    attrs: dict[str, Any] = {"copy.locations": copies}
    if retention is not None:
        attrs["retention_days"] = retention
    yield build(resource, template, "backup.plan", region(template), attrs, {"copy.locations": "BackupPlan"})


# -- containers, edge, functions, load balancers, identity ---------------------------------------------
def _ecr_regions(config: Any) -> Any:
    if isinstance(config, Unknown):
        return config
    regions: list[str] = []
    for rule in (config or {}).get("Rules") or [] if isinstance(config, Mapping) else []:
        for destination in (rule.get("Destinations") or []) if isinstance(rule, Mapping) else []:
            name = destination.get("Region") if isinstance(destination, Mapping) else None
            if isinstance(name, Unknown):
                return name
            if isinstance(name, str) and name.lower() not in regions:
                regions.append(name.lower())
    return regions


@maps("AWS::ECR::Repository")
def ecr_repository(resource: CfnResource, template: Template) -> Iterator[Resource]:
    """An ECR repository; registry replication in the template gives its replica regions."""
    configs = template.of_type("AWS::ECR::ReplicationConfiguration")
    encryption_type = resource.get("EncryptionConfiguration.EncryptionType")
    attrs = {
        "scan_on_push": _bool(resource.get("ImageScanningConfiguration.ScanOnPush"), False),
        "immutable_tags": str(resource.get("ImageTagMutability", "MUTABLE")).startswith("IMMUTABLE"),
        "encryption.at_rest": "customer_key" if encryption_type == "KMS" and resource.get(
            "EncryptionConfiguration.KmsKey") is not None else "provider_key",
        "replication.locations": _ecr_regions(configs[0].get("ReplicationConfiguration")) if configs else Unknown(
            "no AWS::ECR::ReplicationConfiguration in the template: the registry's replication setting decides"),
    }
    yield build(resource, template, "container.registry", region(template), attrs)


@maps("AWS::ECR::ReplicationConfiguration")
def ecr_replication(resource: CfnResource, template: Template) -> Iterator[Resource]:
    """The registry-wide replication configuration."""
    yield build(resource, template, "container.registry", region(template),
                {"replication.locations": _ecr_regions(resource.get("ReplicationConfiguration"))})


@maps("AWS::CloudFront::Distribution")
def cloudfront(resource: CfnResource, template: Template) -> Iterator[Resource]:
    """A CloudFront distribution (global)."""
    config = resource.get("DistributionConfig") or {}
    if isinstance(config, Unknown):
        config = {}
    behaviors = [config.get("DefaultCacheBehavior"), *list(config.get("CacheBehaviors") or [])]
    https: Any = True
    for behavior in behaviors:
        policy = behavior.get("ViewerProtocolPolicy") if isinstance(behavior, Mapping) else Unknown("no cache behavior")
        if isinstance(policy, Unknown):
            https = policy
            break
        if policy == "allow-all":
            https = False
    certificate = config.get("ViewerCertificate")
    tls: Any = "1.0"
    if isinstance(certificate, Mapping) and not certificate.get("CloudFrontDefaultCertificate"):
        version = str(certificate.get("MinimumProtocolVersion", "TLSv1"))
        tls = {"TLSv1.2_2018": "1.2", "TLSv1.2_2019": "1.2", "TLSv1.2_2021": "1.2", "TLSv1.1_2016": "1.1"}.get(version, "1.0")
    web_acl = config.get("WebACLId")
    yield build(resource, template, "cdn.distribution", "global",
                {"https_only": https, "tls.min_version": tls,
                 "waf": web_acl if isinstance(web_acl, Unknown) and not web_acl.source else web_acl is not None},
                {"https_only": "DistributionConfig"})


@maps("AWS::Lambda::Url")
def lambda_url(resource: CfnResource, template: Template) -> Iterator[Resource]:
    """A Lambda function URL: public when AuthType is NONE."""
    auth = resource.get("AuthType")
    yield build(resource, template, "compute.function", region(template),
                {"public_url": auth if isinstance(auth, Unknown) else auth == "NONE"}, {"public_url": "AuthType"})


@maps("AWS::ElasticLoadBalancingV2::LoadBalancer")
def load_balancer(resource: CfnResource, template: Template) -> Iterator[Resource]:
    """An ALB/NLB with its listeners."""
    listeners = template.linked(resource, "AWS::ElasticLoadBalancingV2::Listener", "LoadBalancerArn")
    https: Any = True
    for listener in listeners:
        protocol = listener.get("Protocol")
        if isinstance(protocol, Unknown):
            https = protocol
            break
        if protocol in ("HTTPS", "TLS"):
            continue
        actions = listener.get("DefaultActions") or []
        redirect = any(isinstance(a, Mapping) and a.get("Type") == "redirect"
                       and (a.get("RedirectConfig") or {}).get("Protocol") == "HTTPS" for a in actions)
        if not redirect:
            https = False
    scheme = resource.get("Scheme", "internet-facing")
    attrs = {
        "https_only": https if listeners else Unknown("no listener for this load balancer in the template"),
        "public": scheme if isinstance(scheme, Unknown) else scheme == "internet-facing",
    }
    yield build(resource, template, "network.loadbalancer", region(template), attrs)


@maps("AWS::ElasticLoadBalancingV2::Listener")
def listener(resource: CfnResource, template: Template) -> Iterator[Resource]:
    """A listener whose load balancer is not in this template (else it is joined to the load balancer)."""
    target = resource.get("LoadBalancerArn")
    if isinstance(target, Unknown) and target.source and template.by_logical_id(target.source) is not None:
        return
    protocol = resource.get("Protocol")
    yield build(resource, template, "network.loadbalancer", region(template),
                {"https_only": protocol if isinstance(protocol, Unknown) else protocol in ("HTTPS", "TLS")})


@maps("AWS::IAM::User")
def iam_user(resource: CfnResource, template: Template) -> Iterator[Resource]:
    """An IAM user: console password and access keys in the template."""
    keys = [k for k in template.linked(resource, "AWS::IAM::AccessKey", "UserName") if k.get("Status", "Active") == "Active"]
    yield build(resource, template, "identity.user", "global",
                {"console_access": resource.get("LoginProfile") is not None, "access_keys.active": len(keys)})


def map_template(template: Template, unit: WorkUnit) -> Iterator[Resource | CollectionError]:
    """Every mapped resource of a template; a mapper failure costs one resource."""
    for resource in template.resources:
        mapper = MAPPERS.get(resource.type)
        if mapper is None:
            continue
        try:
            yield from mapper(resource, template)
        except Exception as exc:  # a mapper bug costs one resource, never the scan
            yield CollectionError("iac", unit.scope, unit.service, unit.region, f"map {resource.address}",
                                  f"{resource.file}:{resource.line}: {resource.address}: {type(exc).__name__}: {exc}", ())

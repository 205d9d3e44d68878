"""The bundled AWS demo: an emulated account (moto, in-process) with compliant and non-compliant resources
in Japanese and foreign regions. No account and no network are needed."""

from __future__ import annotations

import contextlib
import io
import json
import os
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

REGIONS = ("ap-northeast-1", "ap-northeast-3", "us-east-1", "us-west-2", "eu-west-1")
TOKYO, OSAKA = "ap-northeast-1", "ap-northeast-3"
ACCOUNT = "123456789012"
_ENV = {
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": TOKYO, "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
}
_DROP = ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE")

MakeClient = Callable[..., Any]


@contextlib.contextmanager
def fake_environment() -> Iterator[None]:
    """Fake credentials and no metadata lookups for the duration; the previous environment is restored."""
    saved = {k: os.environ.get(k) for k in (*_ENV, *_DROP)}
    os.environ.update(_ENV)
    for key in _DROP:
        os.environ.pop(key, None)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextlib.contextmanager
def environment() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Start moto in-process, seed the demo account, and yield the scan job for it."""
    with fake_environment():
        import boto3
        from moto import mock_aws

        with mock_aws():
            seed(lambda service, region=TOKYO: boto3.client(service, region_name=region))
            yield [("aws", {"regions": ",".join(REGIONS), "max_attempts": 2})]


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return 1\n")
    return buf.getvalue()


def _bucket(mk: MakeClient, name: str, region: str) -> Any:
    s3 = mk("s3", region)
    if region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    return s3


_BLOCK_ALL = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}


def _tls_policy(name: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})


def seed(mk: MakeClient) -> dict[str, str]:
    """Create the demo resources; returns a few ids the tests refer to."""
    ids: dict[str, str] = {}
    kms = mk("kms", TOKYO)
    cmk = kms.create_key(Description="gov-cmk")["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=cmk)
    ids["cmk"] = cmk
    kms.create_key(Description="no-rotation")
    public_policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "Anyone", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"}]})
    kms.create_key(Description="public-key", Policy=public_policy)
    mrk = kms.create_key(Description="multi-region", MultiRegion=True)["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=mrk)
    kms.replicate_key(KeyId=mrk, ReplicaRegion="us-west-2")
    cmk_arn = f"arn:aws:kms:{TOKYO}:{ACCOUNT}:key/{cmk}"
    _seed_s3(mk, cmk_arn)
    _seed_ec2(mk, cmk_arn, ids)
    _seed_identity(mk)
    _seed_logging(mk)
    _seed_data(mk, cmk_arn)
    _seed_edge(mk, ids)
    _seed_organization(mk)
    return ids


def _seed_s3(mk: MakeClient, cmk_arn: str) -> None:
    for name, region in (("gov-logs", TOKYO), ("gov-logs-osaka", OSAKA)):
        logs = _bucket(mk, name, region)
        logs.put_bucket_acl(Bucket=name, ACL="log-delivery-write")
        logs.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=_BLOCK_ALL)
    for name, region in (("gov-data", TOKYO), ("gov-replica", OSAKA)):
        s3 = _bucket(mk, name, region)
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=_BLOCK_ALL)
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [{
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": cmk_arn}}]})
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        target = "gov-logs" if region == TOKYO else "gov-logs-osaka"
        s3.put_bucket_logging(Bucket=name, BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": target,
                                                                                   "TargetPrefix": name + "/"}})
        s3.put_bucket_policy(Bucket=name, Policy=_tls_policy(name))
        s3.put_bucket_ownership_controls(Bucket=name, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    rule = {"ID": "r", "Status": "Enabled", "Priority": 1, "Filter": {"Prefix": ""},
            "DeleteMarkerReplication": {"Status": "Disabled"}}
    mk("s3", TOKYO).put_bucket_replication(Bucket="gov-data", ReplicationConfiguration={
        "Role": f"arn:aws:iam::{ACCOUNT}:role/replication", "Rules": [{**rule, "Destination": {"Bucket": "arn:aws:s3:::gov-replica"}}]})
    _bucket(mk, "overseas-copy", "us-west-2").put_bucket_versioning(Bucket="overseas-copy", VersioningConfiguration={"Status": "Enabled"})
    abroad = _bucket(mk, "repl-abroad", TOKYO)
    abroad.put_bucket_versioning(Bucket="repl-abroad", VersioningConfiguration={"Status": "Enabled"})
    abroad.put_bucket_replication(Bucket="repl-abroad", ReplicationConfiguration={
        "Role": f"arn:aws:iam::{ACCOUNT}:role/replication", "Rules": [{**rule, "Destination": {"Bucket": "arn:aws:s3:::overseas-copy"}}]})
    _bucket(mk, "open-data", TOKYO).put_bucket_acl(Bucket="open-data", ACL="public-read")
    _bucket(mk, "eu-archive", "eu-west-1")


def _seed_ec2(mk: MakeClient, cmk_arn: str, ids: dict[str, str]) -> None:
    ec2 = mk("ec2", TOKYO)
    ec2.enable_ebs_encryption_by_default()
    vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL", LogDestinationType="s3",
                         LogDestination="arn:aws:s3:::gov-logs")
    open_sg = ec2.create_security_group(GroupName="open-ssh", Description="ssh from anywhere", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=open_sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    safe_sg = ec2.create_security_group(GroupName="ssh-internal", Description="ssh from the office", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=safe_sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    ids["open_sg"], ids["safe_sg"] = open_sg, safe_sg
    all_sg = ec2.create_security_group(GroupName="open-all", Description="everything from anywhere", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=all_sg, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    plain = ec2.create_volume(AvailabilityZone=TOKYO + "a", Size=8, Encrypted=False)["VolumeId"]
    ids["plain_volume"] = plain
    ids["cmk_volume"] = ec2.create_volume(AvailabilityZone=TOKYO + "a", Size=8, Encrypted=True, KmsKeyId=cmk_arn)["VolumeId"]
    public = ec2.create_snapshot(VolumeId=plain, Description="public snapshot")["SnapshotId"]
    ec2.modify_snapshot_attribute(SnapshotId=public, Attribute="createVolumePermission", OperationType="add", GroupNames=["all"])
    ids["public_snapshot"] = public
    ids["private_snapshot"] = ec2.create_snapshot(VolumeId=ids["cmk_volume"], Description="private")["SnapshotId"]
    v1 = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.micro",
                           MetadataOptions={"HttpTokens": "optional"})["Instances"][0]["InstanceId"]
    v2 = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.micro",
                           MetadataOptions={"HttpTokens": "required"})["Instances"][0]["InstanceId"]
    ids["imdsv1_instance"], ids["imdsv2_instance"] = v1, v2
    subnet = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"][0]["SubnetId"]
    ids["private_instance"] = ec2.run_instances(
        ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.micro", MetadataOptions={"HttpTokens": "required"},
        NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": subnet, "AssociatePublicIpAddress": False}])["Instances"][0]["InstanceId"]
    ids["foreign_volume"] = mk("ec2", "us-east-1").create_volume(AvailabilityZone="us-east-1a", Size=8)["VolumeId"]


def _seed_identity(mk: MakeClient) -> None:
    iam = mk("iam", TOKYO)
    iam.update_account_password_policy(MinimumPasswordLength=8, PasswordReusePrevention=1)
    iam.create_user(UserName="alice")
    iam.create_login_profile(UserName="alice", Password="Correct-horse-1")
    iam.create_access_key(UserName="alice")
    iam.create_access_key(UserName="alice")
    iam.create_user(UserName="carol-ci")
    iam.create_access_key(UserName="carol-ci")
    admin = iam.create_policy(PolicyName="FullAdmin", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"}]}))["Policy"]["Arn"]
    iam.attach_user_policy(UserName="alice", PolicyArn=admin)
    iam.create_user(UserName="bob")
    iam.create_login_profile(UserName="bob", Password="Correct-horse-2")
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="bob")["VirtualMFADevice"]["SerialNumber"]
    iam.enable_mfa_device(UserName="bob", SerialNumber=serial, AuthenticationCode1="123456", AuthenticationCode2="654321")
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                                                 "Action": "sts:AssumeRole"}]})
    iam.create_role(RoleName="lambda-exec", AssumeRolePolicyDocument=trust)


def _seed_logging(mk: MakeClient) -> None:
    ct = mk("cloudtrail", TOKYO)
    ct.create_trail(Name="org-trail", S3BucketName="gov-logs", IsMultiRegionTrail=True, EnableLogFileValidation=True)
    ct.start_logging(Name="org-trail")
    ct.put_event_selectors(TrailName="org-trail", EventSelectors=[{
        "ReadWriteType": "All", "IncludeManagementEvents": True,
        "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}])
    us = mk("cloudtrail", "us-west-2")
    us.create_trail(Name="us-trail", S3BucketName="overseas-copy")
    us.start_logging(Name="us-trail")
    cfg = mk("config", TOKYO)
    cfg.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config",
        "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
    cfg.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "gov-logs"})
    cfg.start_configuration_recorder(ConfigurationRecorderName="default")
    mk("guardduty", TOKYO).create_detector(Enable=True)
    mk("securityhub", TOKYO).enable_security_hub(EnableDefaultStandards=False)
    logs = mk("logs", TOKYO)
    logs.create_log_group(logGroupName="/gov/app", kmsKeyId=f"arn:aws:kms:{TOKYO}:{ACCOUNT}:key/demo")
    logs.put_retention_policy(logGroupName="/gov/app", retentionInDays=400)
    logs.create_log_group(logGroupName="/gov/debug")
    logs.create_log_group(logGroupName="/gov/short")
    logs.put_retention_policy(logGroupName="/gov/short", retentionInDays=30)


def _seed_data(mk: MakeClient, cmk_arn: str) -> None:
    rds = mk("rds", TOKYO)
    common = {"DBInstanceClass": "db.t3.micro", "Engine": "postgres", "MasterUsername": "govadmin",
              "MasterUserPassword": "not-a-secret-1", "AllocatedStorage": 20}
    rds.create_db_instance(DBInstanceIdentifier="db-public", PubliclyAccessible=True, StorageEncrypted=False,
                           BackupRetentionPeriod=0, MultiAZ=False, AutoMinorVersionUpgrade=False, **common)
    rds.create_db_instance(DBInstanceIdentifier="db-private", PubliclyAccessible=False, StorageEncrypted=True,
                           KmsKeyId=cmk_arn, BackupRetentionPeriod=14, MultiAZ=True, DeletionProtection=True, **common)
    geo = rds.create_db_instance(DBInstanceIdentifier="db-geo", StorageEncrypted=True, KmsKeyId=cmk_arn,
                                 BackupRetentionPeriod=7, MultiAZ=True, **common)["DBInstance"]["DBInstanceArn"]
    mk("rds", "us-west-2").create_db_instance_read_replica(DBInstanceIdentifier="db-geo-replica",
                                                          SourceDBInstanceIdentifier=geo, DBInstanceClass="db.t3.micro")
    table = {"BillingMode": "PAY_PER_REQUEST", "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
             "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}
    ddb = mk("dynamodb", TOKYO)
    ddb.create_table(TableName="orders", SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": cmk_arn}, **table)
    ddb.update_continuous_backups(TableName="orders", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    ddb.create_table(TableName="sessions", **table)
    # moto does not model global-table replicas: the replica is seeded as the table it really is abroad
    mk("dynamodb", "us-east-1").create_table(TableName="orders", **table)
    backup = mk("backup", TOKYO)
    backup.create_backup_vault(BackupVaultName="gov-vault")
    for name, target, days in (("daily-jp", f"arn:aws:backup:{OSAKA}:{ACCOUNT}:backup-vault:gov-dr", 35),
                               ("dr-abroad", f"arn:aws:backup:us-east-1:{ACCOUNT}:backup-vault:dr", 35),
                               ("short-keep", f"arn:aws:backup:{OSAKA}:{ACCOUNT}:backup-vault:gov-dr", 1)):
        backup.create_backup_plan(BackupPlan={"BackupPlanName": name, "Rules": [{
            "RuleName": "daily", "TargetBackupVaultName": "gov-vault", "ScheduleExpression": "cron(0 5 * * ? *)",
            "Lifecycle": {"DeleteAfterDays": days}, "CopyActions": [{"DestinationBackupVaultArn": target}]}]})


def _seed_edge(mk: MakeClient, ids: dict[str, str]) -> None:
    mk("cloudfront", "us-east-1").create_distribution(DistributionConfig={
        "CallerReference": "demo", "Comment": "demo", "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "gov-data.s3.amazonaws.com",
                                              "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "allow-all", "MinTTL": 0,
                                 "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                                 "TrustedSigners": {"Enabled": False, "Quantity": 0}}})
    mk("cloudfront", "us-east-1").create_distribution(DistributionConfig={
        "CallerReference": "demo-waf", "Comment": "behind WAF", "Enabled": True,
        "WebACLId": f"arn:aws:wafv2:us-east-1:{ACCOUNT}:global/webacl/gov/0a1b2c3d",
        "ViewerCertificate": {"ACMCertificateArn": f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/demo",
                              "SSLSupportMethod": "sni-only", "MinimumProtocolVersion": "TLSv1.2_2021"},
        "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "gov-data.s3.amazonaws.com",
                                              "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "redirect-to-https", "MinTTL": 0,
                                 "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                                 "TrustedSigners": {"Enabled": False, "Quantity": 0}}})
    lam = mk("lambda", TOKYO)
    role = f"arn:aws:iam::{ACCOUNT}:role/lambda-exec"
    for name, auth in (("public-fn", "NONE"), ("private-fn", "AWS_IAM")):
        lam.create_function(FunctionName=name, Runtime="python3.12", Handler="app.handler", Role=role, Code={"ZipFile": _zip()})
        lam.create_function_url_config(FunctionName=name, AuthType=auth)
    ecr = mk("ecr", TOKYO)
    ecr.create_repository(repositoryName="app", imageScanningConfiguration={"scanOnPush": False})
    ecr.create_repository(repositoryName="app-secure", imageScanningConfiguration={"scanOnPush": True},
                          imageTagMutability="IMMUTABLE")
    ecr.create_repository(repositoryName="dr-images", imageScanningConfiguration={"scanOnPush": True},
                          imageTagMutability="IMMUTABLE")
    ecr.put_replication_configuration(replicationConfiguration={"rules": [{
        "destinations": [{"region": "us-west-2", "registryId": ACCOUNT}],
        "repositoryFilters": [{"filter": "dr-", "filterType": "PREFIX_MATCH"}]}]})
    ec2 = mk("ec2", TOKYO)
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]][:2]
    elb = mk("elbv2", TOKYO)
    fixed = {"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "200"}}
    redirect = {"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}
    for name, action, scheme in (("alb-http", fixed, "internet-facing"), ("alb-redirect", redirect, "internet-facing"),
                                 ("alb-internal", redirect, "internal")):
        lb = elb.create_load_balancer(Name=name, Subnets=subnets, Scheme=scheme, Type="application")
        arn = lb["LoadBalancers"][0]["LoadBalancerArn"]
        elb.create_listener(LoadBalancerArn=arn, Protocol="HTTP", Port=80, DefaultActions=[action])
        ids[name] = arn
    elb.modify_load_balancer_attributes(LoadBalancerArn=ids["alb-redirect"], Attributes=[
        {"Key": "access_logs.s3.enabled", "Value": "true"}, {"Key": "access_logs.s3.bucket", "Value": "gov-logs"}])


def _seed_organization(mk: MakeClient) -> None:
    org = mk("organizations", "us-east-1")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    content = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "DenyOutsideJapan", "Effect": "Deny",
        "NotAction": ["iam:*", "organizations:*", "sts:*", "cloudfront:*", "support:*"], "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:RequestedRegion": [TOKYO, OSAKA]}}}]})
    policy = org.create_policy(Name="japan-only", Description="Deny regions outside Japan", Type="SERVICE_CONTROL_POLICY",
                               Content=content)["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=policy, TargetId=root)

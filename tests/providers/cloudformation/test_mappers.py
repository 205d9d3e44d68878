"""CloudFormation mappers: facts both ways, joins inside a template, every fact in the kinds table."""

from __future__ import annotations

from providers.cloudformation.aws import map_template
from providers.cloudformation.template import parse_template
from scanner.kinds import validate_resource_facts
from scanner.model import Resource, Unknown
from scanner.plugins import WorkUnit

UNIT = WorkUnit("iac", "t.yaml", "cloudformation", "ap-northeast-1", ())


def mapped(text: str, region: str | None = "ap-northeast-1") -> dict[str, Resource]:
    template = parse_template(text, "t.yaml", region, "t.yaml")
    out = {}
    for item in map_template(template, UNIT):
        assert isinstance(item, Resource), item
        assert validate_resource_facts(item.kind, item.attrs) == []
        out[item.id.split(".")[-1]] = item
    return out


def test_security_groups_volumes_and_buckets() -> None:
    resources = mapped('''Resources:
  Open:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: open
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}
  Closed:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: closed
  ClosedRule:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !Ref Closed
      IpProtocol: "-1"
      CidrIp: 10.0.0.0/8
  Plain:
    Type: AWS::EC2::Volume
    Properties: {AvailabilityZone: ap-northeast-1a, Encrypted: false}
  Unset:
    Type: AWS::EC2::Volume
    Properties: {AvailabilityZone: ap-northeast-1a}
  Keyed:
    Type: AWS::EC2::Volume
    Properties: {AvailabilityZone: ap-northeast-3a, Encrypted: true, KmsKeyId: alias/mine}
  Public:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: PublicRead
  Private:
    Type: AWS::S3::Bucket
    Properties:
      PublicAccessBlockConfiguration: {BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true,
                                       RestrictPublicBuckets: true}
      VersioningConfiguration: {Status: Enabled}
      LoggingConfiguration: {DestinationBucketName: logs}
  PrivatePolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Private
      PolicyDocument:
        Statement:
          - {Effect: Deny, Principal: "*", Action: "s3:*", Condition: {Bool: {"aws:SecureTransport": false}}}
''')
    assert resources["Open"].attrs["ingress"][0].admits_any_source()
    closed = resources["Closed"].attrs["ingress"]
    assert len(closed) == 1 and closed[0].protocol == "all" and not closed[0].admits_any_source()
    assert resources["Plain"].attrs["encryption.at_rest"] == "none"
    assert isinstance(resources["Unset"].attrs["encryption.at_rest"], Unknown)
    assert resources["Keyed"].attrs["encryption.at_rest"] == "customer_key" and resources["Keyed"].location == "ap-northeast-3"
    public, private = resources["Public"].attrs, resources["Private"].attrs
    assert public["public"] is True and private["public"] is False
    assert (public["versioning"], private["versioning"]) == (False, True)
    assert (public["access_logging"], private["access_logging"]) == (False, True)
    assert (public["tls_only"], private["tls_only"]) == (False, True)
    assert public["encryption.at_rest"] == "provider_key"


def test_databases_keys_logs_and_edge() -> None:
    resources = mapped('''Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties: {StorageEncrypted: true, PubliclyAccessible: false, MultiAZ: true, BackupRetentionPeriod: 7}
  OpenDb:
    Type: AWS::RDS::DBInstance
    Properties: {PubliclyAccessible: true, BackupRetentionPeriod: 0}
  Cluster:
    Type: AWS::RDS::DBCluster
    Properties: {GlobalClusterIdentifier: g, StorageEncrypted: true}
  Key:
    Type: AWS::KMS::Key
    Properties: {EnableKeyRotation: true}
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties: {IsLogging: true, S3BucketName: external-bucket}
  Logs:
    Type: AWS::Logs::LogGroup
  Url:
    Type: AWS::Lambda::Url
    Properties: {AuthType: AWS_IAM, TargetFunctionArn: arn}
  Lb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties: {Scheme: internal}
  Http:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Lb
      Protocol: HTTP
      DefaultActions: [{Type: redirect, RedirectConfig: {Protocol: HTTPS}}]
  User:
    Type: AWS::IAM::User
    Properties: {LoginProfile: {Password: x}}
  Key1:
    Type: AWS::IAM::AccessKey
    Properties: {UserName: !Ref User}
  Cdn:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        DefaultCacheBehavior: {ViewerProtocolPolicy: allow-all}
''')
    db, open_db = resources["Db"].attrs, resources["OpenDb"].attrs
    assert (db["encryption.at_rest"], open_db["encryption.at_rest"]) == ("provider_key", "none")
    assert (db["public"], open_db["public"]) == (False, True)
    assert (db["backup.enabled"], open_db["backup.enabled"]) == (True, False)
    assert db["backup.locations"] == ["ap-northeast-1"]
    assert isinstance(resources["Cluster"].attrs["replication.locations"], Unknown)
    assert resources["Key"].attrs == {"rotation.enabled": True, "replication.locations": [], "public": False}
    assert isinstance(resources["Trail"].attrs["destination.locations"], Unknown)
    assert resources["Logs"].attrs["retention_days"] == 0
    assert resources["Url"].attrs["public_url"] is False
    assert resources["Lb"].attrs == {"https_only": True, "public": False}
    assert "Http" not in resources
    assert resources["User"].attrs == {"console_access": True, "access_keys.active": 1}
    assert resources["Cdn"].location == "global" and resources["Cdn"].attrs["https_only"] is False

"""aws_* mappers: every fact both ways (the value that fails a check and the one that passes), the
v4+ joins, the account-dependent defaults as Unknown, and every emitted fact in the kinds table."""

from __future__ import annotations

from pathlib import Path

import pytest

from providers.terraform.config import load
from providers.terraform.mappers import map_resource, registry
from scanner.kinds import validate_resource_facts
from scanner.model import Resource, Unknown

HEADER = 'provider "aws" {\n  region = "ap-northeast-1"\n}\nprovider "aws" {\n  alias  = "us"\n  region = "us-west-2"\n}\n'


def mapped(tmp_path: Path, source: str) -> dict[str, Resource]:
    (tmp_path / "main.tf").write_text(HEADER + source, encoding="utf-8")
    config = load(str(tmp_path))
    assert config.problems == []
    out: dict[str, Resource] = {}
    for tf in config.resources:
        for resource in map_resource(tf, config):
            assert validate_resource_facts(resource.kind, resource.attrs) == [], resource.id
            out[resource.id] = resource
    return out


def test_mappers_are_found_by_module_scan() -> None:
    types = registry()
    assert {"aws_s3_bucket", "aws_security_group", "aws_ebs_volume", "aws_db_instance", "aws_kms_key"} <= set(types)


S3 = '''
resource "aws_s3_bucket" "good" {
  bucket = "good"
}
resource "aws_s3_bucket_server_side_encryption_configuration" "good" {
  bucket = aws_s3_bucket.good.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = "arn:aws:kms:ap-northeast-1:123456789012:key/abc"
    }
  }
}
resource "aws_s3_bucket_public_access_block" "good" {
  bucket                  = aws_s3_bucket.good.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
resource "aws_s3_bucket_versioning" "good" {
  bucket = aws_s3_bucket.good.id
  versioning_configuration {
    status = "Enabled"
  }
}
resource "aws_s3_bucket_logging" "good" {
  bucket        = aws_s3_bucket.good.id
  target_bucket = "logs"
}
resource "aws_s3_bucket_policy" "good" {
  bucket = "good"
  policy = jsonencode({Statement = [{Effect = "Deny", Condition = {Bool = {"aws:SecureTransport" = "false"}}}]})
}
resource "aws_s3_bucket" "bad" {
  bucket              = "bad"
  acl                 = "public-read"
  object_lock_enabled = false
}
resource "aws_s3_bucket_versioning" "bad" {
  bucket = aws_s3_bucket.bad.id
  versioning_configuration {
    status = "Suspended"
  }
}
resource "aws_s3_bucket_replication_configuration" "bad" {
  bucket = aws_s3_bucket.bad.id
  role   = "r"
  rule {
    status = "Enabled"
    destination {
      bucket = aws_s3_bucket.far.arn
    }
  }
}
resource "aws_s3_bucket" "far" {
  provider = aws.us
  bucket   = "far"
}
'''


def test_s3_bucket_joins(tmp_path: Path) -> None:
    resources = mapped(tmp_path, S3)
    good, bad, far = (resources[f"aws_s3_bucket.{n}"].attrs for n in ("good", "bad", "far"))
    assert good["encryption.at_rest"] == "customer_key" and bad["encryption.at_rest"] == "provider_key"
    assert good["public_access_block"] is True and isinstance(bad["public_access_block"], Unknown)
    assert good["public"] is False and bad["public"] is True
    assert good["versioning"] is True and bad["versioning"] is False and far["versioning"] is False
    assert good["access_logging"] is True and bad["access_logging"] is False
    assert good["tls_only"] is True and bad["tls_only"] is False
    assert good["replication.locations"] == [] and bad["replication.locations"] == ["us-west-2"]
    assert good["tls.min_version"] == "1.2" and bad["tls.min_version"] == "1.2"
    assert resources["aws_s3_bucket.far"].location == "us-west-2"


def test_replication_to_a_bucket_outside_the_code_is_unknown(tmp_path: Path) -> None:
    resources = mapped(tmp_path, '''
resource "aws_s3_bucket" "b" {
  bucket = "b"
}
resource "aws_s3_bucket_replication_configuration" "b" {
  bucket = aws_s3_bucket.b.id
  role   = "r"
  rule {
    status = "Enabled"
    destination {
      bucket = "arn:aws:s3:::elsewhere"
    }
  }
}
''')
    assert isinstance(resources["aws_s3_bucket.b"].attrs["replication.locations"], Unknown)


SG = '''
resource "aws_security_group" "open" {
  ingress {
    protocol    = "tcp"
    from_port   = 22
    to_port     = 22
    cidr_blocks = ["0.0.0.0/0"]
  }
}
resource "aws_security_group_rule" "rdp" {
  type              = "ingress"
  security_group_id = aws_security_group.open.id
  protocol          = "tcp"
  from_port         = 3389
  to_port           = 3389
  ipv6_cidr_blocks  = ["::/0"]
}
resource "aws_security_group_rule" "egress" {
  type              = "egress"
  security_group_id = aws_security_group.open.id
  protocol          = "-1"
  from_port         = 0
  to_port           = 0
  cidr_blocks       = ["0.0.0.0/0"]
}
resource "aws_security_group" "closed" {
}
resource "aws_vpc_security_group_ingress_rule" "https" {
  security_group_id = aws_security_group.closed.id
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = "10.0.0.0/8"
}
variable "cidr" {}
resource "aws_security_group" "unknown" {
  ingress {
    protocol    = "tcp"
    from_port   = 22
    to_port     = 22
    cidr_blocks = [var.cidr]
  }
}
resource "aws_default_security_group" "default" {
  ingress {
    protocol  = "-1"
    from_port = 0
    to_port   = 0
    self      = true
  }
}
'''


def test_security_groups_with_rule_resources(tmp_path: Path) -> None:
    resources = mapped(tmp_path, SG)
    open_rules = resources["aws_security_group.open"].attrs["ingress"]
    assert len(open_rules) == 2
    assert all(r.admits_any_source() for r in open_rules)
    assert {r.from_port for r in open_rules} == {22, 3389}
    closed = resources["aws_security_group.closed"].attrs["ingress"]
    assert len(closed) == 1 and not closed[0].admits_any_source() and closed[0].covers_port(22)
    assert isinstance(resources["aws_security_group.unknown"].attrs["ingress"], Unknown)
    default = resources["aws_default_security_group.default"]
    assert default.attrs["is_default"] is True and default.attrs["ingress"][0].protocol == "all"


@pytest.mark.parametrize(("extra", "expected"), [
    ("", {"v_true": "provider_key", "v_false": "none", "v_absent": None, "v_kms": "customer_key"}),
    ('resource "aws_ebs_encryption_by_default" "on" {\n  enabled = true\n}\n',
     {"v_true": "provider_key", "v_false": "provider_key", "v_absent": "provider_key", "v_kms": "customer_key"}),
    ('resource "aws_ebs_encryption_by_default" "off" {\n  enabled = false\n}\n',
     {"v_true": "provider_key", "v_false": "none", "v_absent": "none", "v_kms": "customer_key"}),
])
def test_ebs_encryption_and_the_account_default(tmp_path: Path, extra: str, expected: dict) -> None:
    resources = mapped(tmp_path, extra + '''
resource "aws_ebs_volume" "v_true" {
  availability_zone = "ap-northeast-1a"
  encrypted         = true
}
resource "aws_ebs_volume" "v_false" {
  availability_zone = "ap-northeast-1a"
  encrypted         = false
}
resource "aws_ebs_volume" "v_absent" {
  availability_zone = "ap-northeast-1c"
}
resource "aws_ebs_volume" "v_kms" {
  availability_zone = "ap-northeast-1a"
  encrypted         = true
  kms_key_id        = "arn:aws:kms:ap-northeast-1:1:key/k"
}
''')
    for name, value in expected.items():
        fact = resources[f"aws_ebs_volume.{name}"].attrs["encryption.at_rest"]
        if value is None:
            assert isinstance(fact, Unknown) and "account" in fact.reason
        else:
            assert fact == value, name
    assert resources["aws_ebs_volume.v_absent"].location == "ap-northeast-1"


def test_instances_vpcs_and_databases(tmp_path: Path) -> None:
    resources = mapped(tmp_path, '''
resource "aws_instance" "v2" {
  ami = "ami-1"
  metadata_options {
    http_tokens = "required"
  }
  associate_public_ip_address = false
  root_block_device {
    encrypted = true
  }
}
resource "aws_instance" "v1" {
  ami = "ami-1"
  metadata_options {
    http_tokens = "optional"
  }
  associate_public_ip_address = true
}
resource "aws_instance" "unset" {
  ami = "ami-1"
}
resource "aws_vpc" "logged" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_flow_log" "logged" {
  vpc_id       = aws_vpc.logged.id
  traffic_type = "ALL"
}
resource "aws_vpc" "silent" {
  cidr_block = "10.1.0.0/16"
}
resource "aws_db_instance" "main" {
  storage_encrypted       = true
  publicly_accessible     = false
  multi_az                = true
  backup_retention_period = 14
  deletion_protection     = true
}
resource "aws_db_instance" "plain" {
  publicly_accessible     = true
  backup_retention_period = 0
}
resource "aws_db_instance" "replica" {
  provider            = aws.us
  replicate_source_db = aws_db_instance.main.arn
}
resource "aws_db_instance_automated_backups_replication" "copy" {
  provider               = aws.us
  source_db_instance_arn = aws_db_instance.main.arn
}
resource "aws_rds_global_cluster" "g" {
  global_cluster_identifier = "g"
}
resource "aws_rds_cluster" "primary" {
  global_cluster_identifier = aws_rds_global_cluster.g.id
  storage_encrypted         = true
}
resource "aws_rds_cluster" "secondary" {
  provider                  = aws.us
  global_cluster_identifier = aws_rds_global_cluster.g.id
}
''')
    assert resources["aws_instance.v2"].attrs["metadata.token_required"] is True
    assert resources["aws_instance.v1"].attrs["metadata.token_required"] is False
    assert isinstance(resources["aws_instance.unset"].attrs["metadata.token_required"], Unknown)
    assert resources["aws_instance.v1"].attrs["public_ip"] is True and resources["aws_instance.v2"].attrs["public_ip"] is False
    assert resources["aws_instance.v2.root_block_device"].attrs["encryption.at_rest"] == "provider_key"
    assert resources["aws_vpc.logged"].attrs["flow_logs"] is True and resources["aws_vpc.silent"].attrs["flow_logs"] is False
    main, plain = resources["aws_db_instance.main"].attrs, resources["aws_db_instance.plain"].attrs
    assert (main["encryption.at_rest"], plain["encryption.at_rest"]) == ("provider_key", "none")
    assert (main["public"], plain["public"]) == (False, True)
    assert (main["backup.enabled"], plain["backup.enabled"]) == (True, False)
    assert main["backup.retention_days"] == 14 and main["high_availability"] is True
    assert main["replication.locations"] == ["us-west-2"] and plain["replication.locations"] == []
    assert resources["aws_db_instance.replica"].attrs["encryption.at_rest"] == "provider_key"  # inherited
    assert main["backup.locations"] == ["ap-northeast-1", "us-west-2"]
    assert resources["aws_rds_cluster.primary"].attrs["replication.locations"] == ["us-west-2"]
    assert resources["aws_rds_cluster.secondary"].attrs["replication.locations"] == ["ap-northeast-1"]


def test_dynamodb_kms_trail_logs_backup(tmp_path: Path) -> None:
    resources = mapped(tmp_path, '''
resource "aws_dynamodb_table" "global" {
  name = "g"
  replica {
    region_name = "us-west-2"
  }
  server_side_encryption {
    enabled     = true
    kms_key_arn = "arn:aws:kms:ap-northeast-1:1:key/k"
  }
  point_in_time_recovery {
    enabled = true
  }
}
resource "aws_dynamodb_table" "local" {
  name = "l"
}
resource "aws_kms_key" "multi" {
  multi_region        = true
  enable_key_rotation = true
}
resource "aws_kms_replica_key" "us" {
  provider        = aws.us
  primary_key_arn = aws_kms_key.multi.arn
}
resource "aws_kms_key" "plain" {
}
resource "aws_kms_key" "open" {
  policy = jsonencode({Statement = [{Effect = "Allow", Principal = "*", Action = "kms:*", Resource = "*"}]})
}
resource "aws_dynamodb_resource_policy" "global" {
  resource_arn = aws_dynamodb_table.global.arn
  policy       = jsonencode({Statement = [{Effect = "Allow", Principal = {AWS = "*"}, Action = "dynamodb:GetItem"}]})
}
resource "aws_s3_bucket" "trail" {
  provider = aws.us
  bucket   = "trail-bucket"
}
resource "aws_cloudtrail" "t" {
  name                       = "t"
  s3_bucket_name             = aws_s3_bucket.trail.id
  is_multi_region_trail      = true
  enable_log_file_validation = true
}
resource "aws_cloudtrail" "external" {
  name           = "e"
  s3_bucket_name = "somewhere-else"
}
resource "aws_cloudwatch_log_group" "kept" {
  name              = "k"
  retention_in_days = 400
}
resource "aws_cloudwatch_log_group" "forever" {
  name = "f"
}
resource "aws_backup_vault" "osaka" {
  name = "osaka"
}
resource "aws_backup_plan" "p" {
  name = "p"
  rule {
    rule_name         = "r"
    target_vault_name = "Default"
    lifecycle {
      delete_after = 30
    }
    copy_action {
      destination_vault_arn = aws_backup_vault.osaka.arn
    }
    copy_action {
      destination_vault_arn = "arn:aws:backup:eu-west-1:1:backup-vault:x"
    }
  }
}
''')
    glob, local = resources["aws_dynamodb_table.global"].attrs, resources["aws_dynamodb_table.local"].attrs
    assert glob["replication.locations"] == ["us-west-2"] and local["replication.locations"] == []
    assert (glob["encryption.at_rest"], local["encryption.at_rest"]) == ("customer_key", "provider_key")
    assert (glob["backup.pitr"], local["backup.pitr"]) == (True, False)
    assert resources["aws_kms_key.multi"].attrs["replication.locations"] == ["us-west-2"]
    assert resources["aws_kms_key.multi"].attrs["rotation.enabled"] is True
    assert resources["aws_kms_key.plain"].attrs["rotation.enabled"] is False
    assert resources["aws_kms_key.plain"].attrs["public"] is False and resources["aws_kms_key.open"].attrs["public"] is True
    assert resources["aws_kms_replica_key.us"].attrs["rotation.enabled"] is True
    assert glob["public"] is True and local["public"] is False
    assert resources["aws_kms_replica_key.us"].location == "us-west-2"
    trail = resources["aws_cloudtrail.t"].attrs
    assert trail["destination.locations"] == ["us-west-2"] and trail["multi_region"] is True
    assert isinstance(resources["aws_cloudtrail.external"].attrs["destination.locations"], Unknown)
    assert resources["aws_cloudtrail.external"].attrs["log_file_validation"] is False
    assert resources["aws_cloudwatch_log_group.kept"].attrs["retention_days"] == 400
    assert resources["aws_cloudwatch_log_group.forever"].attrs["retention_days"] == 0
    plan = resources["aws_backup_plan.p"].attrs
    assert plan["copy.locations"] == ["ap-northeast-1", "eu-west-1"] and plan["retention_days"] == 30


def test_edge_functions_registries_load_balancers_files_users(tmp_path: Path) -> None:
    resources = mapped(tmp_path, '''
resource "aws_ecr_repository" "r" {
  name                 = "r"
  image_tag_mutability = "IMMUTABLE"
  image_scanning_configuration {
    scan_on_push = true
  }
}
resource "aws_ecr_replication_configuration" "c" {
  replication_configuration {
    rule {
      destination {
        region      = "us-west-2"
        registry_id = "1"
      }
    }
  }
}
resource "aws_cloudfront_distribution" "d" {
  enabled    = true
  web_acl_id = "arn:aws:wafv2:us-east-1:1:global/webacl/x"
  default_cache_behavior {
    viewer_protocol_policy = "redirect-to-https"
  }
  ordered_cache_behavior {
    viewer_protocol_policy = "allow-all"
  }
  viewer_certificate {
    minimum_protocol_version = "TLSv1.2_2021"
  }
}
resource "aws_lambda_function" "f" {
  function_name = "f"
}
resource "aws_lambda_function_url" "f" {
  function_name      = aws_lambda_function.f.function_name
  authorization_type = "NONE"
}
resource "aws_lambda_function_url" "orphan" {
  function_name      = "elsewhere"
  authorization_type = "AWS_IAM"
}
resource "aws_lb" "web" {
  name = "web"
}
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  protocol          = "HTTP"
  default_action {
    type = "redirect"
    redirect {
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}
resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.web.arn
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}
resource "aws_lb" "internal" {
  name     = "internal"
  internal = true
}
resource "aws_lb_listener" "plain" {
  load_balancer_arn = aws_lb.internal.arn
  protocol          = "HTTP"
}
resource "aws_efs_file_system" "enc" {
  encrypted = true
}
resource "aws_efs_backup_policy" "enc" {
  file_system_id = aws_efs_file_system.enc.id
  backup_policy {
    status = "ENABLED"
  }
}
resource "aws_efs_file_system" "plain" {
}
resource "aws_iam_user" "u" {
  name = "u"
}
resource "aws_iam_access_key" "k" {
  user = aws_iam_user.u.name
}
resource "aws_iam_user_login_profile" "p" {
  user = aws_iam_user.u.name
}
''')
    repo = resources["aws_ecr_repository.r"].attrs
    assert repo["replication.locations"] == ["us-west-2"] and repo["scan_on_push"] is True and repo["immutable_tags"] is True
    cdn = resources["aws_cloudfront_distribution.d"]
    assert cdn.location == "global" and cdn.attrs["https_only"] is False and cdn.attrs["tls.min_version"] == "1.2"
    assert cdn.attrs["waf"] is True
    assert resources["aws_lambda_function.f"].attrs["public_url"] is True
    assert "aws_lambda_function_url.f" not in resources
    assert resources["aws_lambda_function_url.orphan"].attrs["public_url"] is False
    web, internal = resources["aws_lb.web"].attrs, resources["aws_lb.internal"].attrs
    assert web["https_only"] is True and web["tls.min_version"] == "1.2" and web["public"] is True
    assert internal["https_only"] is False and internal["public"] is False
    assert resources["aws_efs_file_system.enc"].attrs == {"encryption.at_rest": "provider_key", "backup.enabled": True}
    assert resources["aws_efs_file_system.plain"].attrs == {"encryption.at_rest": "none", "backup.enabled": False}
    user = resources["aws_iam_user.u"].attrs
    assert user == {"console_access": True, "access_keys.active": 1}


def test_region_unknown_without_provider_region(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n', encoding="utf-8")
    config = load(str(tmp_path))
    resource = next(iter(map_resource(config.resources[0], config)))
    assert isinstance(resource.location, Unknown) and "AWS_REGION" in resource.location.reason


def test_bucket_policy_raises_minimum_tls(tmp_path: Path) -> None:
    resources = mapped(tmp_path, '''
resource "aws_s3_bucket" "b" {
  bucket = "b"
}
resource "aws_s3_bucket_policy" "b" {
  bucket = aws_s3_bucket.b.id
  policy = jsonencode({Statement = [{Effect = "Deny", Principal = "*", Action = "s3:*",
    Condition = {NumericLessThan = {"s3:TlsVersion" = "1.3"}}}]})
}
''')
    assert resources["aws_s3_bucket.b"].attrs["tls.min_version"] == "1.3"
    assert resources["aws_s3_bucket.b"].attrs["tls_only"] is False

"""The bundled demo code: every cloud's example is read without errors, and the AWS and CloudFormation
violations fail while their compliant twins pass."""

from __future__ import annotations

from providers.iac import IacProvider
from providers.iac.demo import environment
from scanner.catalog import load_catalog
from scanner.engine import Scan
from scanner.policy import load_policy


def test_demo_examples() -> None:
    with environment() as jobs:
        [(name, target)] = jobs
        assert name == "iac"
        provider = IacProvider()
        units = {u.scope.replace("\\", "/").rsplit("examples/", 1)[-1] for u in provider.plan(target)}
        assert units == {"terraform/aws", "terraform/google", "terraform/azurerm", "terraform/oci",
                         "terraform/sakuracloud", "cloudformation/stack.yaml"}
        catalog = load_catalog()
        result = Scan(catalog, load_policy(None, catalog), [(provider, target)], workers=2).run()
    assert result.collection_errors == []
    status = {(f.check_id, f.resource_id): f.status.value for f in result.findings}
    expected = {
        ("GC-RES-001", "aws_s3_bucket.reports_us"): "FAIL",
        ("GC-RES-001", "aws_s3_bucket.reports"): "PASS",
        ("GC-RES-006", "aws_dynamodb_table.sessions_global"): "FAIL",
        ("GC-RES-006", "aws_dynamodb_table.sessions_japan"): "PASS",
        ("GC-ENC-001", "aws_ebs_volume.scratch"): "FAIL",
        ("GC-ENC-001", "aws_ebs_volume.data"): "PASS",
        ("GC-NET-001", "aws_security_group.bastion"): "FAIL",
        ("GC-NET-001", "aws_security_group.admin"): "PASS",
        ("GC-RES-006", "AWS::DynamoDB::GlobalTable.SessionsTable"): "FAIL",
        ("GC-RES-006", "AWS::DynamoDB::GlobalTable.OrdersTable"): "PASS",
        ("GC-ENC-001", "AWS::EC2::Volume.ScratchVolume"): "FAIL",
        ("GC-ENC-001", "AWS::EC2::Volume.DataVolume"): "PASS",
        ("GC-NET-001", "AWS::EC2::SecurityGroup.BastionGroup"): "FAIL",
        ("GC-NET-001", "AWS::EC2::SecurityGroup.AdminGroup"): "PASS",
    }
    assert {key: status.get(key) for key in expected} == expected

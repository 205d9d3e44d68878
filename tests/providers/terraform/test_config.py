"""Root modules: variables and tfvars precedence, locals, modules, providers, count/for_each,
suppressions and the TfContext joins."""

from __future__ import annotations

from pathlib import Path

from providers.terraform.config import load, parse_var_option
from scanner.model import Mute, Unknown


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def by_address(config) -> dict:
    return {r.address: r for r in config.resources}


VARS = '''
variable "name" {
  default = "from-default"
}
resource "aws_s3_bucket" "b" {
  bucket = var.name
}
'''


def test_variable_precedence(tmp_path: Path) -> None:
    root = write(tmp_path, {"main.tf": VARS})
    assert by_address(load(str(root)))["aws_s3_bucket.b"].values["bucket"] == "from-default"
    write(root, {"terraform.tfvars": 'name = "from-tfvars"\n'})
    assert by_address(load(str(root)))["aws_s3_bucket.b"].values["bucket"] == "from-tfvars"
    write(root, {"b.auto.tfvars": 'name = "from-auto-b"\n', "a.auto.tfvars": 'name = "from-auto-a"\n'})
    assert by_address(load(str(root)))["aws_s3_bucket.b"].values["bucket"] == "from-auto-b"
    extra = write(tmp_path / "extra", {"prod.tfvars": 'name = "from-var-file"\n'}) / "prod.tfvars"
    assert by_address(load(str(root), var_files=[str(extra)]))["aws_s3_bucket.b"].values["bucket"] == "from-var-file"
    config = load(str(root), var_files=[str(extra)], variables=dict([parse_var_option("name=from-cli")]))
    assert by_address(config)["aws_s3_bucket.b"].values["bucket"] == "from-cli"


def test_var_option_parsing() -> None:
    assert parse_var_option("region=ap-northeast-1") == ("region", "ap-northeast-1")
    assert parse_var_option('zones=["a", "b"]') == ("zones", ["a", "b"])
    assert parse_var_option("count=3") == ("count", 3)
    assert parse_var_option("on=true") == ("on", True)


def test_variable_without_value_is_unknown_with_source(tmp_path: Path) -> None:
    root = write(tmp_path, {"main.tf": 'variable "x" {}\nresource "aws_s3_bucket" "b" {\n  bucket = var.x\n}\n'})
    value = by_address(load(str(root)))["aws_s3_bucket.b"].values["bucket"]
    assert isinstance(value, Unknown) and value.source == "var.x" and "no value" in value.reason


def test_count_for_each_and_addresses(tmp_path: Path) -> None:
    root = write(tmp_path, {"main.tf": '''
locals {
  names = toset(["a", "b"])
}
resource "aws_s3_bucket" "c" {
  count  = 2
  bucket = "c-${count.index}"
}
resource "aws_s3_bucket" "e" {
  for_each = local.names
  bucket   = "e-${each.key}"
}
resource "aws_s3_bucket" "m" {
  for_each = { x = "one" }
  bucket   = each.value
}
resource "aws_s3_bucket" "none" {
  count  = 0
  bucket = "never"
}
'''})
    resources = by_address(load(str(root)))
    assert sorted(resources) == ['aws_s3_bucket.c[0]', 'aws_s3_bucket.c[1]', 'aws_s3_bucket.e["a"]',
                                 'aws_s3_bucket.e["b"]', 'aws_s3_bucket.m["x"]']
    assert resources['aws_s3_bucket.e["b"]'].values["bucket"] == "e-b"
    assert resources['aws_s3_bucket.m["x"]'].values["bucket"] == "one"


def test_unknown_count_keeps_one_instance_with_unknown_index(tmp_path: Path) -> None:
    root = write(tmp_path, {"main.tf": 'variable "n" {}\nresource "aws_s3_bucket" "b" {\n  count = var.n\n'
                                       '  bucket = "b-${count.index}"\n}\n'})
    resource = by_address(load(str(root)))["aws_s3_bucket.b"]
    assert isinstance(resource.values["bucket"], Unknown)


def test_references_to_computed_attributes_carry_their_source(tmp_path: Path) -> None:
    root = write(tmp_path, {"main.tf": '''
resource "aws_s3_bucket" "b" {
  bucket = "named"
}
resource "aws_s3_bucket_versioning" "by_ref" {
  bucket = aws_s3_bucket.b.id
}
resource "aws_s3_bucket_versioning" "by_name" {
  bucket = "named"
}
resource "aws_s3_bucket_versioning" "by_configured_attr" {
  bucket = aws_s3_bucket.b.bucket
}
resource "aws_s3_bucket_versioning" "other" {
  bucket = "other"
}
data "aws_caller_identity" "me" {}
resource "aws_s3_bucket" "acct" {
  bucket = "x-${data.aws_caller_identity.me.account_id}"
}
'''})
    config = load(str(root))
    resources = by_address(config)
    ref = resources["aws_s3_bucket_versioning.by_ref"].values["bucket"]
    assert isinstance(ref, Unknown) and ref.source == "aws_s3_bucket.b.id"
    assert resources["aws_s3_bucket_versioning.by_configured_attr"].values["bucket"] == "named"
    linked = {r.address for r in config.linked(resources["aws_s3_bucket.b"], "aws_s3_bucket_versioning", "bucket")}
    assert linked == {"aws_s3_bucket_versioning.by_ref", "aws_s3_bucket_versioning.by_name",
                      "aws_s3_bucket_versioning.by_configured_attr"}
    data = resources["aws_s3_bucket.acct"].values["bucket"]
    assert isinstance(data, Unknown) and "data source" in data.reason


def test_provider_aliases_and_module_provider_mapping(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "main.tf": '''
provider "aws" {
  region = "ap-northeast-1"
}
provider "aws" {
  alias  = "us"
  region = "us-east-1"
}
resource "aws_s3_bucket" "tokyo" {
  bucket = "t"
}
resource "aws_s3_bucket" "virginia" {
  provider = aws.us
  bucket   = "v"
}
module "inherit" {
  source = "./mod"
}
module "mapped" {
  source    = "./mod"
  providers = {
    aws = aws.us
  }
}
''',
        "mod/main.tf": 'resource "aws_s3_bucket" "m" {\n  bucket = "m"\n}\noutput "name" {\n  value = aws_s3_bucket.m.bucket\n}\n',
    })
    resources = by_address(load(str(root)))
    assert resources["aws_s3_bucket.tokyo"].provider_config["region"] == "ap-northeast-1"
    assert resources["aws_s3_bucket.virginia"].provider_config["region"] == "us-east-1"
    assert resources["module.inherit.aws_s3_bucket.m"].provider_config["region"] == "ap-northeast-1"
    assert resources["module.mapped.aws_s3_bucket.m"].provider_config["region"] == "us-east-1"
    assert resources["module.mapped.aws_s3_bucket.m"].module == "module.mapped"
    assert resources["module.mapped.aws_s3_bucket.m"].file.endswith("mod/main.tf")


def test_module_outputs_variables_and_count(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "main.tf": '''
module "a" {
  source = "./m"
  count  = 2
  name   = "a${count.index}"
}
resource "aws_s3_bucket" "uses_output" {
  bucket = module.a[1].bucket_name
}
''',
        "m/main.tf": 'variable "name" {}\nresource "aws_s3_bucket" "x" {\n  bucket = var.name\n}\n'
                     'output "bucket_name" {\n  value = aws_s3_bucket.x.bucket\n}\n',
    })
    resources = by_address(load(str(root)))
    assert resources["module.a[0].aws_s3_bucket.x"].values["bucket"] == "a0"
    assert resources["module.a[1].aws_s3_bucket.x"].values["bucket"] == "a1"
    assert resources["aws_s3_bucket.uses_output"].values["bucket"] == "a1"


def test_missing_local_module_is_a_problem_naming_file_and_line(tmp_path: Path) -> None:
    root = write(tmp_path, {"main.tf": 'module "gone" {\n  source = "./nowhere"\n}\nresource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'})
    config = load(str(root))
    assert [(p.line, "cannot be read" in p.message) for p in config.problems] == [(2, True)]
    assert [r.address for r in config.resources] == ["aws_s3_bucket.b"]


def test_syntax_error_in_one_file_keeps_the_others(tmp_path: Path) -> None:
    root = write(tmp_path, {"bad.tf": 'resource "aws_s3_bucket" "x" {\n  bucket = \n}\n',
                            "good.tf": 'resource "aws_s3_bucket" "y" {\n  bucket = "y"\n}\n'})
    config = load(str(root))
    assert len(config.problems) == 1 and config.problems[0].file.endswith("bad.tf") and config.problems[0].line == 2
    assert [r.address for r in config.resources] == ["aws_s3_bucket.y"]


def test_dynamic_blocks(tmp_path: Path) -> None:
    root = write(tmp_path, {"main.tf": '''
variable "ports" {
  default = [22, 443]
}
variable "unknown_ports" {}
resource "aws_security_group" "known" {
  dynamic "ingress" {
    for_each = var.ports
    iterator = port
    content {
      from_port = port.value
    }
  }
}
resource "aws_security_group" "unknown" {
  dynamic "ingress" {
    for_each = var.unknown_ports
    content {
      from_port = ingress.value
    }
  }
}
'''})
    resources = by_address(load(str(root)))
    assert resources["aws_security_group.known"].values["ingress"] == [{"from_port": 22}, {"from_port": 443}]
    assert isinstance(resources["aws_security_group.unknown"].values["ingress"], Unknown)


def test_suppressions(tmp_path: Path) -> None:
    root = write(tmp_path, {"main.tf": '''
# govscan:ignore GC-RES-001 exp=2030-01-01 accepted by the CISO
resource "aws_s3_bucket" "above" {
  bucket = "a"
}
resource "aws_s3_bucket" "inside" {
  bucket = "b" # govscan:ignore GC-RES-004,GC-RES-001 data is public open data
}
// govscan:ignore GC-RES-001
resource "aws_s3_bucket" "no_reason" {
  bucket = "c"
}
# govscan:ignore GC-RES-001 exp=tomorrow because
resource "aws_s3_bucket" "bad_date" {
  bucket = "d"
}
'''})
    config = load(str(root))
    resources = by_address(config)
    assert resources["aws_s3_bucket.above"].mutes == (Mute("GC-RES-001", "accepted by the CISO", "2030-01-01", 2),)
    assert {m.check for m in resources["aws_s3_bucket.inside"].mutes} == {"GC-RES-004", "GC-RES-001"}
    assert resources["aws_s3_bucket.no_reason"].mutes == ()
    assert resources["aws_s3_bucket.bad_date"].mutes == ()
    messages = sorted((p.line, p.message.split(";")[0]) for p in config.problems)
    assert messages[0] == (9, "suppression without a reason")
    assert messages[1][0] == 13 and "expiry" in messages[1][1]


def test_remote_module_read_from_modules_json(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "main.tf": 'module "net" {\n  source  = "terraform-aws-modules/vpc/aws"\n  version = "5.0.0"\n}\n',
        ".terraform/modules/modules.json": '{"Modules":[{"Key":"net","Source":"x","Dir":".terraform/modules/net"}]}',
        ".terraform/modules/net/main.tf": 'resource "aws_vpc" "this" {\n  cidr_block = "10.0.0.0/16"\n}\n',
    })
    config = load(str(root))
    assert [r.address for r in config.resources] == ["module.net.aws_vpc.this"] and config.problems == []

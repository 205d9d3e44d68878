"""Benchmark `govscan scan iac`: a generated tree of ~10,000 Terraform resources across many files, a
plan JSON of the same size, and an empty folder. Prints wall time and peak RSS of each run, plus the
HCL parser alone. Reproducible: `python bench/iac_scan.py [--resources 10000] [--out bench/out/iac]`."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS_PER_FILE = 25

HEADER = '''provider "aws" {
  region = var.region
}

provider "aws" {
  alias  = "osaka"
  region = "ap-northeast-3"
}

variable "region" {
  default = "ap-northeast-1"
}

variable "env" {
  default = "bench"
}

locals {
  prefix = "gov-${var.env}"
  tags = {
    System = "bench"
    Env    = var.env
  }
}
'''


def resource_block(i: int) -> tuple[str, int]:
    """One group of Terraform resources (joins included) and how many resources it declares."""
    kind = i % 5
    if kind == 0:
        return (f'''
resource "aws_s3_bucket" "b{i}" {{
  bucket = "${{local.prefix}}-{i}"
  tags   = local.tags
}}

resource "aws_s3_bucket_server_side_encryption_configuration" "b{i}" {{
  bucket = aws_s3_bucket.b{i}.id
  rule {{
    apply_server_side_encryption_by_default {{
      sse_algorithm = "aws:kms"
    }}
  }}
}}

resource "aws_s3_bucket_public_access_block" "b{i}" {{
  bucket                  = aws_s3_bucket.b{i}.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}}
''', 3)
    if kind == 1:
        return (f'''
resource "aws_security_group" "sg{i}" {{
  name = "${{local.prefix}}-sg-{i}"
  ingress {{
    protocol    = "tcp"
    from_port   = {(i % 2 and 22) or 443}
    to_port     = {(i % 2 and 22) or 443}
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}
''', 1)
    if kind == 2:
        return (f'''
resource "aws_ebs_volume" "v{i}" {{
  count             = 2
  availability_zone = "${{var.region}}a"
  size              = 10 + count.index
  encrypted         = {str(i % 3 != 0).lower()}
}}
''', 2)
    if kind == 3:
        return (f'''
resource "aws_dynamodb_table" "t{i}" {{
  name         = "${{local.prefix}}-t{i}"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {{
    name = "id"
    type = "S"
  }}
  replica {{
    region_name = "{'us-west-2' if i % 7 == 0 else 'ap-northeast-3'}"
  }}
}}
''', 1)
    return (f'''
resource "aws_instance" "i{i}" {{
  provider      = aws.osaka
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
  metadata_options {{
    http_tokens = "required"
  }}
  tags = merge(local.tags, {{ Name = "i{i}" }})
}}
''', 1)


def generate_tree(root: Path, resources: int, roots: int = 10) -> tuple[int, int]:
    """Write `roots` root modules of files with about `resources` resources in total."""
    if root.exists():
        shutil.rmtree(root)
    made = files = i = 0
    per_root = resources // roots
    for r in range(roots):
        directory = root / f"stack{r:02d}"
        directory.mkdir(parents=True)
        (directory / "providers.tf").write_text(HEADER, encoding="utf-8")
        count = 0
        file_index = 0
        while count < per_root:
            parts = []
            for _ in range(KINDS_PER_FILE // 2):
                text, n = resource_block(i)
                parts.append(text)
                count += n
                i += 1
                if count >= per_root:
                    break
            (directory / f"res{file_index:03d}.tf").write_text("".join(parts), encoding="utf-8")
            file_index += 1
            files += 1
        made += count
    return made, files


def generate_plan(path: Path, resources: int) -> int:
    """A `terraform show -json`-shaped plan with `resources` planned resources."""
    planned = []
    changes = []
    configs = []
    for i in range(resources):
        if i % 2 == 0:
            address, type_ = f"aws_s3_bucket.b{i}", "aws_s3_bucket"
            values = {"bucket": f"bench-{i}", "force_destroy": False, "tags": {"System": "bench"}}
            unknown = {"arn": True, "id": True, "region": True}
        else:
            address, type_ = f"aws_ebs_volume.v{i}", "aws_ebs_volume"
            values = {"availability_zone": "ap-northeast-1a", "size": 10, "encrypted": i % 3 != 0}
            unknown = {"arn": True, "id": True}
        name = address.split(".")[1]
        planned.append({"address": address, "mode": "managed", "type": type_, "name": name,
                        "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0, "values": values})
        changes.append({"address": address, "mode": "managed", "type": type_, "name": name,
                        "provider_name": "registry.terraform.io/hashicorp/aws",
                        "change": {"actions": ["create"], "before": None, "after": values, "after_unknown": unknown}})
        configs.append({"address": address, "mode": "managed", "type": type_, "name": name, "provider_config_key": "aws",
                        "expressions": {}})
    plan = {"format_version": "1.2", "terraform_version": "1.11.4",
            "planned_values": {"root_module": {"resources": planned}}, "resource_changes": changes,
            "configuration": {"provider_config": {"aws": {"name": "aws", "expressions": {
                "region": {"constant_value": "ap-northeast-1"}}}}, "root_module": {"resources": configs}}}
    path.write_text(json.dumps(plan), encoding="utf-8")
    return resources


def timed_scan(args: list[str], out: Path) -> tuple[float, float, int, float]:
    """Wall seconds, peak RSS in MiB, exit code and CPU seconds of one `govscan scan iac` run in a fresh process."""
    command = [sys.executable, "-m", "scanner.cli", "scan", "iac", *args, "--output-dir", str(out), "--quiet",
               "--format", "json", "--fail-on", "none"]
    start = time.monotonic()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.stderr:
        process.stderr.read()
        process.stderr.close()
    return wall, usage.ru_maxrss / 1024, process.returncode, usage.ru_utime + usage.ru_stime


def parser_only(tree: Path) -> tuple[float, float, int]:
    """Seconds for tree-sitter parse + top-level walk, and for our full reader, over every .tf file."""
    sys.path.insert(0, str(ROOT))
    import tree_sitter_hcl
    from tree_sitter import Language, Parser

    from providers.terraform.hcl import parse_file

    files = sorted(tree.rglob("*.tf"))
    parser = Parser(Language(tree_sitter_hcl.language()))
    start = time.process_time()
    blocks = 0
    for path in files:
        root = parser.parse(path.read_bytes()).root_node
        for child in root.children:
            blocks += sum(1 for c in child.children if c.type == "block")
    raw = time.process_time() - start
    start = time.process_time()
    for path in files:
        parse_file(str(path))
    full = time.process_time() - start
    return raw, full, blocks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "iac"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tree = out / "tree"
    made, files = generate_tree(tree, args.resources)
    plan = out / "plan.json"
    generate_plan(plan, args.resources)
    empty = out / "empty"
    empty.mkdir(exist_ok=True)
    raw, full, blocks = parser_only(tree)
    print(f"generated: {made} resources in {files} files under {tree}; plan {plan} ({plan.stat().st_size // 1024} KiB)")
    print(f"parser only (CPU seconds): tree-sitter parse+walk {raw:.2f} s ({blocks} blocks); "
          f"govscan HCL reader (parse + expression trees) {full:.2f} s")
    for label, target in (("empty folder", [str(empty)]), ("terraform tree", [str(tree)]), ("plan json", [str(plan)])):
        results = [timed_scan(target, out / "report") for _ in range(args.runs)]
        best = min(results)
        print(f"{label}: wall {best[0]:.2f} s (runs: {', '.join(f'{r[0]:.2f}' for r in results)}), "
              f"CPU {best[3]:.2f} s, peak RSS {max(r[1] for r in results):.0f} MiB, exit {best[2]}")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()

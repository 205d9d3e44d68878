"""Benchmark: a full govscan AWS scan against moto_server on 127.0.0.1.

Starts `moto_server` in its own process, seeds about N resources across six regions, runs
`python -m scanner.cli scan aws` as a subprocess with AWS_ENDPOINT_URL pointing at it, and prints the
wall time, the scan's peak RSS and the API calls per resource. Not part of the test suite.

    /work/venv/bin/python bench/aws_scan.py --resources 2000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REGIONS = ("ap-northeast-1", "ap-northeast-3", "us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1")
# Share of each resource type in the seeded estate (per region); S3 is the costly one (12 detail calls).
MIX = {"security_group": 0.30, "volume": 0.28, "log_group": 0.18, "table": 0.09, "bucket": 0.09, "key": 0.06}
FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "ap-northeast-1", "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_moto(port: int) -> subprocess.Popen[bytes]:
    beside = Path(sys.executable).with_name("moto_server")  # the venv's own, not a pyenv shim
    binary = str(beside) if beside.exists() else shutil.which("moto_server") or "moto_server"
    env = {**os.environ, **FAKE_ENV}
    proc = subprocess.Popen([binary, "-H", "127.0.0.1", "-p", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=1)
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("moto_server did not start")


def seed(endpoint: str, total: int) -> int:
    """Create about `total` resources spread over REGIONS; returns how many were created."""
    import boto3
    from botocore.config import Config

    os.environ.update(FAKE_ENV)
    config = Config(retries={"total_max_attempts": 2}, max_pool_connections=32)

    def client(service: str, region: str) -> Any:
        return boto3.client(service, region_name=region, endpoint_url=endpoint, config=config)

    per_region = total / len(REGIONS)
    jobs: list[tuple[str, str, int]] = []
    for region in REGIONS:
        for kind, share in MIX.items():
            jobs += [(kind, region, i) for i in range(max(1, round(per_region * share)))]

    def make(job: tuple[str, str, int]) -> None:
        kind, region, i = job
        if kind == "security_group":
            client("ec2", region).create_security_group(GroupName=f"sg-{i}", Description="bench")
        elif kind == "volume":
            client("ec2", region).create_volume(AvailabilityZone=region + "a", Size=1, Encrypted=i % 2 == 0)
        elif kind == "log_group":
            client("logs", region).create_log_group(logGroupName=f"/bench/{i}")
        elif kind == "table":
            client("dynamodb", region).create_table(
                TableName=f"t{i}", BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
        elif kind == "bucket":
            name = f"bench-{region}-{i}"
            if region == "us-east-1":
                client("s3", region).create_bucket(Bucket=name)
            else:
                client("s3", region).create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
        elif kind == "key":
            client("kms", region).create_key(Description=f"k{i}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(make, jobs))
    return len(jobs)


def run_scan(endpoint: str, out: Path, workers: int, regions: str | None) -> tuple[float, float, dict[str, Any]]:
    """Run the scan as a subprocess; returns (wall seconds, peak RSS MiB, govscan.json)."""
    env = {**os.environ, **FAKE_ENV, "AWS_ENDPOINT_URL": endpoint, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "scanner.cli", "scan", "aws", "--output-dir", str(out), "--format", "json",
               "--quiet", "--fail-on", "none", "--workers", str(workers), "--max-attempts", "2"]
    if regions:
        command += ["--regions", regions]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.monotonic() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the scan is the only child waited for so far
    if done.returncode not in (0, 1, 3):
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"scan failed with exit code {done.returncode}")
    report = json.loads((out / "govscan.json").read_text(encoding="utf-8"))
    return wall, max(peak_kib, before) / 1024, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--resources", type=int, default=2000, help="resources to seed (default 2000)")
    parser.add_argument("--workers", type=int, default=16, help="govscan --workers (default 16)")
    parser.add_argument("--all-regions", action="store_true",
                        help="scan every region moto reports as enabled instead of the six seeded ones")
    args = parser.parse_args()
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    moto = start_moto(port)
    try:
        started = time.monotonic()
        seeded = seed(endpoint, args.resources)
        seed_seconds = time.monotonic() - started
        with tempfile.TemporaryDirectory(prefix="govscan-bench-") as tmp:
            wall, rss, report = run_scan(endpoint, Path(tmp), args.workers, None if args.all_regions else ",".join(REGIONS))
    finally:
        moto.terminate()
        try:
            moto.wait(timeout=10)
        except subprocess.TimeoutExpired:
            moto.kill()
            moto.wait()
    inventory = report.get("inventory", {}).get("aws", {})
    resources = sum(inventory.values())
    calls = report.get("api_calls", {}).get("aws", 0)
    result = {
        "seeded": seeded, "seed_seconds": round(seed_seconds, 1), "regions": "all enabled" if args.all_regions else len(REGIONS),
        "resources_scanned": resources, "wall_seconds": round(wall, 2), "peak_rss_mib": round(rss, 1),
        "api_calls": calls, "api_calls_per_resource": round(calls / max(resources, 1), 2),
        "findings": len(report.get("findings", [])), "collection_errors": len(report.get("collection_errors", [])),
        "timings": report.get("timings", {}),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

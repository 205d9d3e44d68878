"""Benchmark: a full Google Cloud scan of a generated organization served by the local fake Cloud Asset server.

    python bench/gcp_org.py                      # 200 and 1,000 projects (~10k and ~50k resources)
    python bench/gcp_org.py --projects 1000      # one size

Each size runs in fresh processes: the fake server in one, the scan in another, so the scan's peak RSS is
its own. Two scan modes: `stream` (provider + evaluation, findings counted and dropped: the provider's own
footprint) and `engine` (scanner.engine.Scan, which keeps every finding in ScanResult for the reports).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ORG = "organizations/900000000001"
CRM = "//cloudresourcemanager.googleapis.com/"

# Assets per project, per asset type: 50 resources a project.
PER_PROJECT = {
    "cloudresourcemanager.googleapis.com/Project": 1, "compute.googleapis.com/Project": 1,
    "storage.googleapis.com/Bucket": 8, "compute.googleapis.com/Instance": 8, "compute.googleapis.com/Disk": 8,
    "compute.googleapis.com/Snapshot": 2, "compute.googleapis.com/Firewall": 5, "compute.googleapis.com/Network": 1,
    "compute.googleapis.com/Subnetwork": 3, "sqladmin.googleapis.com/Instance": 2, "bigquery.googleapis.com/Dataset": 2,
    "cloudkms.googleapis.com/CryptoKey": 2, "logging.googleapis.com/LogSink": 2, "logging.googleapis.com/LogBucket": 1,
    "artifactregistry.googleapis.com/Repository": 1, "pubsub.googleapis.com/Topic": 1, "container.googleapis.com/Cluster": 1,
    "iam.googleapis.com/ServiceAccount": 1,
}
IAM_TYPES = {"storage.googleapis.com/Bucket", "cloudkms.googleapis.com/CryptoKey", "cloudresourcemanager.googleapis.com/Project"}


def _ancestors(p: int) -> list[str]:
    return [f"projects/{100000 + p}", f"folders/{p % 20}", ORG]


def _data(asset_type: str, p: int, k: int) -> tuple[str, str, dict[str, Any]]:
    pid = f"gov-{p:05d}"
    region = "asia-northeast1" if k % 10 else "us-central1"
    short = asset_type.rsplit("/", 1)[1].lower()
    name = f"{short}-{k}"
    if asset_type == "cloudresourcemanager.googleapis.com/Project":
        return CRM + f"projects/{100000 + p}", "global", {"projectId": pid, "projectNumber": str(100000 + p)}
    if asset_type == "compute.googleapis.com/Project":
        return f"//compute.googleapis.com/projects/{pid}", "global", {
            "name": pid, "commonInstanceMetadata": {"items": [{"key": "enable-oslogin", "value": "TRUE"}]}}
    if asset_type == "storage.googleapis.com/Bucket":
        loc = "ASIA" if k == 7 else region.upper()
        return f"//storage.googleapis.com/{pid}-{name}", loc.lower(), {
            "name": f"{pid}-{name}", "location": loc, "locationType": "multi-region" if k == 7 else "region",
            "iamConfiguration": {"uniformBucketLevelAccess": {"enabled": k % 2 == 0}, "publicAccessPrevention": "inherited"},
            "versioning": {"enabled": k % 3 == 0}, "labels": {"system": "bench", "owner": f"team-{p % 7}"}}
    if asset_type == "compute.googleapis.com/Instance":
        zone = region + "-b"
        return f"//compute.googleapis.com/projects/{pid}/zones/{zone}/instances/{name}", zone, {
            "name": name, "zone": zone, "canIpForward": False,
            "networkInterfaces": [{"networkIP": f"10.0.{k}.2", **({"accessConfigs": [{"natIP": "203.0.113.1"}]} if k == 0 else {})}],
            "serviceAccounts": [{"email": f"{100000 + p}-compute@developer.gserviceaccount.com",
                                 "scopes": ["https://www.googleapis.com/auth/cloud-platform"]}],
            "shieldedInstanceConfig": {"enableSecureBoot": True, "enableIntegrityMonitoring": True}}
    if asset_type == "compute.googleapis.com/Disk":
        return f"//compute.googleapis.com/projects/{pid}/zones/{region}-b/disks/{name}", region + "-b", {"name": name, "sizeGb": "10"}
    if asset_type == "compute.googleapis.com/Snapshot":
        return f"//compute.googleapis.com/projects/{pid}/global/snapshots/{name}", "global", {
            "name": name, "storageLocations": ["asia" if k else "asia-northeast1"]}
    if asset_type == "compute.googleapis.com/Firewall":
        return f"//compute.googleapis.com/projects/{pid}/global/firewalls/{name}", "global", {
            "name": name, "direction": "INGRESS", "sourceRanges": ["0.0.0.0/0" if k == 0 else "10.0.0.0/8"],
            "allowed": [{"ipProtocol": "tcp", "ports": ["22"]}]}
    if asset_type == "compute.googleapis.com/Network":
        return f"//compute.googleapis.com/projects/{pid}/global/networks/default", "global", {"name": "default"}
    if asset_type == "compute.googleapis.com/Subnetwork":
        return f"//compute.googleapis.com/projects/{pid}/regions/{region}/subnetworks/{name}", region, {
            "name": name, "privateIpGoogleAccess": k % 2 == 0, "logConfig": {"enable": k == 0}}
    if asset_type == "sqladmin.googleapis.com/Instance":
        return f"//cloudsql.googleapis.com/projects/{pid}/instances/{name}", region, {
            "name": name, "project": pid, "region": region, "databaseVersion": "POSTGRES_15",
            "settings": {"availabilityType": "REGIONAL" if k else "ZONAL",
                         "ipConfiguration": {"ipv4Enabled": k == 0, "sslMode": "ENCRYPTED_ONLY"},
                         "backupConfiguration": {"enabled": True, **({"location": "asia-northeast1"} if k else {})}}}
    if asset_type == "bigquery.googleapis.com/Dataset":
        return f"//bigquery.googleapis.com/projects/{pid}/datasets/{name}", region, {
            "location": "US" if k == 0 else "asia-northeast1", "access": [{"role": "OWNER", "specialGroup": "projectOwners"}]}
    if asset_type == "cloudkms.googleapis.com/CryptoKey":
        full = f"projects/{pid}/locations/{region}/keyRings/r/cryptoKeys/{name}"
        return "//cloudkms.googleapis.com/" + full, region, {"name": full, "purpose": "ENCRYPT_DECRYPT",
                                                            **({"rotationPeriod": "7776000s"} if k else {})}
    if asset_type == "logging.googleapis.com/LogSink":
        return f"//logging.googleapis.com/projects/{100000 + p}/sinks/{name}", "global", {
            "name": name, "destination": f"logging.googleapis.com/projects/{pid}/locations/{region}/buckets/audit"}
    if asset_type == "logging.googleapis.com/LogBucket":
        full = f"projects/{pid}/locations/global/buckets/_Default"
        return "//logging.googleapis.com/" + full, "global", {"name": full, "retentionDays": 30}
    if asset_type == "artifactregistry.googleapis.com/Repository":
        full = f"projects/{pid}/locations/asia-northeast1/repositories/{name}"
        return "//artifactregistry.googleapis.com/" + full, "asia-northeast1", {"name": full, "format": "DOCKER"}
    if asset_type == "pubsub.googleapis.com/Topic":
        full = f"projects/{pid}/topics/{name}"
        return "//pubsub.googleapis.com/" + full, "global", {"name": full}
    if asset_type == "container.googleapis.com/Cluster":
        return f"//container.googleapis.com/projects/{pid}/locations/{region}/clusters/{name}", region, {
            "name": name, "location": region, "privateClusterConfig": {"enablePrivateEndpoint": True}}
    email = f"sa-{k}@{pid}.iam.gserviceaccount.com"
    return f"//iam.googleapis.com/projects/{pid}/serviceAccounts/{email}", "global", {"email": email}


class Generated(Sequence):
    """A lazily generated, sliceable list of the assets of some types for `projects` projects."""

    def __init__(self, projects: int, content: str, types: Sequence[str]) -> None:
        self.projects, self.content = projects, content
        wanted = [t for t in types if t in PER_PROJECT and (content != "IAM_POLICY" or t in IAM_TYPES)]
        self.blocks = [(t, PER_PROJECT[t]) for t in wanted]
        self.total = sum(n * projects for _, n in self.blocks)

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.total))]
        for asset_type, n in self.blocks:
            if index < n * self.projects:
                p, k = divmod(index, n)
                return self._asset(asset_type, p, k)
            index -= n * self.projects
        raise IndexError(index)

    def _asset(self, asset_type: str, p: int, k: int) -> dict[str, Any]:
        name, location, data = _data(asset_type, p, k)
        base: dict[str, Any] = {"name": name, "assetType": asset_type, "ancestors": _ancestors(p),
                                "updateTime": "2026-11-01T00:00:00Z"}
        if self.content == "IAM_POLICY":
            members = ["allUsers"] if k == 3 else [f"group:team-{p % 7}@example.go.jp"]
            base["iamPolicy"] = {"bindings": [{"role": "roles/viewer", "members": members}]}
        else:
            base["resource"] = {"version": "v1", "discoveryName": asset_type.rsplit("/", 1)[1],
                                "parent": CRM + f"projects/{100000 + p}", "location": location, "data": data}
        return base


class GeneratedStore:
    """The fake server's store for a generated organization (one org policy on the organization)."""

    def __init__(self, projects: int) -> None:
        self.projects = projects
        self.org_policy = [{"name": CRM + ORG, "assetType": "cloudresourcemanager.googleapis.com/Organization",
                            "ancestors": [ORG], "orgPolicy": [{"constraint": "constraints/gcp.resourceLocations",
                                                               "listPolicy": {"allowedValues": ["in:asia-northeast1-locations"]}}]}]

    def select(self, parent: str, content: str, types: Sequence[str]) -> Sequence[dict[str, Any]]:
        """Everything in the organization (only organization-wide scans are benchmarked)."""
        if content == "ORG_POLICY":
            return self.org_policy if "cloudresourcemanager.googleapis.com/Organization" in types else []
        return Generated(self.projects, content, types)


def serve(projects: int) -> None:
    """Run the fake server for a generated organization and print its URL."""
    from tests.fakes.gcp_asset import FakeAssetServer

    server = FakeAssetServer(store=GeneratedStore(projects)).start()
    print(server.url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


def scan(endpoint: str, mode: str) -> dict[str, Any]:
    """Scan the organization at `endpoint`; return counts, wall time and peak RSS of this process."""
    from providers.gcp import GcpProvider
    from scanner.catalog import load_catalog
    from scanner.engine import Evaluator, Scan
    from scanner.policy import load_policy

    catalog = load_catalog()
    policy = load_policy(None, catalog)
    provider = GcpProvider()
    target = {"organization": (ORG,), "endpoint": endpoint, "anonymous": True}
    baseline_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    resources = findings = errors = 0
    if mode == "engine":
        result = Scan(catalog, policy, [(provider, target)], workers=8).run()
        resources = sum(result.inventory.get("gcp", {}).values())
        findings, errors = len(result.findings), len(result.collection_errors)
    else:
        evaluator = Evaluator(catalog, policy)

        def run(unit: Any) -> tuple[int, int, int]:
            r = f = e = 0
            for item in provider.collect(unit):
                if hasattr(item, "kind"):
                    r += 1
                    f += len(evaluator.evaluate(item))
                else:
                    e += 1
            return r, f, e

        with ThreadPoolExecutor(8) as pool:
            for r, f, e in pool.map(run, list(provider.plan(target))):
                resources, findings, errors = resources + r, findings + f, errors + e
    return {"mode": mode, "resources": resources, "findings": findings, "collection_errors": errors,
            "api_calls": provider.api_calls, "seconds": round(time.monotonic() - started, 2),
            "cpu_s": round(sum(resource.getrusage(resource.RUSAGE_SELF)[:2]), 1),
            "load_avg": round(os.getloadavg()[0], 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "rss_before_scan_mb": round(baseline_rss / 1024, 1)}


def measure(projects: int, modes: Sequence[str]) -> list[dict[str, Any]]:
    """Start a server process for `projects`, then one scan process per mode."""
    env = {**os.environ, "GCE_METADATA_HOST": "127.0.0.1:9", "NO_GCE_CHECK": "True", "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([sys.executable, __file__, "serve", "--projects", str(projects)], stdout=subprocess.PIPE,
                              text=True, env=env)
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        rows = []
        for mode in modes:
            out = subprocess.run([sys.executable, __file__, "scan", "--endpoint", url, "--mode", mode],
                                 capture_output=True, text=True, env=env, check=True)
            row = json.loads(out.stdout.strip().splitlines()[-1])
            row["projects"] = projects
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
        return rows
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", nargs="?", default="bench", choices=["bench", "serve", "scan"])
    parser.add_argument("--projects", type=int, action="append")
    parser.add_argument("--endpoint")
    parser.add_argument("--mode", default="stream", choices=["stream", "engine"])
    parser.add_argument("--modes", default="stream,engine")
    args = parser.parse_args()
    if args.command == "serve":
        serve((args.projects or [1000])[0])
    elif args.command == "scan":
        print(json.dumps(scan(args.endpoint, args.mode)))
    else:
        rows = [row for n in (args.projects or [200, 1000]) for row in measure(n, args.modes.split(","))]
        print("| projects | resources | mode | API calls (pages) | findings | wall s | CPU s (scan process) | peak RSS MB | load avg |")
        print("|---:|---:|---|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            print(f"| {r['projects']} | {r['resources']} | {r['mode']} | {r['api_calls']} | {r['findings']} | "
                  f"{r['seconds']} | {r['cpu_s']} | {r['peak_rss_mb']} | {r['load_avg']} |")


if __name__ == "__main__":
    main()

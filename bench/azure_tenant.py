"""Benchmark: scan a fake Azure tenant of N subscriptions (about 50 resources each) through the real
management clients, and report API calls (pages), wall time and peak RSS.

The fake runs in its own process (so its data does not count in the scanner's memory); each size
runs in a fresh scanner process (peak RSS is per process). Run from the repository root:

    python bench/azure_tenant.py                  # 250, 500 and 1,000 subscriptions, both modes
    python bench/azure_tenant.py --subs 1000 --mode collect --no-details

Modes: `collect` streams every page through the normalizers and drops the resources (the
provider's own footprint); `scan` runs the whole engine (every check on every resource).
"""

from __future__ import annotations

import argparse
import copy
import json
import multiprocessing
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TEMPLATE_SUBS = ("00000000-0000-0000-0000-00000000a001", "00000000-0000-0000-0000-00000000b002")
PER_SUB = 50


def tenant(count: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """A tenant of `count` subscriptions cloned from the recorded ones, ~50 resources each."""
    from tests.fakes.azure_arm import load_fixtures

    subs, rows, arm = load_fixtures()
    by_sub: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_sub.setdefault(row["subscriptionId"], []).append(row)
    shared = by_sub.pop("", [])
    arm_by_sub = {t: {k: v for k, v in arm.items() if t in k} for t in TEMPLATE_SUBS}
    out_subs, out_rows, out_arm = [], list(shared), {}
    for i in range(count):
        sid = f"{i:08d}-0000-4000-8000-{i:012d}"
        template = TEMPLATE_SUBS[i % 2]
        text = json.dumps(by_sub[template]).replace(template, sid)
        cloned = json.loads(text)
        resources = [r for r in cloned if r.get("_table") == "resources"]
        disk = next(r for r in resources if r["type"] == "microsoft.compute/disks")
        for extra in range(PER_SUB - len(resources)):
            more = copy.deepcopy(disk)
            more["id"] = f"{disk['id']}-{extra}"
            more["name"] = f"{disk['name']}-{extra}"
            cloned.append(more)
        out_rows += cloned
        out_arm.update(json.loads(json.dumps(arm_by_sub[template]).replace(template, sid)))
        record = dict(subs[i % 2])
        record.update({"id": f"/subscriptions/{sid}", "subscriptionId": sid, "displayName": f"gov-{i:04d}"})
        out_subs.append(record)
    return out_subs, out_rows, out_arm


def _serve(count: int, ready: Any) -> None:
    from tests.fakes.azure_arm import FakeAzure, FakeAzureServer

    subs, rows, arm = tenant(count)
    with FakeAzureServer(FakeAzure(subs, rows, arm, subscription_page=100)) as server:
        ready.send((server.url, sum(1 for r in rows if r.get("_table") == "resources")))
        ready.recv()  # block until the parent is done


def measure(url: str, mode: str, details: bool) -> dict[str, Any]:
    """One scan in this process; returns calls, seconds and peak RSS."""
    from providers.azure import AzureProvider
    from providers.azure.client import Settings
    from tests.providers.azure.support import FakeCredential

    settings = Settings(endpoint=url, credential=FakeCredential(), retry_total=1, details=details)
    provider = AzureProvider(settings)
    started = time.monotonic()
    resources = findings = 0
    if mode == "collect":
        units = list(provider.plan({}))
        for unit in units:
            for item in provider.collect(unit):
                resources += hasattr(item, "attrs")
    else:
        from scanner.catalog import load_catalog
        from scanner.engine import Scan
        from scanner.policy import load_policy

        catalog = load_catalog()
        result = Scan(catalog, load_policy(None, catalog), [(provider, {})], workers=8).run()
        resources = sum(sum(k.values()) for k in result.inventory.values())
        findings = len(result.findings)
    seconds = time.monotonic() - started
    return {"mode": mode, "details": details, "calls": provider.api_calls, "resources": resources,
            "findings": findings, "seconds": round(seconds, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def run(count: int, modes: list[str], details_modes: list[bool]) -> list[dict[str, Any]]:
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=_serve, args=(count, child), daemon=True)
    server.start()
    url, total = parent.recv()
    out = []
    try:
        for mode in modes:
            for details in details_modes:
                args = [sys.executable, __file__, "--one", url, "--mode", mode, "--details" if details else "--no-details"]
                line = subprocess.run(args, check=True, capture_output=True, text=True, cwd=ROOT).stdout.strip().splitlines()[-1]
                row = {"subscriptions": count, "tenant_resources": total, **json.loads(line)}
                print(json.dumps(row), flush=True)
                out.append(row)
    finally:
        parent.send("stop")
        server.join(timeout=10)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subs", type=int, nargs="*", default=[250, 500, 1000])
    parser.add_argument("--mode", choices=["collect", "scan"], action="append")
    parser.add_argument("--details", dest="details", action="store_true", default=None)
    parser.add_argument("--no-details", dest="details", action="store_false")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    details_modes = [True, False] if args.details is None else [args.details]
    if args.one:
        print(json.dumps(measure(args.one, (args.mode or ["scan"])[0], details_modes[0])))
        return
    for count in args.subs:
        run(count, args.mode or ["collect", "scan"], details_modes)


if __name__ == "__main__":
    main()

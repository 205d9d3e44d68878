"""Evaluation cost of the engine alone: N synthetic resources through the whole catalog, no I/O.

Usage: python bench/engine_eval.py [N]   (default 100000)
Prints resources/s, findings/s and peak RSS, to show that evaluation is negligible next to collection.
"""

from __future__ import annotations

import resource
import sys
import time

from scanner.catalog import load_catalog
from scanner.engine import Evaluator
from scanner.kinds import FirewallRule
from scanner.model import Resource
from scanner.policy import load_policy


def synthetic(i: int) -> Resource:
    """A realistic mix: buckets, firewalls, disks and instances in and out of Japan."""
    region = ("ap-northeast-1", "ap-northeast-3", "us-east-1", "eu-west-1")[i % 4]
    kind = ("storage.bucket", "network.firewall", "compute.disk", "compute.instance")[i % 4]
    attrs: dict[str, object]
    if kind == "storage.bucket":
        attrs = {"encryption.at_rest": "provider_key", "public": i % 7 == 0, "versioning": True,
                 "replication.locations": ["ap-northeast-3"], "access_logging": False, "tls_only": True,
                 "public_access_block": True}
    elif kind == "network.firewall":
        attrs = {"ingress": [FirewallRule("tcp", 22, 22, ("0.0.0.0/0",) if i % 5 == 0 else ("10.0.0.0/8",)),
                             FirewallRule("tcp", 443, 443, ("0.0.0.0/0",))], "is_default": False}
    elif kind == "compute.disk":
        attrs = {"encryption.at_rest": "none" if i % 3 == 0 else "customer_key"}
    else:
        attrs = {"public_ip": i % 2 == 0, "metadata.token_required": True}
    return Resource("aws", kind, "synthetic", f"res-{i}", f"res-{i}", "111122223333", region, attrs)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    catalog = load_catalog()
    evaluator = Evaluator(catalog, load_policy(None, catalog))
    resources = [synthetic(i) for i in range(n)]
    started = time.perf_counter()
    findings = 0
    for r in resources:
        findings += len(evaluator.evaluate(r))
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"resources={n} findings={findings} seconds={elapsed:.2f} "
          f"resources_per_s={n / elapsed:,.0f} findings_per_s={findings / elapsed:,.0f} peak_rss_mib={peak:.0f}")


if __name__ == "__main__":
    main()

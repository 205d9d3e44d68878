"""OCI collection benchmark: a fake tenancy with 200 nested compartments in two regions, scanned end to end.

Usage: python bench/oci_tenancy.py [COMPARTMENTS]   (default 200)
The fake OCI API runs in a child process (so the peak RSS is the scanner's alone) on 127.0.0.1; the
scanner uses the real `oci` SDK with the no-op signer. Prints API calls, wall time, peak RSS.
"""

from __future__ import annotations

import copy
import multiprocessing
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TENANCY = "ocid1.tenancy.oc1..aaaaaaaagovtenancy"


def build_state(compartments: int) -> dict[str, Any]:
    """The fixture tenancy grown to `compartments` compartments, each holding a small workload per region."""
    from tests.fakes.oci_api import load_state

    state = load_state()
    base = state["tenancy"]["compartments"][0]
    comps = []
    for i in range(compartments):
        parent = TENANCY if i < 10 else comps[i % 10]["id"]  # ten top-level, the rest nested below them
        comps.append({**base, "id": f"ocid1.compartment.oc1..bench{i:04d}", "compartmentId": parent, "name": f"cmp-{i:04d}"})
    state["tenancy"]["compartments"] = comps
    user = state["tenancy"]["users"][1]
    state["tenancy"]["users"] = [{**user, "id": f"ocid1.user.oc1..benchuser{i:03d}", "name": f"user{i:03d}"} for i in range(50)]
    for region, seed in state["regions"].items():
        tokyo = region == "ap-tokyo-1"
        out = copy.deepcopy(seed)
        for key in ("buckets", "volumes", "instances", "securityLists", "subnets", "autonomousDatabases"):
            out[key] = []
        for i, comp in enumerate(comps):
            cid = comp["id"]
            for template_key, key in (("buckets", "buckets"), ("volumes", "volumes"), ("instances", "instances"),
                                      ("securityLists", "securityLists"), ("subnets", "subnets")):
                templates = state["regions"]["ap-tokyo-1"][template_key]
                if not tokyo and key not in ("buckets", "volumes"):
                    continue
                item = copy.deepcopy(templates[i % len(templates)])
                item.update(id=f"{item['id']}.b{i:04d}", compartmentId=cid)
                if key == "buckets":
                    item["name"] = f"bkt-{region}-{i:04d}"
                else:
                    item["displayName"] = f"{key}-{i:04d}"
                out[key].append(item)
        attachment = seed["vnicAttachments"][0] if seed["vnicAttachments"] else None
        out["vnicAttachments"] = [dict(attachment, id=f"{attachment['id']}.b{i:04d}", instanceId=inst["id"])
                                  for i, inst in enumerate(out["instances"])] if attachment else []
        state["regions"][region] = out
    return state


def serve(compartments: int, queue: Any) -> None:
    """Child process: run the fake with the generated tenancy until killed."""
    from tests.fakes.oci_api import FakeOci

    fake = FakeOci(build_state(compartments))
    fake.page_size = 100
    queue.put(fake.start())
    while True:
        time.sleep(3600)


def main() -> None:
    compartments = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    os.environ["OCI_SDK_DEFAULT_RETRY_ENABLED"] = "false"
    queue: Any = multiprocessing.Queue()
    child = multiprocessing.Process(target=serve, args=(compartments, queue), daemon=True)
    child.start()
    endpoint = queue.get(timeout=60)
    try:
        from providers.oci import OciProvider
        from providers.oci.session import NoopSigner
        from scanner.catalog import load_catalog
        from scanner.engine import Scan
        from scanner.policy import load_policy

        catalog = load_catalog()
        target = {"tenancy": TENANCY, "endpoint": endpoint, "signer": NoopSigner(), "max_attempts": 1,
                  "config": {"user": "ocid1.user.oc1..bench", "tenancy": TENANCY, "region": "ap-tokyo-1",
                             "fingerprint": "aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99", "key_content": "unused"}}
        provider = OciProvider()
        started = time.perf_counter()
        result = Scan(catalog, load_policy(None, catalog), [(provider, target)], workers=16).run()
        wall = time.perf_counter() - started
        resources = sum(result.inventory.get("oci", {}).values())
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"compartments={compartments} resources={resources} findings={len(result.findings)} "
              f"collection_errors={len(result.collection_errors)} api_calls={provider.api_calls} "
              f"wall_seconds={wall:.2f} calls_per_second={provider.api_calls / wall:.0f} peak_rss_mb={rss:.0f}")
    finally:
        child.terminate()


if __name__ == "__main__":
    main()

"""Sakura collection benchmark: a fake account with about 2,000 resources over five zones, scanned end to end.

Usage: python bench/sakura_account.py [RESOURCES]   (default 2000)
The fake API runs in a child process on 127.0.0.1 (so the peak RSS is the scanner's alone); the scanner
uses its real httpx client, pages of 100. Prints API calls, wall time, peak RSS.
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

ZONES = ("is1a", "is1b", "is1c", "tk1a", "tk1b")
# per-zone share of each resource type (servers and disks dominate real accounts)
MIX = (("servers", 0.30), ("disks", 0.35), ("switches", 0.10), ("packetfilters", 0.10), ("appliances", 0.10),
       ("commonserviceitems", 0.05))


def build_state(total: int) -> dict[str, Any]:
    """The fixture account grown to about `total` resources, spread evenly over the five zones."""
    from tests.fakes.sakura_api import load_state

    state = load_state()
    templates = state["zones"]["is1a"]
    per_zone = total // len(ZONES)
    serial = 0
    for zone in ZONES:
        out = {key: [] for key in templates}
        for key, share in MIX:
            for i in range(int(per_zone * share)):
                item = copy.deepcopy(templates[key][i % len(templates[key])])
                serial += 1
                item["ID"] = 900000000000 + serial
                item["Name"] = f"{key}-{zone}-{i:04d}"
                if key == "commonserviceitems":
                    item["Status"] = {**item["Status"], "ZoneName": zone, "DiskId": str(900000000000 + serial - 1)}
                out[key].append(item)
        state["zones"][zone] = out
    return state


def serve(total: int, queue: Any) -> None:
    """Child process: run the fake with the generated account until killed."""
    from tests.fakes.sakura_api import FakeSakura

    fake = FakeSakura(build_state(total))
    queue.put(fake.start())
    while True:
        time.sleep(3600)


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    from tests.fakes.sakura_api import SECRET, TOKEN

    os.environ["SAKURACLOUD_ACCESS_TOKEN"], os.environ["SAKURACLOUD_ACCESS_TOKEN_SECRET"] = TOKEN, SECRET
    queue: Any = multiprocessing.Queue()
    child = multiprocessing.Process(target=serve, args=(total, queue), daemon=True)
    child.start()
    endpoint = queue.get(timeout=60)
    try:
        from providers.sakura import SakuraProvider
        from scanner.catalog import load_catalog
        from scanner.engine import Scan
        from scanner.policy import load_policy

        catalog = load_catalog()
        provider = SakuraProvider()
        started = time.perf_counter()
        result = Scan(catalog, load_policy(None, catalog), [(provider, {"endpoint": endpoint, "account_name": "bench"})],
                      workers=16).run()
        wall = time.perf_counter() - started
        resources = sum(result.inventory.get("sakura", {}).values())
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"target_resources={total} resources={resources} findings={len(result.findings)} "
              f"collection_errors={len(result.collection_errors)} api_calls={provider.api_calls} "
              f"wall_seconds={wall:.2f} peak_rss_mb={rss:.0f}")
    finally:
        child.terminate()


if __name__ == "__main__":
    main()

"""Mapping cost of the google/azurerm/oci/sakuracloud mappers: the four example folders, read once by the
HCL reader, their resources repeated to N and mapped (no parsing, no evaluation).

Usage: python bench/iac_clouds_mappers.py [N]   (default 10000)
Prints resources/s and peak RSS; run from the repository root.
"""

from __future__ import annotations

import resource
import sys
import time
from dataclasses import replace
from pathlib import Path

from providers.terraform.config import load
from providers.terraform.mappers import map_resource, registry

ROOT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "iac" / "terraform"


def main(n: int) -> None:
    """Map N resources drawn round-robin from the four example folders."""
    registry()  # import the mapper modules outside the timing
    configs = [load(str(ROOT / cloud), cloud) for cloud in ("gcp", "azure", "oci", "sakura")]
    pool = [(tf, config) for config in configs for tf in config.resources]
    work = [(replace(tf, address=f"{tf.address}_{i}"), config) for i, (tf, config) in
            ((i, pool[i % len(pool)]) for i in range(n))]
    start = time.perf_counter()
    mapped = 0
    for tf, config in work:
        mapped += sum(1 for _ in map_resource(tf, config))
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{n} Terraform resources -> {mapped} normalized in {elapsed:.3f} s "
          f"({n / elapsed:,.0f} resources/s); peak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)

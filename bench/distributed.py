"""Benchmark: a 100-account organization scanned in one process versus 1, 2 and 4 Celery workers.

Uses the fake organization (tests/ops/orgfake.py) with an injected per-call latency, so collection is
I/O-bound as against a real cloud. Needs the local Redis and PostgreSQL (a scratch database is created
and dropped). Writes docs/benchmarks/ops.md.

    /work/venv/bin/python bench/distributed.py [--accounts 100] [--latency 0.05] [--threads 4]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
EXTRA = "fakeorg=tests.ops.orgfake:OrgProvider"


def env() -> dict[str, str]:
    return {**os.environ, "GOVSCAN_EXTRA_PROVIDERS": EXTRA, "PYTHONPATH": str(ROOT),
            "GOVSCAN_VISIBILITY_TIMEOUT": "600"}


def org_args(a: argparse.Namespace) -> list[str]:
    return ["fakeorg", "--accounts", str(a.accounts), "--regions", "ap-northeast-1,us-east-1", "--services", "s3,kms",
            "--per-unit", "3", "--latency", str(a.latency), "--workers", str(a.threads), "--fail-on", "none", "--quiet"]


def timed_child(cmd: list[str], out: Path) -> tuple[float, int, int]:
    """Run a child; wall seconds, exit code, peak RSS in KiB (from wait4)."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env(), stdout=subprocess.DEVNULL, stderr=(out / "stderr.txt").open("wb"))
    _, status, usage = os.wait4(proc.pid, 0)
    return time.monotonic() - start, os.waitstatus_to_exitcode(status), usage.ru_maxrss


def single(a: argparse.Namespace, tmp: Path, threads: int) -> dict[str, Any]:
    out = tmp / f"single-{threads}"
    out.mkdir()
    args = org_args(a)
    args[args.index("--workers") + 1] = str(threads)
    wall, code, rss = timed_child([sys.executable, "-m", "scanner.cli", "scan", *args, "--output-dir", str(out)], out)
    doc = json.loads((out / "govscan.json").read_text())
    assert code == 0 and doc["complete"], f"single-process scan failed ({code})"
    return {"mode": f"single process ({threads} unit threads)", "workers": 0, "seconds": wall,
            "findings": len(doc["findings"]), "peak_rss_mb": [round(rss / 1024, 1)]}


def distributed(a: argparse.Namespace, tmp: Path, n: int, store: str) -> dict[str, Any]:
    import redis

    queue = f"govscan-bench-{secrets.token_hex(4)}"
    out = tmp / f"dist-{n}"
    out.mkdir()
    logs = [(out / f"worker-{i}.log").open("wb") for i in range(n)]
    workers = [subprocess.Popen([sys.executable, "-m", "scanner.cli", "worker", "--queue", queue, "--loglevel", "INFO"],
                                cwd=ROOT, env=env(), stdout=log, stderr=subprocess.STDOUT) for log in logs]
    try:
        deadline = time.monotonic() + 60
        while not all(b"ready" in (out / f"worker-{i}.log").read_bytes() for i in range(n)):
            assert time.monotonic() < deadline, "workers did not start"
            time.sleep(0.2)
        wall, code, _ = timed_child([sys.executable, "-m", "scanner.cli", "scan", *org_args(a), "--distributed",
                                     "--store", store, "--queue", queue, "--output-dir", str(out)], out)
        doc = json.loads((out / "govscan.json").read_text())
        assert code == 0 and doc["complete"], f"distributed scan with {n} workers failed ({code})"
        from scanner.store import open_store

        s = open_store(store)
        runs = s.scope_runs(doc_scan_id(s))
        peaks: dict[str, int] = {}
        for r in runs:
            peaks[r["worker"]] = max(peaks.get(r["worker"], 0), r["peak_rss_kb"] or 0)
        s.close()
        return {"mode": f"{n} worker(s) ({a.threads} unit threads each)", "workers": n, "seconds": wall,
                "findings": len(doc["findings"]), "peak_rss_mb": sorted(round(v / 1024, 1) for v in peaks.values()),
                "scopes_per_worker": sorted(sum(1 for r in runs if r["worker"] == w) for w in peaks)}
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            w.wait(timeout=30)
        client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
        for key in client.scan_iter(f"*{queue}*"):
            client.delete(key)


def doc_scan_id(store: Any) -> str:
    return store.scan_ids()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--threads", type=int, default=4, help="unit threads per process (govscan --workers)")
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks" / "ops.md"))
    a = parser.parse_args()
    from sqlalchemy import create_engine, text

    name = f"govscan_bench_{secrets.token_hex(4)}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    tmp = Path(f"/tmp/govscan-bench-{secrets.token_hex(4)}")
    tmp.mkdir()
    rows = []
    try:
        rows.append(single(a, tmp, a.threads))
        rows.append(single(a, tmp, 16))
        for n in (int(x) for x in a.workers.split(",")):
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            rows.append(distributed(a, tmp, n, f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"))
            print(rows[-1], flush=True)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    write(a, rows)


def write(a: argparse.Namespace, rows: list[dict[str, Any]]) -> None:
    units = a.accounts * 4
    lines = [
        "# Benchmark: distributed scans (ops)", "",
        f"`bench/distributed.py --accounts {a.accounts} --latency {a.latency} --threads {a.threads}` on "
        f"{platform.node()} ({os.cpu_count()} cores shared with other jobs), Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.", "",
        f"Fake organization: {a.accounts} accounts x 2 services x 2 regions = {units} work units, 3 resources per unit, "
        f"4 API calls per unit at {a.latency * 1000:.0f} ms each (injected latency). Workers: `govscan worker` (solo pool, "
        "one scope at a time), Redis broker, PostgreSQL store on the same machine. Wall time includes planning, "
        "queueing and writing the reports from the store.", "",
        "| mode | wall s | accounts/min | findings | peak RSS per process (MB) |", "|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r['mode']} | {r['seconds']:.1f} | {a.accounts / r['seconds'] * 60:.0f} | {r['findings']} | "
                     f"{', '.join(str(x) for x in r['peak_rss_mb'])} |")
    lines += ["", "Scopes per worker: " + "; ".join(
        f"{r['workers']} worker(s): {r['scopes_per_worker']}" for r in rows if r["workers"]), ""]
    Path(a.output).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

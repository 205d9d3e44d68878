"""The store: scans, their scope runs, findings with first and last seen, and remediation plans.

SQLite file by default, PostgreSQL by URL (`postgresql+psycopg://user@host/db`). Writes are one
transaction per scope, so an interrupted scan keeps every finished scope and can be resumed.
Imported only when a store is used (`--store`, `history`, `diff`, `plan`, `status`, `--distributed`).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, and_, case, create_engine, delete, event, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from scanner.errors import UsageError
from scanner.model import CollectionError, Finding, ScanResult, Status, utcnow
from scanner.spool import finding_from_dict, finding_to_dict
from scanner.store.tables import collection_errors, finding_state, findings, metadata, plans, scans, scope_runs

DEFAULT_URL = "sqlite:///govscan.db"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_MIGRATION_LOCK = 7_411_020  # an arbitrary PostgreSQL advisory lock key: one migrator at a time

__all__ = ["DEFAULT_URL", "Store", "metadata", "normalize_url", "open_store"]


def normalize_url(url: str | None) -> str:
    """A database URL; a bare path means a SQLite file."""
    if not url:
        return DEFAULT_URL
    if "://" not in url:
        return f"sqlite:///{url}"
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def migrate(engine: Engine) -> None:
    """Upgrade the database to the newest schema (Alembic `head`)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # several workers may open an empty database at once: serialize the migration
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def open_store(url: str | None = None) -> Store:
    """Connect to the store at `url` and bring its schema up to date."""
    url = normalize_url(url)
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 60})
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_pre_ping=True)
        migrate(engine)
    except Exception as exc:  # a wrong URL or an unreachable database is a usage error, not a traceback
        if isinstance(exc, UsageError):
            raise
        raise UsageError(f"cannot open the store {_safe(url)}: {type(exc).__name__}: {exc}".splitlines()[0]) from None
    return Store(engine)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.close()


def _safe(url: str) -> str:
    """The URL without a password."""
    head, sep, tail = url.partition("://")
    if "@" in tail:
        cred, _, host = tail.rpartition("@")
        return f"{head}{sep}{cred.split(':')[0]}:***@{host}"
    return url


class Store:
    """Reads and writes of scans, scope runs, findings, finding state and plans."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        # SQLite allows one writer: serialize this process's writes instead of failing on a busy database
        self._write = threading.Lock()

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    # ------------------------------------------------------------------ scans

    def create_scan(self, scan_id: str, started_at: str, targets: Sequence[str], policy: Mapping[str, Any],
                    version: str, distributed: bool = False) -> bool:
        """Record a new scan; False when `scan_id` already exists (a resume)."""
        with self._write, self.engine.begin() as conn:
            if conn.execute(select(scans.c.id).where(scans.c.id == scan_id)).first():
                return False
            conn.execute(insert(scans).values(
                id=scan_id, started_at=started_at, finished_at=None, complete=False, distributed=distributed,
                targets=list(targets), policy=dict(policy), tool_version=version, api_calls={}, budgets={},
                incomplete_reasons=[],
            ))
            return True

    def scan(self, scan_id: str) -> dict[str, Any] | None:
        """One scan's row, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(scans).where(scans.c.id == scan_id)).mappings().first()
            return dict(row) if row else None

    def finish_scan(self, scan_id: str, finished_at: str, complete: bool, api_calls: Mapping[str, int],
                    budgets: Mapping[str, Any], incomplete_reasons: Sequence[str]) -> None:
        """Record how a scan ended."""
        with self._write, self.engine.begin() as conn:
            conn.execute(update(scans).where(scans.c.id == scan_id).values(
                finished_at=finished_at, complete=complete, api_calls=dict(api_calls), budgets=dict(budgets),
                incomplete_reasons=list(incomplete_reasons)))

    def reopen_scan(self, scan_id: str) -> None:
        """Before a resume: the scan is running again and its failed scope runs are pending again."""
        with self._write, self.engine.begin() as conn:
            conn.execute(update(scans).where(scans.c.id == scan_id).values(finished_at=None, complete=False,
                                                                           incomplete_reasons=[]))
            conn.execute(update(scope_runs).where(and_(scope_runs.c.scan_id == scan_id,
                                                       scope_runs.c.status == "failed")).values(status="pending"))

    def set_budgets(self, scan_id: str, budgets: Mapping[str, Any]) -> None:
        """Record the rate budgets of a scan."""
        with self._write, self.engine.begin() as conn:
            conn.execute(update(scans).where(scans.c.id == scan_id).values(budgets=dict(budgets)))

    def scans(self, limit: int = 50) -> list[dict[str, Any]]:
        """Recent scans, newest first, with finding counts by status."""
        with self.engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(
                select(scans).order_by(scans.c.started_at.desc(), scans.c.id.desc()).limit(limit)).mappings()]
            ids = [r["id"] for r in rows]
            counts: dict[str, dict[str, int]] = {i: {s.value: 0 for s in Status} for i in ids}
            if ids:
                q = (select(findings.c.scan_id, findings.c.status, func.count())
                     .where(findings.c.scan_id.in_(ids)).group_by(findings.c.scan_id, findings.c.status))
                for scan_id, status, n in conn.execute(q):
                    counts[scan_id][status] = n
        for r in rows:
            r["counts"] = counts[r["id"]]
        return rows

    def scan_ids(self) -> list[str]:
        """Every scan id, oldest first."""
        with self.engine.connect() as conn:
            return list(conn.execute(select(scans.c.id).order_by(scans.c.started_at, scans.c.id)).scalars())

    # ------------------------------------------------------------------ scope runs

    def plan_scopes(self, scan_id: str, planned: Mapping[str, Sequence[str]]) -> None:
        """Record the scope runs a scan will do (pending), keeping those already recorded."""
        with self._write, self.engine.begin() as conn:
            known = set(conn.execute(select(scope_runs.c.scope_key).where(scope_runs.c.scan_id == scan_id)).scalars())
            rows = [_scope_row(scan_id, key, list(labels)) for key, labels in planned.items() if key not in known]
            if rows:
                conn.execute(insert(scope_runs), rows)

    def scope_status(self, scan_id: str, key: str) -> str | None:
        """`pending`, `done`, `failed`, or None when the scope run is not recorded."""
        with self.engine.connect() as conn:
            return conn.execute(select(scope_runs.c.status).where(
                and_(scope_runs.c.scan_id == scan_id, scope_runs.c.scope_key == key))).scalar()

    def finished_units(self, scan_id: str) -> set[str]:
        """Units of the scope runs that finished without collection errors: what --resume skips."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(scope_runs.c.units).where(
                and_(scope_runs.c.scan_id == scan_id, scope_runs.c.status == "done")))
            return {label for (labels,) in rows for label in labels}

    def scope_runs(self, scan_id: str) -> list[dict[str, Any]]:
        """Every scope run of a scan."""
        with self.engine.connect() as conn:
            q = select(scope_runs).where(scope_runs.c.scan_id == scan_id).order_by(scope_runs.c.scope_key)
            return [dict(r) for r in conn.execute(q).mappings()]

    def commit_scope(self, scan_id: str, key: str, units: Sequence[str], found: Iterable[Finding],
                     errors: Sequence[CollectionError], *, seen_at: str, api_calls: int = 0,
                     inventory: Mapping[str, Any] | None = None, worker: str = "", peak_rss_kb: int | None = None,
                     once: bool = False) -> bool:
        """Write one scope's findings and errors in one transaction, replacing an earlier attempt.

        With `once`, a scope run already done is left alone and False is returned: a redelivered task
        does not duplicate anything.
        """
        by_fp: dict[tuple[str, str], Finding] = {}
        for f in found:
            by_fp[(f.check_id, f.fingerprint)] = f
        rows = [_finding_row(scan_id, key, f) for f in by_fp.values()]
        status = "failed" if errors else "done"
        try:
            with self._write, self.engine.begin() as conn:
                q = select(scope_runs.c.status, scope_runs.c.attempts).where(
                    and_(scope_runs.c.scan_id == scan_id, scope_runs.c.scope_key == key))
                if self.dialect == "postgresql":
                    q = q.with_for_update()
                current = conn.execute(q).first()
                if current is not None and once and current.status in ("done", "failed"):
                    return False
                conn.execute(delete(findings).where(and_(findings.c.scan_id == scan_id, findings.c.scope_key == key)))
                conn.execute(delete(collection_errors).where(
                    and_(collection_errors.c.scan_id == scan_id, collection_errors.c.scope_key == key)))
                if rows:
                    conn.execute(insert(findings), rows)
                if errors:
                    conn.execute(insert(collection_errors),
                                 [{"scan_id": scan_id, "scope_key": key, "data": e.as_dict()} for e in errors])
                values = {"status": status, "units": list(units), "finished_at": utcnow(), "findings": len(rows),
                          "errors": len(errors), "api_calls": api_calls, "worker": worker,
                          "inventory": dict(inventory or {}), "peak_rss_kb": peak_rss_kb}
                if current is None:
                    conn.execute(insert(scope_runs).values(scan_id=scan_id, scope_key=key, attempts=1, **values))
                else:
                    conn.execute(update(scope_runs).where(
                        and_(scope_runs.c.scan_id == scan_id, scope_runs.c.scope_key == key)).values(
                        attempts=current.attempts + 1, **values))
                self._update_state(conn, scan_id, seen_at, by_fp.values())
        except IntegrityError:
            # another writer recorded this scope run first (same scan and scope): nothing to add
            return False
        return True

    def _update_state(self, conn: Any, scan_id: str, seen_at: str, found: Iterable[Finding]) -> None:
        latest: dict[str, Finding] = {}
        for f in found:
            latest[f.fingerprint] = f
        if not latest:
            return
        rows = []
        for fp in sorted(latest):  # one lock order for every writer: no deadlock between scopes
            f = latest[fp]
            failed = seen_at if f.status is Status.FAIL else None
            rows.append({"fingerprint": fp, "check_id": f.check_id, "provider": f.provider, "scope": f.scope,
                         "resource_id": f.resource_id, "first_seen": seen_at, "last_seen": seen_at,
                         "last_status": f.status.value, "last_scan_id": scan_id, "first_failed": failed,
                         "last_failed": failed})
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as upsert

            greatest: Any = func.greatest
            least: Any = func.least
        else:
            from sqlalchemy.dialects.sqlite import insert as upsert  # type: ignore[assignment]

            greatest, least = func.max, func.min  # SQLite's two-argument max/min are scalar
        stmt = upsert(finding_state).values(rows)
        ex, cur = stmt.excluded, finding_state.c
        newer = ex.last_seen >= cur.last_seen
        stmt = stmt.on_conflict_do_update(index_elements=["fingerprint"], set_={
            "first_seen": least(cur.first_seen, ex.first_seen),
            "last_seen": greatest(cur.last_seen, ex.last_seen),
            "last_status": case((newer, ex.last_status), else_=cur.last_status),
            "last_scan_id": case((newer, ex.last_scan_id), else_=cur.last_scan_id),
            "first_failed": func.coalesce(cur.first_failed, ex.first_failed),
            "last_failed": func.coalesce(ex.last_failed, cur.last_failed),
        })
        conn.execute(stmt)

    # ------------------------------------------------------------------ reading results

    def findings(self, scan_id: str) -> list[Finding]:
        """Every finding of a scan, rebuilt from its stored record."""
        with self.engine.connect() as conn:
            q = select(findings.c.data).where(findings.c.scan_id == scan_id).order_by(findings.c.id)
            return [finding_from_dict(d) for d in conn.execute(q).scalars()]

    def finding_rows(self, scan_id: str) -> dict[str, dict[str, Any]]:
        """Light rows of a scan's findings keyed by `check_id/fingerprint`, for diffs."""
        cols = (findings.c.fingerprint, findings.c.check_id, findings.c.status, findings.c.severity,
                findings.c.provider, findings.c.scope, findings.c.location, findings.c.resource_id,
                findings.c.resource_name, findings.c.message_ja, findings.c.message_en)
        with self.engine.connect() as conn:
            rows = conn.execute(select(*cols).where(findings.c.scan_id == scan_id)).mappings()
            return {r["fingerprint"]: dict(r) for r in rows}

    def errors(self, scan_id: str) -> list[CollectionError]:
        """Every collection error of a scan."""
        with self.engine.connect() as conn:
            q = select(collection_errors.c.data).where(collection_errors.c.scan_id == scan_id).order_by(
                collection_errors.c.id)
            return [CollectionError(**{**d, "kinds": tuple(d.get("kinds", ()))}) for d in conn.execute(q).scalars()]

    def scanned_scopes(self, scan_id: str) -> set[tuple[str, str]]:
        """(provider, scope) pairs a scan looked at (from its findings and errors)."""
        with self.engine.connect() as conn:
            q = select(findings.c.provider, findings.c.scope).where(findings.c.scan_id == scan_id).distinct()
            pairs: set[tuple[str, str]] = {(p, s) for p, s in conn.execute(q)}
            for d in conn.execute(select(collection_errors.c.data).where(collection_errors.c.scan_id == scan_id)).scalars():
                pairs.add((d["provider"], d["scope"]))
            return pairs

    def result(self, scan_id: str) -> ScanResult:
        """A scan as a `ScanResult`, for the report writers."""
        row = self.scan(scan_id)
        if row is None:
            raise UsageError(f"no scan {scan_id} in the store")
        inventory: dict[str, dict[str, int]] = {}
        for run in self.scope_runs(scan_id):
            for provider, kinds in (run["inventory"] or {}).items():
                into = inventory.setdefault(provider, {})
                for kind, n in kinds.items():
                    into[kind] = into.get(kind, 0) + n
        return ScanResult(
            version=row["tool_version"], scan_id=scan_id, started_at=row["started_at"],
            finished_at=row["finished_at"] or "", complete=bool(row["complete"]), policy=row["policy"],
            targets=list(row["targets"]), inventory=inventory, collection_errors=self.errors(scan_id),
            findings=self.findings(scan_id), api_calls=dict(row["api_calls"] or {}),
            incomplete_reasons=list(row["incomplete_reasons"] or []), budgets=dict(row["budgets"] or {}),
        )

    def progress(self, scan_id: str) -> dict[str, Any]:
        """Scope runs by status, findings and API calls so far."""
        row = self.scan(scan_id)
        if row is None:
            raise UsageError(f"no scan {scan_id} in the store")
        runs = self.scope_runs(scan_id)
        by_status: dict[str, int] = {}
        for r in runs:
            by_status[r["status"]] = by_status.get(r["status"], 0) + 1
        finished = by_status.get("done", 0) + by_status.get("failed", 0)
        return {
            "scan_id": scan_id, "started_at": row["started_at"], "finished_at": row["finished_at"],
            "complete": bool(row["complete"]), "distributed": bool(row["distributed"]),
            "scopes": len(runs), "scopes_finished": finished, "scopes_by_status": by_status,
            "findings": sum(r["findings"] for r in runs), "collection_errors": sum(r["errors"] for r in runs),
            "api_calls": sum(r["api_calls"] for r in runs) or sum((row["api_calls"] or {}).values()),
            "workers": sorted({r["worker"] for r in runs if r["worker"]}),
            "percent": round(100.0 * finished / len(runs), 1) if runs else 0.0,
        }

    # ------------------------------------------------------------------ finding state and plans

    def states(self, fingerprints: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
        """First/last seen and last status per fingerprint."""
        q = select(finding_state)
        if fingerprints is not None:
            q = q.where(finding_state.c.fingerprint.in_(list(fingerprints)))
        with self.engine.connect() as conn:
            return {r["fingerprint"]: dict(r) for r in conn.execute(q).mappings()}

    def failed_before(self, scan_id: str) -> list[dict[str, Any]]:
        """Finding states that failed in some scan before `scan_id` started."""
        row = self.scan(scan_id)
        if row is None:
            raise UsageError(f"no scan {scan_id} in the store")
        q = select(finding_state).where(finding_state.c.first_failed < row["started_at"])
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(q.order_by(finding_state.c.fingerprint)).mappings()]

    def last_failure(self, fingerprints: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The most recent failing finding row for each fingerprint (title, message, severity)."""
        out: dict[str, dict[str, Any]] = {}
        if not fingerprints:
            return out
        q = (select(findings.c.fingerprint, findings.c.data, scans.c.started_at)
             .join(scans, scans.c.id == findings.c.scan_id)
             .where(and_(findings.c.fingerprint.in_(list(fingerprints)), findings.c.status == Status.FAIL.value))
             .order_by(scans.c.started_at))
        with self.engine.connect() as conn:
            for fp, data, _ in conn.execute(q):
                out[fp] = data
        return out

    def set_plan(self, fingerprint: str, owner: str | None = None, due: dt.date | None = None,
                 status: str | None = None, note: str | None = None) -> dict[str, Any]:
        """Create or update the remediation plan of one finding; fields left None keep their value."""
        return self.set_plans([{"fingerprint": fingerprint, "owner": owner, "due": due, "status": status,
                                "note": note}])[0]

    def set_plans(self, items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Create or update several plans in one transaction."""
        out = []
        with self._write, self.engine.begin() as conn:
            for item in items:
                fp = item["fingerprint"]
                old = conn.execute(select(plans).where(plans.c.fingerprint == fp)).mappings().first()
                merged = {"owner": "", "due": None, "status": "open", "note": ""} | (dict(old) if old else {})
                merged |= {k: v for k, v in item.items() if v is not None and k != "fingerprint"}
                merged["fingerprint"] = fp
                merged["updated_at"] = utcnow()
                if old:
                    conn.execute(update(plans).where(plans.c.fingerprint == fp).values(**merged))
                else:
                    conn.execute(insert(plans).values(**merged))
                out.append(merged)
        return out

    def plans(self) -> dict[str, dict[str, Any]]:
        """Every remediation plan by fingerprint."""
        with self.engine.connect() as conn:
            return {r["fingerprint"]: dict(r) for r in conn.execute(select(plans).order_by(plans.c.fingerprint)).mappings()}

    def known_fingerprints(self, fingerprints: Iterable[str]) -> set[str]:
        """Those of `fingerprints` that some scan has seen."""
        wanted = list(fingerprints)
        if not wanted:
            return set()
        with self.engine.connect() as conn:
            q = select(finding_state.c.fingerprint).where(finding_state.c.fingerprint.in_(wanted))
            return set(conn.execute(q).scalars())


def _scope_row(scan_id: str, key: str, labels: list[str]) -> dict[str, Any]:
    return {"scan_id": scan_id, "scope_key": key, "status": "pending", "units": labels, "finished_at": None,
            "findings": 0, "errors": 0, "api_calls": 0, "worker": None, "attempts": 0, "inventory": {},
            "peak_rss_kb": None}


def _finding_row(scan_id: str, key: str, f: Finding) -> dict[str, Any]:
    return {
        "scan_id": scan_id, "scope_key": key, "fingerprint": f.fingerprint, "check_id": f.check_id,
        "status": f.status.value, "severity": f.severity.value, "category": f.category, "provider": f.provider,
        "scope": f.scope, "location": f.location[:128], "resource_id": f.resource_id,
        "resource_name": f.resource_name, "resource_kind": f.resource_kind, "message_ja": f.message.ja,
        "message_en": f.message.en, "data": finding_to_dict(f),
    }

"""Records a running scan into the store: findings are buffered per scope and committed together when
the scope's last unit finishes, so a killed scan keeps every finished scope and nothing half-done."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from scanner.model import CollectionError, Finding
from scanner.plugins import WorkUnit
from scanner.store import Store

SCAN_LEVEL = "(scan)"


def scope_key(unit: WorkUnit) -> str:
    """The scope run a unit belongs to: `provider/scope`."""
    return f"{unit.provider}/{unit.scope}"


class ScopeRecorder:
    """Engine callbacks (progress, sink, on_error, on_unit) that write one transaction per finished scope."""

    def __init__(self, store: Store, scan_id: str, seen_at: str, skip: frozenset[str] = frozenset(),
                 key_of: Callable[[WorkUnit], str] = scope_key) -> None:
        self.store, self.scan_id, self.seen_at, self.skip, self.key_of = store, scan_id, seen_at, skip, key_of
        self._lock = threading.Lock()
        self._local = threading.local()
        self._pending: dict[str, set[str]] = {}
        self._units: dict[str, list[str]] = {}
        self._findings: dict[str, list[Finding]] = {}
        self._errors: dict[str, list[CollectionError]] = {}
        self._inventory: dict[str, dict[str, dict[str, int]]] = {}
        self.committed = 0

    def planned(self, units: list[WorkUnit]) -> None:
        """Plan hook: learn which units make up each scope (minus those a resume skips)."""
        todo: dict[str, list[str]] = {}
        for unit in units:
            if unit.label not in self.skip:
                todo.setdefault(self.key_of(unit), []).append(unit.label)
        with self._lock:
            for key, labels in todo.items():
                self._pending.setdefault(key, set()).update(labels)
                self._units.setdefault(key, []).extend(labels)
        self.store.plan_scopes(self.scan_id, todo)

    def progress(self, event: str, unit: WorkUnit, seen: int) -> None:
        """Remember, per thread, the unit whose findings are coming."""
        self._local.key = self.key_of(unit) if event == "start" else None

    def _key(self) -> str:
        return getattr(self._local, "key", None) or SCAN_LEVEL

    def finding(self, f: Finding) -> None:
        """Sink: buffer a finding for its scope."""
        key = self._key()
        with self._lock:
            self._findings.setdefault(key, []).append(f)

    def resource(self, unit: WorkUnit, item: Any) -> None:
        """Resource hook: count one collected resource for its scope's inventory."""
        if isinstance(item, CollectionError):
            return
        with self._lock:
            by_kind = self._inventory.setdefault(self.key_of(unit), {}).setdefault(item.provider, {})
            by_kind[item.kind] = by_kind.get(item.kind, 0) + 1

    def error(self, e: CollectionError) -> None:
        """on_error: buffer a collection error for its scope."""
        key = self._key()
        with self._lock:
            self._errors.setdefault(key, []).append(e)

    def unit_done(self, label: str) -> None:
        """on_unit: when a scope's last unit is done, commit the scope in one transaction."""
        key = self._key()
        with self._lock:
            pending = self._pending.get(key)
            if pending is None:
                return
            pending.discard(label)
            if pending:
                return
            del self._pending[key]
        self._commit(key)

    def _commit(self, key: str) -> None:
        with self._lock:
            found = self._findings.pop(key, [])
            errors = self._errors.pop(key, [])
            inventory = self._inventory.pop(key, {})
            units = self._units.pop(key, [])
        inventory = {p: k for p, k in inventory.items() if k}
        self.store.commit_scope(self.scan_id, key, units, found, errors, seen_at=self.seen_at, inventory=inventory)
        self.committed += 1

    def flush(self) -> None:
        """At the end: commit scan-level errors (a failed plan); unfinished scopes stay uncommitted."""
        with self._lock:
            leftover = bool(self._findings.get(SCAN_LEVEL) or self._errors.get(SCAN_LEVEL))
        if leftover:
            self._units.setdefault(SCAN_LEVEL, [])
            self._commit(SCAN_LEVEL)

    def stats(self) -> dict[str, Any]:
        """Scopes committed and still pending."""
        with self._lock:
            return {"committed": self.committed, "pending": len(self._pending)}

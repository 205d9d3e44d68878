"""Rate budgets: how many work units may run at once per scope (account) and per service within a scope,
and the API calls each provider made. Wraps a provider; the engine does not know about it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from scanner.model import CollectionError, Resource
from scanner.plugins import Provider, WorkUnit

PlanHook = Callable[[list[WorkUnit]], None]
ItemHook = Callable[[WorkUnit, "Resource | CollectionError"], None]


@dataclass
class Budget:
    """Concurrency limits shared by every provider of a scan (0 = no limit), with the peaks seen."""

    per_scope: int = 0
    per_service: int = 0
    peak_scope: int = 0
    peak_service: int = 0
    _sems: dict[tuple[str, ...], threading.BoundedSemaphore] = field(default_factory=dict)
    _flight: dict[tuple[str, ...], int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wrap(self, provider: Provider, on_plan: PlanHook | None = None, on_item: ItemHook | None = None) -> BudgetedProvider:
        """`provider` with this budget applied to its units (and optional plan and item hooks)."""
        return BudgetedProvider(provider, self, on_plan, on_item)

    def _sem(self, key: tuple[str, ...], limit: int) -> threading.BoundedSemaphore | None:
        if limit <= 0:
            return None
        with self._lock:
            sem = self._sems.get(key)
            if sem is None:
                sem = self._sems[key] = threading.BoundedSemaphore(limit)
            return sem

    def _track(self, key: tuple[str, ...], delta: int) -> int:
        with self._lock:
            self._flight[key] = self._flight.get(key, 0) + delta
            return self._flight[key]

    def enter(self, unit: WorkUnit) -> list[threading.BoundedSemaphore]:
        """Wait for room for `unit`: always the scope first, then the service, so no two units deadlock."""
        held = []
        for key, limit in (((unit.provider, unit.scope), self.per_scope),
                           ((unit.provider, unit.scope, unit.service), self.per_service)):
            sem = self._sem(key, limit)
            if sem is not None:
                sem.acquire()
                held.append(sem)
        scope_now = self._track((unit.provider, unit.scope), 1)
        service_now = self._track((unit.provider, unit.scope, unit.service), 1)
        with self._lock:
            self.peak_scope = max(self.peak_scope, scope_now)
            self.peak_service = max(self.peak_service, service_now)
        return held

    def leave(self, unit: WorkUnit, held: list[threading.BoundedSemaphore]) -> None:
        """Give back the room `enter` took."""
        self._track((unit.provider, unit.scope), -1)
        self._track((unit.provider, unit.scope, unit.service), -1)
        for sem in reversed(held):
            sem.release()

    def summary(self) -> dict[str, Any]:
        """Limits and the peak concurrency observed, for the console and the store."""
        return {"per_scope": self.per_scope, "per_service": self.per_service,
                "peak_scope": self.peak_scope, "peak_service": self.peak_service}


class BudgetedProvider:
    """A provider whose units wait for the budget; `api_calls` and everything else come from the wrapped one."""

    def __init__(self, inner: Provider, budget: Budget, on_plan: PlanHook | None = None,
                 on_item: ItemHook | None = None) -> None:
        self.inner = inner
        self.budget = budget
        self.on_plan = on_plan
        self.on_item = on_item
        self.name = inner.name
        self.kinds = inner.kinds

    @property
    def api_calls(self) -> int:
        """The wrapped provider's API call counter."""
        calls = getattr(self.inner, "api_calls", 0)
        return calls if isinstance(calls, int) else 0

    def plan(self, target: Mapping[str, Any]) -> Iterable[WorkUnit]:
        """The wrapped plan, reported to the plan hook (the store uses it to know when a scope is finished)."""
        units = list(self.inner.plan(target))
        if self.on_plan is not None:
            self.on_plan(units)
        return units

    def collect(self, unit: WorkUnit) -> Iterator[Resource | CollectionError]:
        """The wrapped collection, inside the budget."""
        held = self.budget.enter(unit)
        try:
            for item in self.inner.collect(unit):
                if self.on_item is not None:
                    self.on_item(unit, item)
                yield item
        finally:
            self.budget.leave(unit, held)

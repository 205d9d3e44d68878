"""The condition language: a rule states the compliant state, evaluated in three-valued logic.

A rule is a leaf `{fact: PATH, OP: VALUE}` or a node `{all: [...]}` / `{any: [...]}`.
Operators (one table, no aliases): eq ne in not_in lt le gt ge matches contains within each_within.
A leaf on an `Unknown` fact is UNKNOWN; a type mismatch is ERROR; nothing is ever False by default.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from scanner.model import Status, Unknown

OPERATORS = ("eq", "ne", "in", "not_in", "lt", "le", "gt", "ge", "matches", "contains", "within", "each_within")


class ConditionError(ValueError):
    """A rule that is not well formed."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """The result of evaluating a rule: a status, the facts read, and why."""

    status: Status
    evidence: Mapping[str, Any] = field(default_factory=dict)
    reason: str = ""


def all_of(*parts: bool | Unknown) -> bool | Unknown:
    """Kleene AND: False if any part is False, else Unknown if any is Unknown, else True."""
    unknown: Unknown | None = None
    for part in parts:
        if isinstance(part, Unknown):
            unknown = part if unknown is None else unknown
        elif part is False:
            return False
    return unknown if unknown is not None else True


def any_of(*parts: bool | Unknown) -> bool | Unknown:
    """Kleene OR: True if any part is True, else Unknown if any is Unknown, else False."""
    unknown: Unknown | None = None
    for part in parts:
        if isinstance(part, Unknown):
            unknown = part if unknown is None else unknown
        elif part is True:
            return True
    return unknown if unknown is not None else False


def combine_all(verdicts: Iterable[Verdict]) -> Verdict:
    """FAIL if any part fails, else ERROR, else UNKNOWN, else PASS; evidence merged."""
    return _combine(list(verdicts), (Status.FAIL, Status.ERROR, Status.UNKNOWN), Status.PASS)


def combine_any(verdicts: Iterable[Verdict]) -> Verdict:
    """PASS if any part passes, else ERROR, else UNKNOWN, else FAIL; evidence merged."""
    return _combine(list(verdicts), (Status.PASS, Status.ERROR, Status.UNKNOWN), Status.FAIL)


def _combine(parts: list[Verdict], order: tuple[Status, ...], otherwise: Status) -> Verdict:
    evidence: dict[str, Any] = {}
    for part in parts:
        evidence.update(part.evidence)
    for status in order:
        hits = [p for p in parts if p.status is status]
        if hits:
            return Verdict(status, evidence, "; ".join(p.reason for p in hits if p.reason))
    # every part agreed on the fallback (e.g. all parts of an `any` failed): say why each did
    return Verdict(otherwise, evidence, " / ".join(p.reason for p in parts if p.reason))


def validate(rule: Any, known_fact: Callable[[str], bool] | None = None, where: str = "require") -> list[str]:
    """Problems with a rule's shape (and unknown facts, when `known_fact` is given)."""
    problems: list[str] = []
    if not isinstance(rule, Mapping):
        return [f"{where}: a rule must be a mapping"]
    if "all" in rule or "any" in rule:
        key = "all" if "all" in rule else "any"
        if set(rule) != {key}:
            problems.append(f"{where}: '{key}' must stand alone")
        parts = rule[key]
        if not isinstance(parts, list) or not parts:
            return [*problems, f"{where}.{key}: must be a non-empty list"]
        for i, part in enumerate(parts):
            problems += validate(part, known_fact, f"{where}.{key}[{i}]")
        return problems
    if "fact" not in rule:
        return [f"{where}: a leaf needs 'fact'"]
    ops = [k for k in rule if k != "fact"]
    if len(ops) != 1 or ops[0] not in OPERATORS:
        return [f"{where}: a leaf needs exactly one operator of {', '.join(OPERATORS)}; got {ops}"]
    if not isinstance(rule["fact"], str):
        return [f"{where}: 'fact' must be a string"]
    if known_fact is not None and not known_fact(rule["fact"]):
        problems.append(f"{where}: fact {rule['fact']!r} is not in the kinds table for the check's kinds")
    if ops[0] == "matches" and isinstance(rule["matches"], str):
        try:
            re.compile(rule["matches"])
        except re.error as exc:
            problems.append(f"{where}: bad regular expression: {exc}")
    return problems


def evaluate(rule: Mapping[str, Any], fact: Callable[[str], Any], resolve: Callable[[Any], Any]) -> Verdict:
    """Evaluate `rule` against facts; `resolve` turns `$param.x` / `$policy.x` values into data."""
    if "all" in rule:
        return combine_all(evaluate(r, fact, resolve) for r in rule["all"])
    if "any" in rule:
        return combine_any(evaluate(r, fact, resolve) for r in rule["any"])
    path = rule["fact"]
    op = next(k for k in rule if k != "fact")
    actual = fact(path)
    evidence = {path: actual}
    if isinstance(actual, Unknown):
        return Verdict(Status.UNKNOWN, evidence, f"{path}: {actual.reason}")
    expected = resolve(rule[op])
    if isinstance(expected, Unknown):
        return Verdict(Status.UNKNOWN, evidence, f"{path}: {expected.reason}")
    try:
        outcome = _OPS[op](actual, expected)
    except (TypeError, ValueError, re.error) as exc:
        return Verdict(Status.ERROR, evidence, f"{path} {op} {expected!r}: {exc}")
    if isinstance(outcome, Unknown):
        return Verdict(Status.UNKNOWN, evidence, f"{path}: {outcome.reason}")
    if outcome:
        return Verdict(Status.PASS, evidence)
    return Verdict(Status.FAIL, evidence, f"{path} = {_show(actual)}; required {op} {_show(expected)}")


def _show(value: Any) -> str:
    if isinstance(value, list | tuple | set | frozenset):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return str(value)


def _typed(actual: Any, expected: Any) -> None:
    number = (int, float)
    if isinstance(actual, bool) != isinstance(expected, bool):
        raise TypeError(f"cannot compare {type(actual).__name__} with {type(expected).__name__}")
    if isinstance(actual, number) != isinstance(expected, number):
        raise TypeError(f"cannot compare {type(actual).__name__} with {type(expected).__name__}")


def _eq(actual: Any, expected: Any) -> bool:
    _typed(actual, expected)
    return bool(actual == expected)


def _order(cmp: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def run(actual: Any, expected: Any) -> bool:
        if isinstance(actual, bool) or not isinstance(actual, int | float):
            raise TypeError(f"{actual!r} is not a number")
        return cmp(actual, expected)

    return run


def _as_set(values: Any) -> list[Any]:
    if not isinstance(values, list | tuple | set | frozenset):
        raise TypeError(f"{values!r} is not a list")
    return list(values)


def location_allowed(location: str, allowed: Iterable[str]) -> bool:
    """True when `location` is an allowed location or a zone of one (`asia-northeast1-a`), case-insensitively."""
    loc = location.strip().lower().replace(" ", "")
    for item in allowed:
        ok = str(item).strip().lower().replace(" ", "")
        if loc == ok or loc.startswith(ok + "-"):
            return True
    return False


def _within(actual: Any, expected: Any) -> bool:
    if not isinstance(actual, str):
        raise TypeError(f"{actual!r} is not a location")
    return location_allowed(actual, _as_set(expected))


def _each_within(actual: Any, expected: Any) -> bool | Unknown:
    allowed = _as_set(expected)
    verdicts = [v if isinstance(v, Unknown) else _within(v, allowed) for v in _as_set(actual)]
    return all_of(*verdicts)


def _contains(actual: Any, expected: Any) -> bool:
    if isinstance(actual, str):
        return str(expected) in actual
    return expected in _as_set(actual)


_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "eq": _eq,
    "ne": lambda a, e: not _eq(a, e),
    "in": lambda a, e: a in _as_set(e),
    "not_in": lambda a, e: a not in _as_set(e),
    "lt": _order(lambda a, e: a < e),
    "le": _order(lambda a, e: a <= e),
    "gt": _order(lambda a, e: a > e),
    "ge": _order(lambda a, e: a >= e),
    "matches": lambda a, e: re.search(e, str(a)) is not None,
    "contains": _contains,
    "within": _within,
    "each_within": _each_within,
}

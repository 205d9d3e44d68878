"""Policy: what is allowed and required. The built-in baseline follows 統一基準; an organization
policy extends it and may only tighten it (「統一基準」と同等以上)."""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from scanner import yamlfile
from scanner.catalog import Catalog
from scanner.errors import PolicyError
from scanner.model import Resource, Severity


class _ExceptionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    check: str
    resource: str = "*"
    scope: str = "*"
    reason: str = Field(min_length=1)
    approver: str = Field(min_length=1)
    expires: dt.date
    locations: list[str] = []

    @field_validator("expires", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return value.date()
        return value


class _ChecksSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    disable: list[str] = []
    severity: dict[str, Severity] = {}


class _PolicyFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int = 1
    name: str = ""
    allowed_locations: dict[str, list[str]] = {}
    review_locations: list[str] | None = None
    required_tags: list[str] = []
    checks: _ChecksSpec = _ChecksSpec()
    params: dict[str, dict[str, Any]] = {}
    exceptions: list[_ExceptionSpec] = []


@dataclass(frozen=True)
class PolicyException:
    """An approved deviation: matching findings are MUTED until `expires`, then FAIL again."""

    check: str
    resource: str
    scope: str
    reason: str
    approver: str
    expires: dt.date
    locations: tuple[str, ...] = ()

    def matches(self, check_id: str, resource: Resource) -> bool:
        """True when this exception covers the check on the resource."""
        return (
            fnmatch.fnmatchcase(check_id, self.check)
            and (fnmatch.fnmatchcase(resource.id, self.resource) or fnmatch.fnmatchcase(resource.name, self.resource))
            and fnmatch.fnmatchcase(resource.scope, self.scope)
        )

    def expired(self, today: dt.date) -> bool:
        """True on and after the day after `expires`."""
        return today > self.expires


@dataclass(frozen=True)
class Policy:
    """The policy in force for a scan."""

    allowed_locations: Mapping[str, tuple[str, ...]]
    review_locations: tuple[str, ...]
    required_tags: tuple[str, ...] = ()
    disabled: frozenset[str] = frozenset()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    exceptions: tuple[PolicyException, ...] = ()
    sources: tuple[str, ...] = ()
    name: str = ""
    lapsed: tuple[str, ...] = ()  # loosenings dropped because the exceptions covering them expired

    def for_provider(self, provider: str) -> dict[str, Any]:
        """The `$policy.*` values a check sees for a resource of `provider`."""
        allowed = self.allowed_locations.get(provider)
        return {
            "allowed_locations": list(allowed) if allowed is not None else None,
            "review_locations": list(self.review_locations),
            "required_tags": list(self.required_tags),
        }

    def summary(self, today: dt.date | None = None) -> dict[str, Any]:
        """JSON shape of the policy in force, for reports; exceptions say whether they have expired."""
        today = today or dt.date.today()
        return {
            "name": self.name,
            "sources": list(self.sources),
            "allowed_locations": {k: list(v) for k, v in sorted(self.allowed_locations.items())},
            "review_locations": list(self.review_locations),
            "required_tags": list(self.required_tags),
            "disabled_checks": sorted(self.disabled),
            "severity_overrides": {k: str(v) for k, v in sorted(self.severity.items())},
            "params": {k: dict(v) for k, v in sorted(self.params.items())},
            "exceptions": [
                {
                    "check": e.check,
                    "resource": e.resource,
                    "scope": e.scope,
                    "reason": e.reason,
                    "approver": e.approver,
                    "expires": e.expires.isoformat(),
                    "expired": e.expired(today),
                }
                for e in self.exceptions
            ],
            "lapsed": list(self.lapsed),
        }

    def exception_for(self, check_id: str, resource: Resource, today: dt.date | None = None) -> PolicyException | None:
        """The exception covering the check on the resource: an active one first, else an expired one."""
        today = today or dt.date.today()
        matching = [e for e in self.exceptions if e.matches(check_id, resource)]
        return next((e for e in matching if not e.expired(today)), matching[0] if matching else None)


def _parse(data: Any, lines: yamlfile.Lines, path: str) -> _PolicyFile:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise PolicyError("a policy file must be a mapping", path, 1)
    if "policy" in data and isinstance(data["policy"], dict) and "targets" in data:
        raise PolicyError("this is a scan config; pass it with --config", path, 1)
    try:
        return _PolicyFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        name = ".".join(str(p) for p in loc) or "(file)"
        raise PolicyError(f"{name}: {err['msg']}", path, yamlfile.line_of(lines, *loc)) from None


def baseline_path() -> Path:
    """The built-in baseline policy file."""
    return Path(str(resources.files("checks") / "baseline.yaml"))


def load_baseline() -> Policy:
    """The built-in baseline: Japanese locations only."""
    path = baseline_path()
    data, lines = yamlfile.load_file(path, PolicyError)
    spec = _parse(data, lines, str(path))
    return _to_policy(spec, (str(path),))


def _to_policy(spec: _PolicyFile, sources: tuple[str, ...]) -> Policy:
    return Policy(
        allowed_locations={k: tuple(v) for k, v in spec.allowed_locations.items()},
        review_locations=tuple(spec.review_locations or ()),
        required_tags=tuple(spec.required_tags),
        disabled=frozenset(spec.checks.disable),
        severity=dict(spec.checks.severity),
        params={k: dict(v) for k, v in spec.params.items()},
        exceptions=tuple(
            PolicyException(e.check, e.resource, e.scope, e.reason, e.approver, e.expires, tuple(e.locations))
            for e in spec.exceptions
        ),
        sources=sources,
        name=spec.name,
    )


def load_policy(path: str | Path | None, catalog: Catalog, data: Any = None, lines: yamlfile.Lines | None = None,
                today: dt.date | None = None) -> Policy:
    """The baseline, extended by the organization policy at `path`; loosening without an exception is rejected.

    A loosening covered only by an exception that has expired is dropped (the baseline applies again)
    and listed in `Policy.lapsed`.
    """
    today = today or dt.date.today()
    base = load_baseline()
    if path is None and data is None:
        return base
    where = str(path) if path is not None else "<config>"
    if data is None:
        data, lines = yamlfile.load_file(path, PolicyError)  # type: ignore[arg-type]
    lines = lines or {}
    spec = _parse(data, lines, where)
    org = _to_policy(spec, (*base.sources, where))
    lapsed = _reject_loosening(base, org, spec, lines, where, catalog, today)
    dropped = {item.keys for item in lapsed}
    allowed = dict(base.allowed_locations)
    allowed.update({p: tuple(loc for i, loc in enumerate(v) if ("allowed_locations", p, i) not in dropped)
                    for p, v in org.allowed_locations.items()})
    params = {c: {n: v for n, v in values.items() if ("params", c, n) not in dropped} for c, values in org.params.items()}
    return Policy(
        allowed_locations=allowed,
        review_locations=org.review_locations if spec.review_locations is not None else base.review_locations,
        required_tags=tuple(dict.fromkeys((*base.required_tags, *org.required_tags))),
        disabled=frozenset(c for i, c in enumerate(spec.checks.disable) if ("checks", "disable", i) not in dropped),
        severity={c: v for c, v in org.severity.items() if ("checks", "severity", c) not in dropped},
        params={c: v for c, v in params.items() if v},
        exceptions=org.exceptions,
        sources=org.sources,
        name=org.name,
        lapsed=tuple(f"{where}:{item.line}: {item.message}" for item in lapsed),
    )


@dataclass(frozen=True)
class _Lapsed:
    keys: tuple[str | int, ...]
    message: str
    line: int | None


def _covering(org: Policy, check_id: str, location: str | None = None) -> list[PolicyException]:
    out = []
    for e in org.exceptions:
        if not fnmatch.fnmatchcase(check_id, e.check):
            continue
        if location is None or location.lower() in {x.lower() for x in e.locations}:
            out.append(e)
    return out


def _reject_loosening(
    base: Policy, org: Policy, spec: _PolicyFile, lines: yamlfile.Lines, where: str, catalog: Catalog, today: dt.date
) -> list[_Lapsed]:
    lapsed: list[_Lapsed] = []

    def loosening(message: str, keys: tuple[str | int, ...], check_id: str, location: str | None = None) -> None:
        """Accept when an active exception covers it; drop it when only expired ones do; else reject."""
        line = yamlfile.line_of(lines, *keys)
        covering = _covering(org, check_id, location)
        if any(not e.expired(today) for e in covering):
            return
        if covering:
            expired = max(e.expires for e in covering)
            lapsed.append(_Lapsed(keys, f"{message} (exception expired {expired.isoformat()}; the baseline applies)", line))
            return
        raise PolicyError(message + " (the baseline may only be tightened; record an approved exception to deviate)",
                          where, line)

    for provider, locations in spec.allowed_locations.items():
        allowed = {x.lower() for x in base.allowed_locations.get(provider, ())}
        for i, loc in enumerate(locations):
            if provider in base.allowed_locations and loc.lower() not in allowed:
                loosening(f"allowed_locations.{provider}: {loc!r} is outside the baseline",
                          ("allowed_locations", provider, i), "GC-RES-*", loc)
    if spec.review_locations is not None:
        for i, loc in enumerate(spec.review_locations):
            if loc not in base.review_locations:
                raise PolicyError(f"review_locations: adding {loc!r} would turn failures into reviews "
                                  "(the baseline may only be tightened)", where,
                                  yamlfile.line_of(lines, "review_locations", i))
    for i, check_id in enumerate(spec.checks.disable):
        if check_id not in catalog.checks:
            raise PolicyError(f"checks.disable: unknown check {check_id}", where,
                              yamlfile.line_of(lines, "checks", "disable", i))
        loosening(f"checks.disable: disabling {check_id}", ("checks", "disable", i), check_id)
    for check_id, sev in spec.checks.severity.items():
        c = catalog.checks.get(check_id)
        if c is None:
            raise PolicyError(f"checks.severity: unknown check {check_id}", where,
                              yamlfile.line_of(lines, "checks", "severity", check_id))
        if sev.rank < c.severity.rank:
            loosening(f"checks.severity.{check_id}: lowering {c.severity} to {sev}", ("checks", "severity", check_id),
                      check_id)
    for check_id, values in spec.params.items():
        c = catalog.checks.get(check_id)
        if c is None:
            raise PolicyError(f"params: unknown check {check_id}", where, yamlfile.line_of(lines, "params", check_id))
        for name, value in values.items():
            if name not in c.params:
                raise PolicyError(f"params.{check_id}: unknown parameter {name}", where,
                                  yamlfile.line_of(lines, "params", check_id, name))
            if _loosens(c.param_directions.get(name, "none"), c.params[name], value):
                loosening(f"params.{check_id}.{name}: {value!r} is looser than {c.params[name]!r}",
                          ("params", check_id, name), check_id)
    return lapsed


def _loosens(direction: str, default: Any, value: Any) -> bool:
    try:
        match direction:
            case "higher":
                return bool(value < default)
            case "lower":
                return bool(value > default)
            case "subset":
                return not set(value) <= set(default)
            case "superset":
                return not set(value) >= set(default)
    except TypeError:
        return True
    return False

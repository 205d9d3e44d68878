"""The shared model: resources in, findings out. Knows no provider and no format."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal


class Status(StrEnum):
    """The verdict of one check on one resource."""

    PASS = "PASS"
    FAIL = "FAIL"
    UNKNOWN = "UNKNOWN"
    ERROR = "ERROR"
    MUTED = "MUTED"


class Severity(StrEnum):
    """How much a failure matters; ordered by `rank`."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is more severe (critical=4 ... info=0)."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
    Severity.INFO: 0,
}


class Category(StrEnum):
    """The areas of the catalog."""

    RESIDENCY = "residency"
    LOGGING = "logging"
    IDENTITY = "identity"
    ENCRYPTION = "encryption"
    NETWORK = "network"
    RESILIENCE = "resilience"
    GOVERNANCE = "governance"


Lang = Literal["ja", "en"]
LANGS: tuple[Lang, ...] = ("ja", "en")


@dataclass(frozen=True, slots=True)
class Text:
    """One user-facing text in Japanese and English."""

    ja: str
    en: str

    def __getitem__(self, lang: str) -> str:
        return self.en if lang == "en" else self.ja

    def format(self, **params: Any) -> Text:
        """Fill `{name}` placeholders in both languages; unknown names stay as written."""
        if "{" not in self.ja and "{" not in self.en:
            return self
        return Text(_safe_format(self.ja, params), _safe_format(self.en, params))

    def as_dict(self) -> dict[str, str]:
        """`{"ja": ..., "en": ...}`."""
        return {"ja": self.ja, "en": self.en}


class _Params(dict[str, Any]):
    """Placeholder values shown on demand; a missing name stays as written."""

    def __getitem__(self, key: str) -> str:
        if key in self.keys():
            return _display(dict.__getitem__(self, key))
        return "{" + key + "}"


def _safe_format(template: str, params: Mapping[str, Any]) -> str:
    if "{" not in template:
        return template
    try:
        return template.format_map(_Params(params))
    except (ValueError, IndexError, AttributeError):
        return template


def _display(value: Any) -> str:
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(_display(v) for v in value)
    return str(value)


@dataclass(frozen=True, slots=True)
class Unknown:
    """A fact that could not be read. It is never true and never false."""

    reason: str
    source: str = ""

    def __bool__(self) -> bool:
        # A check that tests an Unknown for truth has a bug: make it an ERROR, never a silent pass.
        raise TypeError(f"Unknown fact used as a boolean: {self.reason}")

    def __str__(self) -> str:
        return f"unknown ({self.reason})"

    def as_dict(self) -> dict[str, str]:
        """JSON shape of an unknown value."""
        return {"unknown": self.reason, **({"source": self.source} if self.source else {})}


def is_unknown(value: Any) -> bool:
    """True for an `Unknown` fact."""
    return isinstance(value, Unknown)


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a resource came from: a live API or a file of infrastructure code."""

    type: Literal["live", "iac"]
    file: str | None = None
    line: int | None = None
    module: str | None = None
    attr_lines: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def live(cls) -> Origin:
        """A resource read from a cloud API."""
        return _LIVE

    @classmethod
    def code(cls, file: str, line: int, attr_lines: Mapping[str, int] | None = None, module: str | None = None) -> Origin:
        """A resource declared in a file at a line; `attr_lines` maps facts to attribute lines."""
        return cls("iac", file, line, module, dict(attr_lines or {}))

    def line_of(self, facts: list[str] | tuple[str, ...] = ()) -> int | None:
        """The line of the first fact that has one, else the block's line."""
        for fact in facts:
            if fact in self.attr_lines:
                return self.attr_lines[fact]
        return self.line

    def as_dict(self) -> dict[str, Any]:
        """JSON shape: `{"type": "live"}` or `{"type": "iac", "file": ..., "line": ...}`."""
        if self.type == "live":
            return {"type": "live"}
        data: dict[str, Any] = {"type": "iac", "file": self.file, "line": self.line}
        if self.module:
            data["module"] = self.module
        return data


_LIVE = Origin("live")


@dataclass(frozen=True, slots=True)
class Mute:
    """An inline suppression written in the code next to a resource (`# govscan:ignore ID reason`)."""

    check: str
    reason: str
    expires: str | None = None  # ISO date; after it the finding fails again
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Resource:
    """One thing in a cloud, live or planned, with normalized facts in `attrs` (dotted keys)."""

    provider: str
    kind: str
    native_type: str
    id: str
    name: str
    scope: str
    location: str | Unknown
    attrs: Mapping[str, Any] = field(default_factory=dict)
    origin: Origin = _LIVE
    tags: Mapping[str, str] | Unknown = field(default_factory=dict)
    native: Mapping[str, Any] | None = None
    mutes: tuple[Mute, ...] = ()

    def fact(self, path: str) -> Any:
        """The fact at `path`, or `Unknown` when it was not collected. Never a default."""
        if path in self.attrs:
            return self.attrs[path]
        if path in _TOP_FACTS:
            return getattr(self, path)
        return Unknown(f"{path} not collected", "")


_TOP_FACTS = frozenset({"location", "tags", "name", "provider", "scope", "native_type", "kind"})


@dataclass(frozen=True, slots=True)
class Reference:
    """A framework control that a check supports."""

    framework: str
    control: str

    def __str__(self) -> str:
        return f"{self.framework}:{self.control}"


def fingerprint(check_id: str, provider: str, scope: str, resource_id: str) -> str:
    """Stable identity of a finding across rescans: the key of baselines, diffs and exceptions."""
    raw = "\x1f".join((check_id, provider, scope, resource_id))
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Finding:
    """One check on one resource."""

    check_id: str
    category: str
    severity: Severity
    status: Status
    provider: str
    scope: str
    location: str
    resource_id: str
    resource_name: str
    resource_kind: str
    native_type: str
    title: Text
    message: Text
    remediation: Text
    references: tuple[Reference, ...]
    origin: Origin
    evidence: Mapping[str, Any] = field(default_factory=dict)
    fingerprint: str = ""
    muted_reason: str | None = None
    baselined: bool = False  # in the --baseline file: reported, but not counted for --fail-on

    def sort_key(self) -> tuple[int, int, str, str, str]:
        """Most urgent first: status, severity, then check and resource."""
        return (_STATUS_ORDER[self.status], -self.severity.rank, self.check_id, self.scope, self.resource_id)


_STATUS_ORDER = {Status.FAIL: 0, Status.ERROR: 1, Status.UNKNOWN: 2, Status.MUTED: 3, Status.PASS: 4}


@dataclass(frozen=True, slots=True)
class CollectionError:
    """A unit of collection that failed: which scope, service, region and operation, and why."""

    provider: str
    scope: str
    service: str
    region: str
    operation: str
    reason: str
    kinds: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """JSON shape of a collection error."""
        return {
            "provider": self.provider,
            "scope": self.scope,
            "service": self.service,
            "region": self.region,
            "operation": self.operation,
            "reason": self.reason,
            "kinds": list(self.kinds),
        }


def utcnow() -> str:
    """The current time as an ISO 8601 UTC string, to the microsecond (scans started in the same second stay ordered)."""
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclass
class ScanResult:
    """Everything a scan decided, plus what it could not see."""

    tool: str = "govscan"
    version: str = ""
    scan_id: str = ""
    started_at: str = ""
    finished_at: str = ""
    complete: bool = True
    lang: Lang = "ja"
    policy: Mapping[str, Any] = field(default_factory=dict)
    targets: list[str] = field(default_factory=list)
    inventory: dict[str, dict[str, int]] = field(default_factory=dict)
    collection_errors: list[CollectionError] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    api_calls: dict[str, int] = field(default_factory=dict)
    incomplete_reasons: list[str] = field(default_factory=list)
    budgets: dict[str, Any] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """Number of findings per status."""
        out = {s.value: 0 for s in Status}
        for f in self.findings:
            out[f.status.value] += 1
        return out

    def scopes(self) -> list[str]:
        """The scopes that have findings or inventory, sorted."""
        return sorted({f.scope for f in self.findings} | {e.scope for e in self.collection_errors})

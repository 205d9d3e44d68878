"""The check catalog: YAML checks plus bound Python functions, validated on load, indexed by kind."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from scanner import conditions, yamlfile
from scanner.errors import CatalogError
from scanner.kinds import KINDS, fact_spec
from scanner.model import Category, Reference, Resource, Severity, Status, Text, Unknown

CHECK_ID_PATTERN = r"^GC-(RES|LOG|IAM|ENC|NET|BAK|GOV)-\d{3}$"

DEFAULT_MESSAGES = {
    "pass": Text("適合しています。", "Compliant."),
    "fail": Text("不適合: {reason}", "Not compliant: {reason}"),
    "unknown": Text("判定できません: {reason}", "Cannot determine: {reason}"),
    "error": Text("チェックの実行に失敗しました: {reason}", "The check failed to run: {reason}"),
}


# ---------------------------------------------------------------- outcomes and context


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a check function returns: a status, a message key with params, and the facts it read."""

    status: Status
    key: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    evidence: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def passed(cls, key: str = "pass", evidence: Mapping[str, Any] | None = None, **params: Any) -> Outcome:
        """Compliant."""
        return cls(Status.PASS, key, params, evidence or {})

    @classmethod
    def failed(cls, key: str = "fail", evidence: Mapping[str, Any] | None = None, **params: Any) -> Outcome:
        """Violated; `key` names a message template of the check."""
        return cls(Status.FAIL, key, params, evidence or {})

    @classmethod
    def unknown(
        cls, why: Unknown | str, evidence: Mapping[str, Any] | None = None, key: str = "unknown", **params: Any
    ) -> Outcome:
        """Cannot tell: the fact was not seen or is only known after apply."""
        reason = why.reason if isinstance(why, Unknown) else why
        return cls(Status.UNKNOWN, key, {"reason": reason, **params}, evidence or {})


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What a check may read besides the resource: its params and the policy for the resource."""

    params: Mapping[str, Any]
    policy: Mapping[str, Any]

    def param(self, name: str) -> Any:
        """A check parameter, with the policy's override applied."""
        return self.params[name]


CheckFunction = Callable[[Resource, CheckContext], Outcome]


def check(check_id: str) -> Callable[[CheckFunction], CheckFunction]:
    """Mark a function as the implementation of the YAML check `check_id` (found when the catalog loads)."""

    def mark(function: CheckFunction) -> CheckFunction:
        function.__govscan_check__ = check_id  # type: ignore[attr-defined]
        return function

    return mark


# ---------------------------------------------------------------- the YAML schema


class _Text(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)


class _Ref(BaseModel):
    model_config = ConfigDict(extra="forbid")
    framework: str
    control: str

    @field_validator("control", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | float) else value


class _Param(BaseModel):
    model_config = ConfigDict(extra="forbid")
    default: Any
    tighten: Literal["higher", "lower", "subset", "superset", "none"] = "none"
    doc: str = ""


class _Example(BaseModel):
    model_config = ConfigDict(extra="forbid")
    facts: dict[str, Any]
    expect: Status
    provider: str = "example"


class _CheckFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=CHECK_ID_PATTERN)
    category: Category
    severity: Severity
    kinds: list[str] | Literal["located"]
    providers: list[str] | None = None
    live: bool = True
    iac: bool = True
    title: _Text
    remediation: _Text
    references: list[_Ref] = []
    params: dict[str, _Param] = {}
    messages: dict[str, _Text] = {}
    require: dict[str, Any] | None = None
    examples: list[_Example] = []


# ---------------------------------------------------------------- checks and the catalog


@dataclass(frozen=True)
class Check:
    """One check of the catalog, validated."""

    id: str
    category: Category
    severity: Severity
    kinds: tuple[str, ...]
    providers: tuple[str, ...] | None
    live: bool
    iac: bool
    title: Text
    remediation: Text
    references: tuple[Reference, ...]
    params: Mapping[str, Any]
    param_directions: Mapping[str, str]
    messages: Mapping[str, Text]
    require: Mapping[str, Any] | None
    function: CheckFunction | None
    path: str
    examples: tuple[Mapping[str, Any], ...] = ()

    def applies_to(self, resource: Resource) -> bool:
        """True when this check evaluates `resource` (kind, provider and origin)."""
        if self.providers is not None and resource.provider not in self.providers:
            return False
        return self.live if resource.origin.type == "live" else self.iac

    def message(self, key: str) -> Text:
        """The message template for `key`, falling back to the defaults."""
        return self.messages.get(key) or DEFAULT_MESSAGES.get(key) or DEFAULT_MESSAGES["fail"]


@dataclass(frozen=True)
class Control:
    """One control of a framework."""

    id: str
    title: Text


@dataclass(frozen=True)
class Framework:
    """A standard the checks support: its controls; coverage is computed from check references."""

    id: str
    title: Text
    edition: str
    relation: str
    controls: tuple[Control, ...]
    path: str
    url: str = ""


@dataclass
class Catalog:
    """All checks, indexed by kind, and the frameworks they reference."""

    checks: dict[str, Check]
    frameworks: dict[str, Framework]
    by_kind: dict[str, list[Check]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_kind = {}
        for c in sorted(self.checks.values(), key=lambda c: c.id):
            for kind in c.kinds:
                self.by_kind.setdefault(kind, []).append(c)

    def for_resource(self, resource: Resource) -> list[Check]:
        """The checks that evaluate `resource`."""
        return [c for c in self.by_kind.get(resource.kind, ()) if c.applies_to(resource)]

    def providers_of(self, c: Check, emitted: Mapping[str, set[str]]) -> list[str]:
        """Providers whose emitted kinds meet the check (from provider kind lists)."""
        names = [p for p, kinds in emitted.items() if kinds & set(c.kinds)]
        return sorted(p for p in names if c.providers is None or p in c.providers)

    def coverage(self, framework: str) -> dict[str, list[str]]:
        """Map each control of `framework` to the ids of the checks covering it."""
        fw = self.frameworks[framework]
        covered: dict[str, list[str]] = {c.id: [] for c in fw.controls}
        for c in sorted(self.checks.values(), key=lambda c: c.id):
            for ref in c.references:
                if ref.framework == framework and ref.control in covered:
                    covered[ref.control].append(c.id)
        return covered

    def restricted_to(self, framework: str) -> Catalog:
        """A catalog of only the checks that reference `framework`."""
        if framework not in self.frameworks:
            raise CatalogError(f"unknown framework {framework!r}; known: {', '.join(sorted(self.frameworks))}")
        keep = {i: c for i, c in self.checks.items() if any(r.framework == framework for r in c.references)}
        return Catalog(keep, self.frameworks)


def load_catalog(packages: Iterable[str] | None = None) -> Catalog:
    """Load every check and framework from the catalog packages (default: the `govscan.checks` entry points)."""
    from scanner.plugins import catalog_packages

    names = list(packages) if packages is not None else catalog_packages()
    checks: dict[str, Check] = {}
    frameworks: dict[str, Framework] = {}
    for name in names:
        module = importlib.import_module(name)
        functions = _functions_in(module)
        root = Path(next(iter(module.__path__)))
        for fw_path in sorted((root / "frameworks").glob("*.yaml")):
            fw = _load_framework(fw_path)
            if fw.id in frameworks:
                raise CatalogError(f"framework {fw.id} defined twice (also {frameworks[fw.id].path})", str(fw_path))
            frameworks[fw.id] = fw
        for path in sorted(root.glob("*/GC-*.yaml")):
            c = _load_check(path, functions)
            if c.id in checks:
                raise CatalogError(f"check {c.id} defined twice (also {checks[c.id].path})", str(path))
            checks[c.id] = c
        unbound = set(functions) - {c.id for c in checks.values() if c.function is not None}
        if unbound:
            raise CatalogError(f"functions bound to no YAML check: {', '.join(sorted(unbound))}", str(root))
    for c in checks.values():
        for ref in c.references:
            fw = frameworks.get(ref.framework)
            if fw is None or ref.control not in {ctrl.id for ctrl in fw.controls}:
                raise CatalogError(f"reference {ref} does not resolve to a framework control", c.path)
    return Catalog(checks, frameworks)


def _functions_in(package: ModuleType) -> dict[str, CheckFunction]:
    found: dict[str, CheckFunction] = {}
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            check_id = getattr(value, "__govscan_check__", None)
            if check_id and callable(value):
                if check_id in found and found[check_id] is not value:
                    raise CatalogError(f"two functions are bound to {check_id}", info.name)
                found[check_id] = value
    return found


def _pydantic_error(exc: ValidationError, lines: yamlfile.Lines, path: str) -> CatalogError:
    err = exc.errors()[0]
    loc = tuple(str(p) if not isinstance(p, int) else p for p in err["loc"])
    field_name = ".".join(str(p) for p in loc) or "(file)"
    return CatalogError(f"{field_name}: {err['msg']}", path, yamlfile.line_of(lines, *loc))


def _load_check(path: Path, functions: Mapping[str, CheckFunction]) -> Check:
    data, lines = yamlfile.load_file(path, CatalogError)
    if not isinstance(data, dict):
        raise CatalogError("a check file must be a mapping", str(path), 1)
    try:
        spec = _CheckFile.model_validate(data)
    except ValidationError as exc:
        raise _pydantic_error(exc, lines, str(path)) from None
    where = str(path)
    if path.stem != spec.id:
        raise CatalogError(f"file name must be the check id {spec.id}", where, yamlfile.line_of(lines, "id"))
    if spec.category.value != path.parent.name:
        raise CatalogError(f"check of category {spec.category} is in folder {path.parent.name}", where, 1)
    kinds = tuple(k for k, s in KINDS.items() if s.located) if spec.kinds == "located" else tuple(spec.kinds)
    for i, kind in enumerate(kinds):
        if kind not in KINDS:
            raise CatalogError(f"kinds[{i}]: unknown kind {kind!r}", where, yamlfile.line_of(lines, "kinds", i))
    function = functions.get(spec.id)
    if spec.require is None and function is None:
        raise CatalogError("no 'require' rule and no function bound with @check", where, 1)
    if spec.require is not None and function is not None:
        raise CatalogError("has both a 'require' rule and a bound function", where, yamlfile.line_of(lines, "require"))
    if spec.require is not None:

        def known(fact: str) -> bool:
            return all(fact_spec(k, fact) is not None for k in kinds)

        problems = conditions.validate(spec.require, known)
        if problems:
            raise CatalogError(problems[0], where, yamlfile.line_of(lines, "require"))
    return Check(
        id=spec.id,
        category=spec.category,
        severity=spec.severity,
        kinds=kinds,
        providers=tuple(spec.providers) if spec.providers is not None else None,
        live=spec.live,
        iac=spec.iac,
        title=Text(spec.title.ja, spec.title.en),
        remediation=Text(spec.remediation.ja, spec.remediation.en),
        references=tuple(Reference(r.framework, r.control) for r in spec.references),
        params={k: v.default for k, v in spec.params.items()},
        param_directions={k: v.tighten for k, v in spec.params.items()},
        messages={k: Text(v.ja, v.en) for k, v in spec.messages.items()},
        require=spec.require,
        function=function,
        path=where,
        examples=tuple(e.model_dump() for e in spec.examples),
    )


class _ControlFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    title: _Text

    @field_validator("id", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | float) else value


class _FrameworkFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    title: _Text
    edition: str = ""
    relation: Literal["supports", "covers"] = "covers"
    url: str = ""
    controls: list[_ControlFile] = Field(min_length=1)


def _load_framework(path: Path) -> Framework:
    data, lines = yamlfile.load_file(path, CatalogError)
    try:
        spec = _FrameworkFile.model_validate(data)
    except ValidationError as exc:
        raise _pydantic_error(exc, lines, str(path)) from None
    ids = [c.id for c in spec.controls]
    if len(ids) != len(set(ids)):
        raise CatalogError("duplicate control id", str(path), 1)
    return Framework(
        id=spec.id,
        title=Text(spec.title.ja, spec.title.en),
        edition=spec.edition,
        relation=spec.relation,
        controls=tuple(Control(c.id, Text(c.title.ja, c.title.en)) for c in spec.controls),
        path=str(path),
        url=spec.url,
    )

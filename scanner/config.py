"""The scan config (`govscan.yaml`): targets across all clouds, the policy, outputs, the store, rate budgets
and schedules. Validated on load; every error names the file and line and exits 2."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import click
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from scanner import yamlfile
from scanner.errors import UsageError
from scanner.plugins import Provider, load_provider, provider_names
from scanner.runner import ScanOptions, execute


class ConfigError(UsageError):
    """A scan config that is malformed (exit 2, with file and line)."""


_CRON_FIELDS = (("minute", 0, 59), ("hour", 0, 23), ("day of month", 1, 31), ("month", 1, 12), ("day of week", 0, 7))
_CRON_NAMES = {
    3: {m: i + 1 for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])},
    4: {d: i for i, d in enumerate(["sun", "mon", "tue", "wed", "thu", "fri", "sat"])},
}
CRON_ALIASES = {"@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@weekly": "0 0 * * 0",
                "@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *"}


def cron_fields(expr: str) -> list[str]:
    """The five fields of a cron expression (aliases expanded); ValueError names the bad field."""
    expr = CRON_ALIASES.get(expr.strip().lower(), expr.strip())
    fields = expr.split()
    if len(fields) != 5:
        raise ValueError(f"a cron expression has 5 fields (minute hour day-of-month month day-of-week), got {len(fields)}")
    for i, (text, (label, low, high)) in enumerate(zip(fields, _CRON_FIELDS, strict=True)):
        for part in text.lower().split(","):
            base, _, step = part.partition("/")
            if step and (not step.isdigit() or int(step) == 0):
                raise ValueError(f"{label}: bad step {step!r}")
            if base == "*":
                continue
            bounds = base.split("-")
            if len(bounds) > 2:
                raise ValueError(f"{label}: bad range {base!r}")
            for b in bounds:
                value = _CRON_NAMES.get(i, {}).get(b, int(b) if b.isdigit() else None)
                if value is None or not low <= value <= high:
                    raise ValueError(f"{label}: {b!r} is not in {low}-{high}")
    return fields


class _Target(BaseModel):
    model_config = ConfigDict(extra="allow")
    provider: str
    name: str | None = None
    group: str = "default"


class _Outputs(BaseModel):
    model_config = ConfigDict(extra="forbid")
    formats: list[str] = ["json"]
    output_dir: str = "govscan-report"
    lang: Literal["ja", "en"] = "ja"
    fail_on: Literal["critical", "high", "medium", "low", "info", "none"] = "high"
    quiet: bool = False


class _Budgets(BaseModel):
    model_config = ConfigDict(extra="forbid")
    per_scope: int = Field(default=0, ge=0)
    per_service: int = Field(default=0, ge=0)


class _Distributed(BaseModel):
    model_config = ConfigDict(extra="forbid")
    enabled: bool = False
    broker: str | None = None
    queue: str = "govscan"


class _Schedule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    cron: str
    groups: list[str] = ["default"]

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        cron_fields(value)
        return value


class _ConfigFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Literal[1] = 1
    targets: list[_Target] = Field(min_length=1)
    policy: str | dict[str, Any] | None = None
    outputs: _Outputs = _Outputs()
    store: str | None = None
    workers: int = Field(default=16, ge=1, le=256)
    budgets: _Budgets = _Budgets()
    distributed: _Distributed = _Distributed()
    schedules: list[_Schedule] = []


@dataclass
class Target:
    """One target of the config: a provider with its option values."""

    provider: str
    name: str
    group: str
    options: dict[str, Any]
    line: int | None


@dataclass
class ScanConfig:
    """A validated scan config."""

    path: Path
    spec: _ConfigFile
    targets: list[Target]
    lines: yamlfile.Lines

    def options(self) -> ScanOptions:
        """The shared scan options the config sets (paths relative to the config file)."""
        base = self.path.parent
        out = self.spec.outputs
        policy_path: str | None = None
        policy_data: Any = None
        policy_lines: dict[Any, int] = {}
        if isinstance(self.spec.policy, str):
            policy_path = str((base / self.spec.policy).resolve())
        elif isinstance(self.spec.policy, dict):
            policy_path, policy_data = str(self.path), self.spec.policy
            policy_lines = {k[1:]: v for k, v in self.lines.items() if k[:1] == ("policy",)}
        return ScanOptions(
            policy=policy_path, policy_data=policy_data, policy_lines=policy_lines,
            formats=tuple(out.formats), output_dir=str(base / out.output_dir), fail_on=out.fail_on, lang=out.lang,
            quiet=out.quiet, workers=self.spec.workers, store=_store_url(self.spec.store, base),
            scope_concurrency=self.spec.budgets.per_scope, service_concurrency=self.spec.budgets.per_service,
            distributed=self.spec.distributed.enabled, broker=self.spec.distributed.broker,
            queue=self.spec.distributed.queue,
        )

    def jobs(self, groups: Sequence[str] = ()) -> tuple[list[tuple[Provider, Mapping[str, Any]]], list[str]]:
        """(provider, target) pairs and their descriptions, for every target (or those of `groups`)."""
        jobs: list[tuple[Provider, Mapping[str, Any]]] = []
        names: list[str] = []
        for t in self.targets:
            if groups and t.group not in groups:
                continue
            # one provider instance per target: its state (sessions, scopes, API call counter) is the target's
            jobs.append((load_provider(t.provider), dict(t.options)))
            names.append(f"{t.provider}:{t.name}")
        if not jobs:
            raise ConfigError(f"no target in group(s) {', '.join(groups)}", str(self.path), yamlfile.line_of(self.lines, "targets"))
        return jobs, names


def _store_url(url: str | None, base: Path) -> str | None:
    if url and "://" not in url:
        return f"sqlite:///{(base / url).resolve()}"
    if url and url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        return f"sqlite:///{(base / url.removeprefix('sqlite:///')).resolve()}"
    return url


def load_config(path: str | Path) -> ScanConfig:
    """Read and validate a scan config, including every target's options against its provider."""
    path = Path(path)
    data, lines = yamlfile.load_file(path, ConfigError)
    where = str(path)
    if not isinstance(data, dict):
        raise ConfigError("a scan config must be a mapping with `targets:`", where, 1)
    try:
        spec = _ConfigFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        name = ".".join(str(p) for p in loc) or "(file)"
        raise ConfigError(f"{name}: {err['msg']}", where, yamlfile.line_of(lines, *loc)) from None
    installed = provider_names()
    targets = []
    seen: set[str] = set()
    for i, t in enumerate(spec.targets):
        line = yamlfile.line_of(lines, "targets", i)
        if t.provider not in installed:
            raise ConfigError(f"targets[{i}].provider: no provider {t.provider!r} is installed "
                              f"(installed: {', '.join(installed)})", where, yamlfile.line_of(lines, "targets", i, "provider"))
        name = t.name or f"{t.provider}-{i + 1}"
        if name in seen:
            raise ConfigError(f"targets[{i}].name: duplicate target name {name!r}", where, line)
        seen.add(name)
        provider = load_provider(t.provider)
        options = _target_options(provider, t.model_extra or {}, where, lines, i)
        targets.append(Target(t.provider, name, t.group, options, line))
    groups = {t.group for t in targets}
    for i, s in enumerate(spec.schedules):
        for j, g in enumerate(s.groups):
            if g not in groups:
                raise ConfigError(f"schedules[{i}].groups: no target is in group {g!r}", where,
                                  yamlfile.line_of(lines, "schedules", i, "groups", j))
    return ScanConfig(path, spec, targets, lines)


def _target_options(provider: Provider, given: dict[str, Any], where: str, lines: yamlfile.Lines, i: int) -> dict[str, Any]:
    params = [p for p in getattr(provider, "options", []) if isinstance(p, click.Parameter) and p.name]
    by_name = {p.name: p for p in params}
    ctx = click.Context(click.Command(provider.name, params=params))
    out: dict[str, Any] = {}
    for key, value in given.items():
        name = key.replace("-", "_")
        if name not in by_name:
            known = ", ".join(sorted(n.replace("_", "-") for n in by_name if n)) or "none"
            raise ConfigError(f"targets[{i}].{key}: the {provider.name} provider has no option {key!r} (options: {known})",
                              where, yamlfile.line_of(lines, "targets", i, key))
        param = by_name[name]
        if isinstance(value, list) and not param.multiple:
            value = ",".join(str(v) for v in value)
        try:
            out[name] = param.type_cast_value(ctx, value)
        except click.BadParameter as exc:
            raise ConfigError(f"targets[{i}].{key}: {exc.message}", where, yamlfile.line_of(lines, "targets", i, key)) from None
    for name, param in by_name.items():
        if name in out:
            continue
        if param.required:
            raise ConfigError(f"targets[{i}]: the {provider.name} provider needs {name.replace('_', '-')!r}", where,
                              yamlfile.line_of(lines, "targets", i))
        out[name] = param.get_default(ctx)
    return out


def run_config(path: str, *, store: str | None = None, resume: str | None = None, distributed: bool | None = None,
               groups: Sequence[str] = ()) -> int:
    """One scan across every target of the config (or of `groups`); return the exit code."""
    config = load_config(path)
    options = config.options()
    if store:
        options.store = store
    if resume:
        options.resume = resume
    if distributed is not None:
        options.distributed = distributed or options.distributed
    jobs, names = config.jobs(groups)
    return execute(jobs, options, targets=names)


def schedule_entries(config: ScanConfig) -> list[dict[str, Any]]:
    """The schedules as plain data: name, the five cron fields, groups."""
    return [{"name": s.name, "cron": cron_fields(s.cron), "groups": list(s.groups)} for s in config.spec.schedules]


__all__ = ["ConfigError", "ScanConfig", "cron_fields", "load_config", "run_config", "schedule_entries"]

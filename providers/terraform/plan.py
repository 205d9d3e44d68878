"""Terraform plan JSON (`terraform show -json plan.out`): planned values with module addresses,
`after_unknown` as Unknown (with the referenced resource attribute from `configuration` as its
source, so mappers can join), and each resource's provider configuration (region)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from providers.terraform.config import Joins, Problem
from providers.terraform.model import TfResource
from scanner.model import Unknown

SUPPORTED_MAJOR = "1"
_ADDRESS = re.compile(r'"address"\s*:\s*"((?:[^"\\]|\\.)*)"')


class PlanError(Exception):
    """A file that is not a readable Terraform plan: names the file and line."""

    def __init__(self, file: str, line: int, detail: str) -> None:
        super().__init__(f"{file}:{line}: {detail}")
        self.file = file
        self.line = line
        self.detail = detail


class Plan(Joins):
    """The resources of a plan, evaluated as far as the plan knows them; also the `TfContext`."""

    def __init__(self, file: str, scope: str, data: Mapping[str, Any], text: str) -> None:
        self.file = file
        self.scope = scope
        self.problems: list[Problem] = []
        self.resources: list[TfResource] = []
        self._lines = _address_lines(text)
        self._variables = {k: v.get("value") for k, v in (data.get("variables") or {}).items() if isinstance(v, Mapping)}
        configuration = data.get("configuration") or {}
        self._provider_configs = self._providers(configuration.get("provider_config") or {})
        self._config_root = configuration.get("root_module") or {}
        self._config_cache: dict[str, dict[tuple[str, str], Mapping[str, Any]]] = {}
        unknown = {rc.get("address"): (rc.get("change") or {}).get("after_unknown") or {}
                   for rc in data.get("resource_changes") or [] if isinstance(rc, Mapping)}
        root = (data.get("planned_values") or {}).get("root_module") or {}
        self._walk(root, unknown)
        self.index(self.resources)

    def locate(self, positions: Mapping[str, Any]) -> None:
        """Replace plan positions with the declaring HCL file, line, attribute lines and suppressions."""
        located = []
        for resource in self.resources:
            position = positions.get(_static_address(resource.address))
            if position is not None:
                resource = replace(resource, file=position.file, line=position.line, attr_lines=position.attr_lines,
                                   mutes=position.mutes)
            located.append(resource)
        self.resources = located
        self.index(self.resources)

    def _providers(self, configs: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
        out = {}
        for key, config in configs.items():
            if not isinstance(config, Mapping):
                continue
            values: dict[str, Any] = {}
            for name, expression in (config.get("expressions") or {}).items():
                values[name] = self._expression_value(expression, f"provider {key}")
            if config.get("alias"):
                values["alias"] = config["alias"]
            out[key] = values
        return out

    def _expression_value(self, expression: Any, where: str) -> Any:
        if not isinstance(expression, Mapping):
            return Unknown(f"{where}: nested block not evaluated")
        if "constant_value" in expression:
            return expression["constant_value"]
        for reference in expression.get("references") or []:
            if isinstance(reference, str) and reference.startswith("var."):
                name = reference.split(".")[1]
                if name in self._variables:
                    return self._variables[name]
        return Unknown(f"{where}: value comes from an expression the plan does not evaluate",
                       next(iter(expression.get("references") or []), ""))

    def _walk(self, module: Mapping[str, Any], unknown: Mapping[str, Any]) -> None:
        module_address = module.get("address", "") or ""
        for resource in module.get("resources") or []:
            if not isinstance(resource, Mapping) or resource.get("mode", "managed") != "managed":
                continue
            self._add(resource, module_address, unknown.get(resource.get("address")) or {})
        for child in module.get("child_modules") or []:
            if isinstance(child, Mapping):
                self._walk(child, unknown)

    def _config_module(self, module_address: str) -> Mapping[str, Any]:
        node: Mapping[str, Any] = self._config_root
        for name in re.findall(r"module\.([^.\[]+)", module_address):
            call = (node.get("module_calls") or {}).get(name) or {}
            node = call.get("module") or {}
        return node

    def _config_resources(self, module_address: str) -> dict[tuple[str, str], Mapping[str, Any]]:
        """The configuration blocks of a module, by (type, name); computed once per module."""
        key = re.sub(r"\[[^\]]*\]", "", module_address)
        cached = self._config_cache.get(key)
        if cached is None:
            cached = {}
            for r in self._config_module(module_address).get("resources") or []:
                if isinstance(r, Mapping) and (str(r.get("type")), str(r.get("name"))) not in cached:
                    cached[(str(r.get("type")), str(r.get("name")))] = r
            self._config_cache[key] = cached
        return cached

    def _add(self, resource: Mapping[str, Any], module_address: str, after_unknown: Any) -> None:
        address = str(resource.get("address", ""))
        type_ = str(resource.get("type", ""))
        name = str(resource.get("name", ""))
        if not address or not type_:
            self.problems.append(Problem(self.file, self._lines.get(address, 1), "a planned resource without address or type"))
            return
        config = self._config_resources(module_address).get((type_, name), {})
        expressions = config.get("expressions") or {}
        values = dict(resource.get("values") or {})
        prefix = f"{module_address}." if module_address else ""
        _mark_unknown(values, after_unknown, expressions, prefix, address)
        key = str(config.get("provider_config_key") or "")
        provider = self._provider_configs.get(key) or self._provider_configs.get(key.split(":")[-1])
        if provider is None:
            short = str(resource.get("provider_name", "")).rsplit("/", 1)[-1]
            provider = self._provider_configs.get(short, {})
        line = self._lines.get(address, 1)
        self.resources.append(TfResource(address=address, type=type_, name=name, values=values, file=self.file, line=line,
                                         attr_lines={}, provider_config=provider, module=module_address))


def _mark_unknown(values: dict[str, Any], after_unknown: Any, expressions: Mapping[str, Any], prefix: str,
                  address: str) -> None:
    if not isinstance(after_unknown, Mapping):
        return
    for attr, flag in after_unknown.items():
        expression = expressions.get(attr) if isinstance(expressions, Mapping) else None
        if flag is True:
            references = expression.get("references") if isinstance(expression, Mapping) else None
            source = ""
            for reference in references or []:
                if isinstance(reference, str) and not reference.startswith(("var.", "local.", "each.", "count.")):
                    source = prefix + reference
                    break
            values[attr] = Unknown(f"{address}.{attr} is known only after apply", source or f"{address}.{attr}")
        elif isinstance(flag, Mapping) and isinstance(values.get(attr), Mapping):
            inner = dict(values[attr])
            _mark_unknown(inner, flag, expression if isinstance(expression, Mapping) else {}, prefix, f"{address}.{attr}")
            values[attr] = inner
        elif isinstance(flag, list) and isinstance(values.get(attr), list):
            items = list(values[attr])
            nested = expression[0] if isinstance(expression, list) and expression else {}
            for i, item_flag in enumerate(flag):
                if i >= len(items):
                    break
                if item_flag is True:
                    items[i] = Unknown(f"{address}.{attr}[{i}] is known only after apply", f"{address}.{attr}")
                elif isinstance(item_flag, Mapping) and isinstance(items[i], Mapping):
                    inner = dict(items[i])
                    _mark_unknown(inner, item_flag, nested if isinstance(nested, Mapping) else {}, prefix,
                                  f"{address}.{attr}[{i}]")
                    items[i] = inner
            values[attr] = items


def _static_address(address: str) -> str:
    """`module.a["k"].aws_x.y[0]` -> `module.a.aws_x.y`."""
    return re.sub(r'\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]', "", address)


def _address_lines(text: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    if text.count("\n") < 2:
        return lines
    line, position = 1, 0
    for match in _ADDRESS.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        raw = match.group(1)
        try:
            address = json.loads(f'"{raw}"') if "\\" in raw else raw
        except ValueError:
            continue
        lines.setdefault(address, line)
    return lines


def parse_plan(text: str, file: str, scope: str) -> Plan:
    """A plan from its JSON text; PlanError naming the file and line when it is not a supported plan."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise PlanError(file, getattr(exc, "lineno", 1), f"not valid JSON: {getattr(exc, 'msg', exc)}") from None
    except RecursionError:
        raise PlanError(file, 1, "JSON nested too deeply") from None
    if not isinstance(data, Mapping) or "format_version" not in data:
        raise PlanError(file, 1, "not a Terraform plan JSON (no format_version; expected `terraform show -json` output)")
    version = str(data.get("format_version"))
    if version.split(".")[0] != SUPPORTED_MAJOR:
        raise PlanError(file, _line_of(text, '"format_version"'),
                        f"unsupported plan format_version {version!r}: govscan reads format 1.x")
    if not isinstance(data.get("planned_values", {}), Mapping):
        raise PlanError(file, _line_of(text, '"planned_values"'), "planned_values is not an object")
    try:
        return Plan(file, scope, data, text)
    except (AttributeError, TypeError, ValueError) as exc:
        raise PlanError(file, 1, f"unexpected plan structure: {type(exc).__name__}: {exc}") from None


def _line_of(text: str, needle: str) -> int:
    position = text.find(needle)
    return 1 if position < 0 else text.count("\n", 0, position) + 1


def load_plan(file: str, scope: str | None = None) -> Plan:
    """Read a plan JSON file."""
    try:
        with open(file, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise PlanError(file, 1, f"cannot read the file: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PlanError(file, raw[: 1].count(b"\n") + 1, "not UTF-8 text") from None
    return parse_plan(text, file, scope if scope is not None else file)

"""A Terraform root module read from HCL: files, variables, tfvars, locals, modules, providers, count and
for_each, evaluated into `TfResource`s. Nothing is downloaded: remote modules are read only when
`terraform init` already put them under `.terraform/modules`."""

from __future__ import annotations

import glob
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from providers.terraform.evaluate import Scope, evaluate, traverse
from providers.terraform.hcl import Block, Expr, HclFile, HclSyntaxError, parse_file, parse_text
from providers.terraform.model import TfResource
from scanner.model import Mute, Unknown

META_ARGS = frozenset({"count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "connection"})
MODULE_META = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})
_IGNORE = re.compile(r"govscan:ignore\s+(?P<ids>GC-[A-Za-z0-9]+-\d+(?:\s*,\s*GC-[A-Za-z0-9]+-\d+)*)"
                     r"(?:\s+exp=(?P<exp>\S+))?(?P<reason>.*)$")
# Attributes that name a resource, so a literal in another resource can refer to it.
_IDENTITY_KEYS = ("bucket", "name", "id", "arn", "bucket_prefix", "function_name", "identifier", "cluster_identifier",
                  "creation_token", "global_cluster_identifier")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Problem:
    """Something in the code that could not be read: a file, a line and why."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class _Resource:
    block: Block
    file: str
    comments: Mapping[int, str]


@dataclass
class _ModuleDef:
    """The parsed files of one module directory."""

    dir: str
    variables: dict[str, tuple[Block, str]] = field(default_factory=dict)
    locals: dict[str, tuple[Expr, str, int]] = field(default_factory=dict)
    outputs: dict[str, Expr] = field(default_factory=dict)
    resources: dict[tuple[str, str], _Resource] = field(default_factory=dict)
    modules: dict[str, tuple[Block, str]] = field(default_factory=dict)
    providers: list[tuple[Block, str]] = field(default_factory=list)
    data: set[tuple[str, str]] = field(default_factory=set)


def tf_files(directory: str) -> list[str]:
    """The `.tf` files of a directory, sorted."""
    return sorted(glob.glob(os.path.join(glob.escape(directory), "*.tf")))


def parse_var_option(text: str) -> tuple[str, Any]:
    """`-var name=value`: HCL syntax for lists, maps, numbers, bools and quoted strings, else a raw string."""
    if "=" not in text:
        raise ValueError(f"--var {text!r}: expected NAME=VALUE")
    name, raw = text.split("=", 1)
    name = name.strip()
    stripped = raw.strip()
    if stripped[:1] in ('[', '{', '"') or stripped in ("true", "false") or re.fullmatch(r"-?\d+(\.\d+)?", stripped):
        try:
            parsed = parse_text(f"v = {stripped}\n", "--var")
            value = evaluate(parsed.attrs["v"], Scope(_no_refs))
            if not isinstance(value, Unknown):
                return name, value
        except HclSyntaxError:
            pass
    return name, raw


def _no_refs(root: str, ops: tuple[Any, ...], scope: Scope) -> Any:
    return Unknown(f"reference to {root} is not allowed here")


class Joins:
    """`TfContext` queries over a list of evaluated resources (shared by the HCL and plan readers)."""

    scope: str
    _by_type: dict[str, list[TfResource]]
    _links: dict[tuple[str, str], dict[Any, list[TfResource]]]

    def index(self, resources: Iterable[TfResource]) -> None:
        """Index resources by type."""
        self._by_type = {}
        self._links = {}
        for resource in resources:
            self._by_type.setdefault(resource.type, []).append(resource)

    def of_type(self, type_: str) -> list[TfResource]:
        """Every resource of a type in the configuration."""
        return list(self._by_type.get(type_, ()))

    def linked(self, target: TfResource, type_: str, by: str) -> list[TfResource]:
        """Resources of `type_` whose attribute `by` refers to `target` (by reference or by literal name/id)."""
        index = self._links.get((type_, by))
        if index is None:
            index = self._links[(type_, by)] = self._link_index(type_, by)
        if not index:
            return []
        found: list[TfResource] = []
        keys: list[Any] = [target.address]
        keys += [("literal", v) for k in _IDENTITY_KEYS if isinstance(v := target.values.get(k), str)]
        for key in keys:
            for candidate in index.get(key, ()):
                if not any(candidate is f for f in found):
                    found.append(candidate)
        return found

    def _link_index(self, type_: str, by: str) -> dict[Any, list[TfResource]]:
        # One pass per (type, attribute): a reference `<address>.<attr>` (or `<address>`) and literal names.
        index: dict[Any, list[TfResource]] = {}
        for candidate in self._by_type.get(type_, ()):
            value = candidate.get(by)
            keys: set[Any] = set()
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, Unknown) and item.source:
                    keys.add(item.source)
                    keys.add(item.source.rsplit(".", 1)[0])
                elif isinstance(item, str):
                    keys.add(("literal", item))
            for key in keys:
                index.setdefault(key, []).append(candidate)
        return index


class Configuration(Joins):
    """A whole root module with its modules, evaluated; also the `TfContext` mappers query."""

    def __init__(self, root: str, scope: str, var_files: Sequence[str] = (), variables: Mapping[str, Any] | None = None,
                 parsed: Mapping[str, HclFile | HclSyntaxError] | None = None) -> None:
        self.root = root
        self.scope = scope
        self.problems: list[Problem] = []
        self.resources: list[TfResource] = []
        self._by_type: dict[str, list[TfResource]] = {}
        self._defs: dict[str, _ModuleDef | None] = {}
        self._parsed = dict(parsed or {})
        self._remote = self._read_modules_json()
        root_vars = self._root_variables(var_files, variables or {})
        definition = self._module_def(root)
        if definition is None:
            return
        instance = _Instance(self, definition, "", root_vars, None, {}, root, "")
        instance.providers = instance.own_providers({})
        instance.expand_all()
        self.index(self.resources)

    # -- loading ---------------------------------------------------------------------------------
    def _file(self, path: str) -> HclFile | None:
        parsed = self._parsed.get(path)
        if parsed is None:
            try:
                parsed = parse_file(path)
            except HclSyntaxError as exc:
                parsed = exc
            except OSError as exc:
                self.problems.append(Problem(path, 1, f"cannot read the file: {exc.strerror or exc}"))
                return None
            self._parsed[path] = parsed
        if isinstance(parsed, HclSyntaxError):
            problem = Problem(parsed.file, parsed.line, f"HCL syntax error at column {parsed.column}: {parsed.detail}")
            if problem not in self.problems:
                self.problems.append(problem)
            return None
        return parsed

    def _module_def(self, directory: str) -> _ModuleDef | None:
        key = os.path.normpath(directory)
        if key in self._defs:
            return self._defs[key]
        definition = _ModuleDef(key)
        self._defs[key] = definition
        for path in tf_files(key):
            parsed = self._file(path)
            if parsed is None:
                continue
            for block in parsed.blocks:
                self._add_block(definition, block, parsed)
        return definition

    def _add_block(self, definition: _ModuleDef, block: Block, parsed: HclFile) -> None:
        labels = block.labels
        if block.type == "resource" and len(labels) == 2:
            definition.resources[(labels[0], labels[1])] = _Resource(block, parsed.path, parsed.comments)
        elif block.type == "data" and len(labels) == 2:
            definition.data.add((labels[0], labels[1]))
        elif block.type == "variable" and labels:
            definition.variables[labels[0]] = (block, parsed.path)
        elif block.type == "locals":
            for name, expr in block.attrs.items():
                definition.locals[name] = (expr, parsed.path, block.attr_lines.get(name, block.line))
        elif block.type == "output" and labels and "value" in block.attrs:
            definition.outputs[labels[0]] = block.attrs["value"]
        elif block.type == "module" and labels:
            definition.modules[labels[0]] = (block, parsed.path)
        elif block.type == "provider" and labels:
            definition.providers.append((block, parsed.path))

    def _read_modules_json(self) -> dict[str, str]:
        path = os.path.join(self.root, ".terraform", "modules", "modules.json")
        if not os.path.exists(path):
            return {}
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
            return {m["Key"]: os.path.join(self.root, m["Dir"]) for m in data.get("Modules", []) if m.get("Key")}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            self.problems.append(Problem(path, 1, f"cannot read modules.json: {exc}"))
            return {}

    def _root_variables(self, var_files: Sequence[str], variables: Mapping[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        auto = [os.path.join(self.root, "terraform.tfvars")]
        auto += sorted(glob.glob(os.path.join(glob.escape(self.root), "*.auto.tfvars")))
        for path in [p for p in auto if os.path.exists(p)] + list(var_files):
            values.update(self._tfvars(path))
        values.update(variables)
        return values

    def _tfvars(self, path: str) -> dict[str, Any]:
        if path.endswith(".json"):
            try:
                with open(path, encoding="utf-8") as handle:
                    data = json.load(handle)
                if isinstance(data, dict):
                    return data
                self.problems.append(Problem(path, 1, "a .tfvars.json file must hold a JSON object"))
            except (OSError, ValueError) as exc:
                self.problems.append(Problem(path, getattr(exc, "lineno", 1), f"cannot read the variables file: {exc}"))
            return {}
        parsed = self._file(path)
        if parsed is None:
            return {}
        scope = Scope(_no_refs)
        return {name: evaluate(expr, scope) for name, expr in parsed.attrs.items()}

    def add(self, resource: TfResource) -> None:
        """Record an evaluated resource instance."""
        self.resources.append(resource)

    def problem(self, file: str, line: int, message: str) -> None:
        """Record a problem once."""
        problem = Problem(file, line, message)
        if problem not in self.problems:
            self.problems.append(problem)

    def child_dir(self, parent_dir: str, source: str, key: str, file: str, line: int) -> str | None:
        """The directory of a module source: local path, or one `terraform init` downloaded."""
        if source.startswith(("./", "../")) or source in (".", ".."):
            path = os.path.normpath(os.path.join(parent_dir, source))
            if not os.path.isdir(path):
                self.problem(file, line, f"module source {source!r} cannot be read: {path} is not a directory")
                return None
            return path
        if key in self._remote and os.path.isdir(self._remote[key]):
            return self._remote[key]
        self.problem(file, line, f"module source {source!r} is not present under .terraform/modules "
                                 "(run `terraform init` first; govscan never downloads modules)")
        return None


def block_mutes(block: Block, file: str, comments: Mapping[int, str],
                problem: Callable[[str, int, str], None]) -> tuple[Mute, ...]:
    """Suppressions written on, inside or right above a block; malformed ones are reported and ignored."""
    lines = [n for n in range(block.line, block.end_line + 1) if n in comments]
    above = block.line - 1
    while above in comments:
        lines.append(above)
        above -= 1
    mutes = []
    for line in sorted(lines):
        text = comments[line]
        if "govscan:ignore" not in text:
            continue
        body = text.lstrip("#/ *").rstrip("*/ ").strip()
        match = _IGNORE.search(body)
        if match is None:
            problem(file, line, "malformed suppression: expected `# govscan:ignore GC-XXX-NNN [exp=YYYY-MM-DD] reason`; ignored")
            continue
        reason = match.group("reason").strip()
        expires = match.group("exp")
        if expires is not None and not _DATE.match(expires):
            problem(file, line, f"suppression expiry {expires!r} is not YYYY-MM-DD; ignored")
            continue
        if not reason:
            problem(file, line, "suppression without a reason; ignored (a reason is mandatory)")
            continue
        for check in re.split(r"\s*,\s*", match.group("ids")):
            mutes.append(Mute(check.upper(), reason, expires, line))
    return tuple(mutes)


def static_lines(block: Block, prefix: str = "") -> dict[str, int]:
    """Attribute lines of a block without evaluating it (nested blocks numbered in order; dynamic ones skipped)."""
    lines = {prefix + attr: line for attr, line in block.attr_lines.items()}
    counts: dict[str, int] = {}
    for nested in block.blocks:
        if nested.type in META_ARGS or nested.type == "dynamic":
            continue
        index = counts.get(nested.type, 0)
        counts[nested.type] = index + 1
        lines.setdefault(f"{prefix}{nested.type}", nested.line)
        lines[f"{prefix}{nested.type}.{index}"] = nested.line
        lines.update(static_lines(nested, f"{prefix}{nested.type}.{index}."))
    return lines


@dataclass(frozen=True)
class SourcePosition:
    """Where a resource is declared: file, line, attribute lines and suppressions."""

    file: str
    line: int
    attr_lines: Mapping[str, int]
    mutes: tuple[Mute, ...]


def source_positions(root: str) -> tuple[dict[str, SourcePosition], list[Problem]]:
    """Declarations of every resource under a root module, by static address (`module.a.aws_x.y`, no keys).

    Used to give plan findings their file, line and suppressions when the plan sits in its root module.
    """
    problems: list[Problem] = []
    out: dict[str, SourcePosition] = {}
    remote: dict[str, str] = {}
    modules_json = os.path.join(root, ".terraform", "modules", "modules.json")
    if os.path.exists(modules_json):
        try:
            with open(modules_json, encoding="utf-8") as handle:
                remote = {m["Key"]: os.path.join(root, m["Dir"]) for m in json.load(handle).get("Modules", []) if m.get("Key")}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            remote = {}

    def note(file: str, line: int, message: str) -> None:
        problem = Problem(file, line, message)
        if problem not in problems:
            problems.append(problem)

    def walk(directory: str, prefix: str, key: str, depth: int) -> None:
        if depth > 20:
            return
        for path in tf_files(directory):
            try:
                parsed = parse_file(path)
            except (HclSyntaxError, OSError):
                continue  # the plan is the source of truth; positions are a best effort
            for block in parsed.blocks:
                if block.type == "resource" and len(block.labels) == 2:
                    address = f"{prefix}{block.labels[0]}.{block.labels[1]}"
                    out.setdefault(address, SourcePosition(path, block.line, static_lines(block),
                                                           block_mutes(block, path, parsed.comments, note)))
                elif block.type == "module" and block.labels and block.attrs.get("source", ("",))[0] == "lit":
                    source = block.attrs["source"][1]
                    name = block.labels[0]
                    child_key = f"{key}.{name}" if key else name
                    if isinstance(source, str) and source.startswith(("./", "../")):
                        child = os.path.normpath(os.path.join(directory, source))
                    else:
                        child = remote.get(child_key, "")
                    if child and os.path.isdir(child):
                        walk(child, f"{prefix}module.{name}.", child_key, depth + 1)

    walk(root, "", "", 0)
    return out, problems


def _ref_name(expr: Expr) -> str | None:
    """`aws.tokyo` for a reference expression, `aws` for a bare one, else None."""
    if expr[0] == "ref" and isinstance(expr[1], str):
        parts = [expr[1]] + [op[1] for op in expr[2] if op[0] == "attr"]
        return ".".join(parts)
    if expr[0] == "lit" and isinstance(expr[1], str):
        return expr[1]
    return None


class ResourceValue(dict[str, Any]):
    """The configured values of a resource instance; a missing attribute is known only after apply."""

    address: str = ""


def _resource_traverse(value: Any, ops: tuple[Any, ...], scope: Scope, label: str) -> Any:
    """Traverse into resource values, turning computed attributes into Unknowns with a join source."""
    if isinstance(value, ResourceValue):
        if not ops:
            return value
        op = ops[0]
        if op[0] == "attr":
            name = op[1]
            source = f"{value.address}.{name}"
            if name not in value:
                return Unknown(f"{source} is known only after apply", source)
            inner = value[name]
            if isinstance(inner, Unknown):
                return Unknown(inner.reason, source)
            result = traverse(inner, ops[1:], scope, source)
            if isinstance(result, Unknown) and not result.source:
                return Unknown(result.reason, source)
            return result
        return traverse(value, ops, scope, label)
    if isinstance(value, list | dict) and ops and ops[0][0] in ("index", "splat"):
        op = ops[0]
        if op[0] == "splat":
            items = list(value.values()) if isinstance(value, dict) else value
            return [_resource_traverse(item, ops[1:], scope, label) for item in items]
        step = traverse(value, ops[:1], scope, label)
        return _resource_traverse(step, ops[1:], scope, label)
    return traverse(value, ops, scope, label)


class _Instance:
    """One instance of a module (the root, or `module.x[0]`), evaluating its names lazily."""

    def __init__(self, config: Configuration, definition: _ModuleDef, path: str, var_values: Mapping[str, Any],
                 parent: _Instance | None, providers: Mapping[str, Mapping[str, Any]], root_dir: str, key: str) -> None:
        self.config = config
        self.definition = definition
        self.path = path  # "" or "module.net" or "module.net[0].module.sub"
        self.key = key  # modules.json key: "net" or "net.sub"
        self.var_values = dict(var_values)
        self.parent = parent
        self.providers: dict[str, Mapping[str, Any]] = dict(providers)
        self.root_dir = root_dir
        self._locals: dict[str, Any] = {}
        self._resources: dict[tuple[str, str], Any] = {}
        self._modules: dict[str, Any] = {}
        self._busy: set[str] = set()
        self.scope = Scope(self.resolve)

    # -- name resolution ---------------------------------------------------------------------------
    def resolve(self, root: str, ops: tuple[Any, ...], scope: Scope) -> Any:
        """Resolve a reference root (var, local, module, data, path, a resource type)."""
        if root in ("var", "local", "module", "data", "path") and (not ops or ops[0][0] != "attr"):
            return Unknown(f"reference {root} without a name")
        if root == "var":
            return traverse(self.variable(ops[0][1]), ops[1:], scope, f"var.{ops[0][1]}")
        if root == "local":
            return _resource_traverse(self.local(ops[0][1]), ops[1:], scope, f"local.{ops[0][1]}")
        if root == "module":
            return _resource_traverse(self.module_outputs(ops[0][1]), ops[1:], scope, f"module.{ops[0][1]}")
        if root == "data":
            name = ".".join(op[1] for op in ops[:2] if op[0] == "attr")
            attr = ".".join(op[1] for op in ops[2:3] if op[0] == "attr")
            source = f"{self._prefix()}data.{name}" + (f".{attr}" if attr else "")
            return Unknown(f"data source data.{name} is read only at plan time", source)
        if root == "path":
            where = {"module": self.definition.dir, "root": self.root_dir, "cwd": self.root_dir}.get(ops[0][1])
            return where if where is not None else Unknown(f"path.{ops[0][1]} is not known")
        if root == "terraform":
            return "default" if ops and ops[0] == ("attr", "workspace") else Unknown("terraform.* is not known")
        if root in ("self", "count", "each"):
            return Unknown(f"{root} is not available here")
        if not ops or ops[0][0] != "attr":
            return Unknown(f"reference {root} is not known")
        name = ops[0][1]
        if (root, name) not in self.definition.resources:
            return Unknown(f"reference to undeclared resource {root}.{name}")
        return _resource_traverse(self.resource_value(root, name), ops[1:], scope, f"{root}.{name}")

    def _prefix(self) -> str:
        return f"{self.path}." if self.path else ""

    def variable(self, name: str) -> Any:
        """A variable's value: given, else its default, else Unknown."""
        if name in self.var_values:
            return self.var_values[name]
        declared = self.definition.variables.get(name)
        if declared is None:
            return Unknown(f"variable {name} is not declared", f"var.{name}")
        block, _ = declared
        if "default" in block.attrs:
            value = evaluate(block.attrs["default"], Scope(_no_refs))
            self.var_values[name] = value
            return value
        return Unknown(f"variable {name} has no value (no default, tfvars or --var)", f"var.{name}")

    def local(self, name: str) -> Any:
        """A local value, evaluated once."""
        if name in self._locals:
            return self._locals[name]
        if name not in self.definition.locals:
            return Unknown(f"local.{name} is not declared")
        key = f"local.{name}"
        if key in self._busy:
            return Unknown(f"local.{name} refers to itself")
        self._busy.add(key)
        try:
            value = evaluate(self.definition.locals[name][0], self.scope)
        finally:
            self._busy.discard(key)
        self._locals[name] = value
        return value

    # -- resources ---------------------------------------------------------------------------------
    def resource_value(self, type_: str, name: str) -> Any:
        """The instances of a resource: one ResourceValue, a list (count) or a dict (for_each)."""
        key = (type_, name)
        if key in self._resources:
            return self._resources[key]
        label = f"{type_}.{name}"
        if label in self._busy:
            return Unknown(f"{self._prefix()}{label} refers to itself")
        self._busy.add(label)
        try:
            value = self._expand_resource(type_, name)
        finally:
            self._busy.discard(label)
        self._resources[key] = value
        return value

    def _instances(self, block: Block, file: str) -> tuple[str, list[tuple[str, dict[str, Any]]]] | Unknown:
        """`(mode, [(address suffix, symbols)])` from count / for_each, or the Unknown that stops expansion."""
        if "count" in block.attrs:
            count = evaluate(block.attrs["count"], self.scope)
            if isinstance(count, Unknown):
                return Unknown(f"count is not known: {count.reason}", count.source)
            if isinstance(count, bool) or not isinstance(count, int | float) or count < 0:
                self.config.problem(file, block.attr_lines.get("count", block.line), f"count is not a number: {count!r}")
                return Unknown(f"count is not a number: {count!r}")
            return "count", [(f"[{i}]", {"count": {"index": i}}) for i in range(int(count))]
        if "for_each" in block.attrs:
            each = evaluate(block.attrs["for_each"], self.scope)
            if isinstance(each, Unknown):
                return Unknown(f"for_each is not known: {each.reason}", each.source)
            if isinstance(each, Mapping):
                items = list(each.items())
            elif isinstance(each, list):
                if any(isinstance(v, Unknown) for v in each):
                    return Unknown("for_each has an element that is not known")
                items = [(str(v), v) for v in each]
            else:
                return Unknown(f"for_each is not a map or set: {each!r}")
            return "for_each", [(f"[{json.dumps(str(k))}]", {"each": {"key": str(k), "value": v}}) for k, v in items]
        return "single", [("", {})]

    def _expand_resource(self, type_: str, name: str) -> Any:
        item = self.config_resource(type_, name)
        block, file = item.block, item.file
        base = f"{self._prefix()}{type_}.{name}"
        expansion = self._instances(block, file)
        if isinstance(expansion, Unknown):
            # How many instances is not known: keep one, whose count/each values are unknown.
            mode = "unknown"
            instances = [("", {"count": {"index": expansion}, "each": {"key": expansion, "value": expansion}})]
        else:
            mode, instances = expansion
        built: list[tuple[str, ResourceValue]] = []
        mutes = self._mutes(item)
        provider_key = _ref_name(block.attrs["provider"]) if "provider" in block.attrs else type_.split("_")[0]
        provider_config = self.providers.get(provider_key or "", {})
        if provider_key and "." in provider_key and provider_key not in self.providers:
            self.config.problem(file, block.attr_lines.get("provider", block.line),
                                f"provider configuration {provider_key} is not declared")
        for suffix, symbols in instances:
            scope = self.scope.child(**symbols)
            values, lines = self.block_values(block, scope, "")
            value = ResourceValue(values)
            value.address = base + suffix
            built.append((suffix, value))
            self.config.add(TfResource(
                address=base + suffix, type=type_, name=name, values=value, file=file, line=block.line,
                attr_lines=lines, provider_config=provider_config, module=self.path, mutes=mutes,
            ))
        if mode == "count":
            return [v for _, v in built]
        if mode == "for_each":
            return {json.loads(s[1:-1]): v for s, v in built}
        return built[0][1] if built else Unknown(f"{base} has no instances")

    def config_resource(self, type_: str, name: str) -> _Resource:
        """The declaration of a resource."""
        return self.definition.resources[(type_, name)]

    def block_values(self, block: Block, scope: Scope, prefix: str) -> tuple[dict[str, Any], dict[str, int]]:
        """Evaluate a block's attributes and nested blocks (lists of dicts), with the line of each."""
        values: dict[str, Any] = {}
        lines: dict[str, int] = {}
        top = not prefix
        for attr, expr in block.attrs.items():
            if top and attr in META_ARGS:
                lines[attr] = block.attr_lines.get(attr, block.line)  # `provider = aws.us` decides the region
                continue
            values[attr] = evaluate(expr, scope)
            lines[prefix + attr] = block.attr_lines.get(attr, block.line)
        for nested in block.blocks:
            if top and nested.type in META_ARGS:
                continue
            if nested.type == "dynamic" and nested.labels:
                self._dynamic(nested, scope, prefix, values, lines)
                continue
            entries = values.setdefault(nested.type, [])
            if not isinstance(entries, list):
                continue
            index = len(entries)
            inner_values, inner_lines = self.block_values(nested, scope, f"{prefix}{nested.type}.{index}.")
            entries.append(inner_values)
            lines.setdefault(f"{prefix}{nested.type}", nested.line)
            lines[f"{prefix}{nested.type}.{index}"] = nested.line
            lines.update(inner_lines)
        return values, lines

    def _dynamic(self, block: Block, scope: Scope, prefix: str, values: dict[str, Any], lines: dict[str, int]) -> None:
        label = block.labels[0]
        content = next((b for b in block.blocks if b.type == "content"), None)
        iterator = _ref_name(block.attrs["iterator"]) if "iterator" in block.attrs else label
        each = evaluate(block.attrs["for_each"], scope) if "for_each" in block.attrs else Unknown("dynamic block without for_each")
        lines.setdefault(f"{prefix}{label}", block.line)
        if content is None:
            return
        if isinstance(each, Unknown):
            values[label] = Unknown(f"dynamic {label} blocks are not known: {each.reason}", each.source)
            return
        items = list(each.items()) if isinstance(each, Mapping) else list(enumerate(each)) if isinstance(each, list) else []
        entries = values.setdefault(label, [])
        if not isinstance(entries, list):
            return
        for key, item in items:
            index = len(entries)
            inner_scope = scope.child(**{iterator or label: {"key": key, "value": item}})
            inner_values, inner_lines = self.block_values(content, inner_scope, f"{prefix}{label}.{index}.")
            entries.append(inner_values)
            lines[f"{prefix}{label}.{index}"] = content.line
            lines.update(inner_lines)

    def _mutes(self, item: _Resource) -> tuple[Mute, ...]:
        """Suppressions written on, inside or right above the resource block."""
        return block_mutes(item.block, item.file, item.comments, self.config.problem)

    # -- modules and providers ---------------------------------------------------------------------
    def own_providers(self, inherited: Mapping[str, Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
        """Provider configurations in force: inherited ones, overridden by this module's provider blocks."""
        out = dict(inherited)
        for block, _ in self.definition.providers:
            values, _lines = self.block_values(block, self.scope, "")
            alias = values.get("alias")
            key = f"{block.labels[0]}.{alias}" if isinstance(alias, str) else block.labels[0]
            out[key] = values
        return out

    def expand_all(self) -> None:
        """Evaluate every resource and every module of this instance."""
        for type_, name in list(self.definition.resources):
            self.resource_value(type_, name)
        for name in list(self.definition.modules):
            self.module_instances(name)

    def module_outputs(self, name: str) -> Any:
        """A module's outputs: an object, a list (count) or a map (for_each) of objects."""
        instances = self.module_instances(name)
        if isinstance(instances, Unknown):
            return instances

        def outputs(instance: _Instance) -> Any:
            out = ResourceValue()
            out.address = instance.path
            for output, expr in instance.definition.outputs.items():
                out[output] = evaluate(expr, instance.scope)
            return out

        if isinstance(instances, list):
            return [outputs(i) for i in instances]
        if isinstance(instances, dict):
            return {k: outputs(i) for k, i in instances.items()}
        return outputs(instances)

    def module_instances(self, name: str) -> Any:
        """The instances of a module call, created and expanded once."""
        if name in self._modules:
            return self._modules[name]
        declared = self.definition.modules.get(name)
        if declared is None:
            return Unknown(f"module.{name} is not declared")
        busy = f"module.{name}"
        if busy in self._busy:
            return Unknown(f"module.{name} refers to itself")
        self._busy.add(busy)
        try:
            value = self._expand_module(name, *declared)
        finally:
            self._busy.discard(busy)
        self._modules[name] = value
        return value

    def _expand_module(self, name: str, block: Block, file: str) -> Any:
        source = evaluate(block.attrs["source"], Scope(_no_refs)) if "source" in block.attrs else None
        if not isinstance(source, str):
            self.config.problem(file, block.line, f"module {name} has no literal source")
            return Unknown(f"module.{name} source is not known")
        key = f"{self.key}.{name}" if self.key else name
        directory = self.config.child_dir(self.definition.dir, source, key, file, block.attr_lines.get("source", block.line))
        if directory is None:
            return Unknown(f"module.{name} source {source!r} cannot be read")
        if self.path.count("module.") > 20:
            self.config.problem(file, block.line, f"module nesting deeper than 20 levels at module {name}")
            return Unknown("module nesting too deep")
        definition = self.config._module_def(directory)
        if definition is None:
            return Unknown(f"module.{name} cannot be read")
        expansion = self._instances(block, file)
        if isinstance(expansion, Unknown):
            mode, instances = "unknown", [("", {"count": {"index": expansion}, "each": {"key": expansion, "value": expansion}})]
        else:
            mode, instances = expansion
        providers = self._module_providers(block)
        built = []
        for suffix, symbols in instances:
            scope = self.scope.child(**symbols)
            args = {a: evaluate(e, scope) for a, e in block.attrs.items() if a not in MODULE_META}
            path = f"{self._prefix()}module.{name}{suffix}"
            child = _Instance(self.config, definition, path, args, self, providers, self.root_dir, key)
            child.providers = child.own_providers(providers)
            built.append((suffix, child))
        for _, child in built:
            child.expand_all()
        if mode == "count":
            return [c for _, c in built]
        if mode == "for_each":
            return {json.loads(s[1:-1]): c for s, c in built}
        return built[0][1]

    def _module_providers(self, block: Block) -> dict[str, Mapping[str, Any]]:
        out = dict(self.providers)
        mapping = block.attrs.get("providers")
        if mapping is not None and mapping[0] == "object":
            for key_expr, value_expr in mapping[1]:
                child_key, parent_key = _ref_name(key_expr), _ref_name(value_expr)
                if child_key and parent_key:
                    out[child_key] = self.providers.get(parent_key, {})
        return out


def load(root: str, scope: str | None = None, var_files: Sequence[str] = (), variables: Mapping[str, Any] | None = None,
         parsed: Mapping[str, HclFile | HclSyntaxError] | None = None) -> Configuration:
    """Read and evaluate the root module in `root`."""
    return Configuration(root, scope if scope is not None else root, var_files, variables, parsed)

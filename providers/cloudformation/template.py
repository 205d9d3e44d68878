"""CloudFormation templates (YAML with short-form tags, and JSON), with the line of every resource and
property, Parameters with defaults, Conditions, Mappings and the intrinsic functions evaluated
statically. What only deployment knows (`Fn::GetAtt`, `Ref` to a resource, `AWS::AccountId`) is
`Unknown`, with the referenced `LogicalId[.Attribute]` as its source for joins."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from scanner.model import Mute, Unknown

INTRINSICS = ("Ref", "Condition", "Fn::Base64", "Fn::Cidr", "Fn::FindInMap", "Fn::GetAtt", "Fn::GetAZs", "Fn::If",
              "Fn::ImportValue", "Fn::Join", "Fn::Select", "Fn::Split", "Fn::Sub", "Fn::Transform", "Fn::And",
              "Fn::Equals", "Fn::Not", "Fn::Or", "Fn::Length", "Fn::ToJsonString")
_NO_VALUE = object()
_IGNORE = re.compile(r"govscan:ignore\s+(?P<ids>GC-[A-Za-z0-9]+-\d+(?:\s*,\s*GC-[A-Za-z0-9]+-\d+)*)"
                     r"(?:\s+exp=(?P<exp>\d{4}-\d{2}-\d{2}))?(?P<reason>.*)$")


class TemplateError(Exception):
    """A file that is not a readable CloudFormation template: names the file and line."""

    def __init__(self, file: str, line: int, detail: str) -> None:
        super().__init__(f"{file}:{line}: {detail}")
        self.file = file
        self.line = line
        self.detail = detail


@dataclass(frozen=True)
class Problem:
    """A problem in a template that did not stop the rest from being read."""

    file: str
    line: int
    message: str


@dataclass
class CfnResource:
    """One resource of a template, with evaluated properties."""

    logical_id: str
    type: str
    properties: Mapping[str, Any]
    file: str
    line: int
    prop_lines: Mapping[str, int] = field(default_factory=dict)
    mutes: tuple[Mute, ...] = ()

    @property
    def address(self) -> str:
        """`AWS::S3::Bucket.LogicalId`, the resource id in reports."""
        return f"{self.type}.{self.logical_id}"

    def get(self, path: str, default: Any = None) -> Any:
        """The property at a dotted path; Unknown on the way is returned as it is."""
        current: Any = self.properties
        for part in path.split("."):
            if isinstance(current, Unknown):
                return current
            if isinstance(current, Mapping) and part in current:
                current = current[part]
            elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
                current = current[int(part)]
            else:
                return default
        return current

    def line_of(self, prop: str) -> int:
        """The line of a top-level property, else of the resource."""
        return self.prop_lines.get(prop.split(".")[0], self.line)


@dataclass
class Template:
    """An evaluated template."""

    file: str
    scope: str
    region: str | None
    resources: list[CfnResource]
    problems: list[Problem]

    def of_type(self, type_: str) -> list[CfnResource]:
        """Every resource of a CloudFormation type."""
        return [r for r in self.resources if r.type == type_]

    def linked(self, target: CfnResource, type_: str, prop: str) -> list[CfnResource]:
        """Resources of `type_` whose property `prop` refers to `target` (Ref, GetAtt or Sub)."""
        out = []
        for candidate in self.of_type(type_):
            value = candidate.get(prop)
            values = value if isinstance(value, list) else [value]
            for item in values:
                if isinstance(item, Unknown) and (item.source == target.logical_id
                                                  or item.source.startswith(target.logical_id + ".")):
                    out.append(candidate)
                    break
        return out

    def by_logical_id(self, source: str) -> CfnResource | None:
        """The resource a `LogicalId[.Attr]` source names."""
        logical = source.split(".")[0]
        return next((r for r in self.resources if r.logical_id == logical), None)


# -- reading -----------------------------------------------------------------------------------------
def _yaml_loader() -> Any:
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    return Loader


def _compose(text: str, file: str) -> Any:
    import yaml

    try:
        return yaml.compose(text, Loader=_yaml_loader())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise TemplateError(file, line, f"YAML syntax error: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise TemplateError(file, 1, f"YAML error: {exc}") from None
    except RecursionError:
        raise TemplateError(file, 1, "YAML nested too deeply") from None


_SHORT = {"!Ref": "Ref", "!Condition": "Condition", "!GetAtt": "Fn::GetAtt"}


class _NodeReader:
    """YAML nodes to plain values, expanding short-form tags to their `Fn::` long form."""

    def __init__(self, file: str) -> None:
        self.file = file

    def value(self, node: Any) -> Any:
        import yaml

        tag = node.tag or ""
        if tag.startswith("!"):
            name = _SHORT.get(tag, "Fn::" + tag[1:])
            if isinstance(node, yaml.ScalarNode):
                inner: Any = node.value
                if name == "Fn::GetAtt" and isinstance(inner, str):
                    inner = inner.split(".", 1)
            else:
                inner = self.value(_untag(node))
            return {name: inner}
        if isinstance(node, yaml.MappingNode):
            out = {}
            for key_node, value_node in node.value:
                key = self.value(key_node)
                if not isinstance(key, str | int | float | bool) and key is not None:
                    raise TemplateError(self.file, key_node.start_mark.line + 1, "a mapping key is not a scalar")
                out[str(key)] = self.value(value_node)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item) for item in node.value]
        return _scalar(node)


def _untag(node: Any) -> Any:
    import yaml

    if isinstance(node, yaml.MappingNode):
        return yaml.MappingNode("tag:yaml.org,2002:map", node.value, node.start_mark, node.end_mark)
    if isinstance(node, yaml.SequenceNode):
        return yaml.SequenceNode("tag:yaml.org,2002:seq", node.value, node.start_mark, node.end_mark)
    return node


_INT = re.compile(r"^[-+]?\d+$")
_FLOAT = re.compile(r"^[-+]?(\d+\.\d*|\.\d+)([eE][-+]?\d+)?$")


def _scalar(node: Any) -> Any:
    value = node.value
    if node.style in ("'", '"', "|", ">"):
        return value
    lower = value.lower()
    if lower in ("true", "yes", "on"):
        return True if lower == "true" else value
    if lower == "false":
        return False
    if lower in ("null", "~", ""):
        return None
    if _INT.match(value):
        return int(value)
    if _FLOAT.match(value):
        return float(value)
    return value


def _yaml_lines(root: Any) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """Lines of each resource and of each resource's top-level properties."""
    import yaml

    resource_lines: dict[str, int] = {}
    prop_lines: dict[str, dict[str, int]] = {}
    if not isinstance(root, yaml.MappingNode):
        return resource_lines, prop_lines
    for key, value in root.value:
        if key.value != "Resources" or not isinstance(value, yaml.MappingNode):
            continue
        for logical, body in value.value:
            resource_lines[str(logical.value)] = logical.start_mark.line + 1
            props = prop_lines.setdefault(str(logical.value), {})
            if isinstance(body, yaml.MappingNode):
                for attr, attr_value in body.value:
                    if attr.value == "Properties" and isinstance(attr_value, yaml.MappingNode):
                        for prop, _ in attr_value.value:
                            props[str(prop.value)] = prop.start_mark.line + 1
    return resource_lines, prop_lines


def _json_lines(text: str, resources: Mapping[str, Any]) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    resource_lines: dict[str, int] = {}
    prop_lines: dict[str, dict[str, int]] = {}
    start = text.find('"Resources"')
    for logical, body in resources.items():
        match = re.compile(r'"' + re.escape(logical) + r'"\s*:').search(text, max(start, 0))
        if match is None:
            continue
        line = text.count("\n", 0, match.start()) + 1
        resource_lines[logical] = line
        props = prop_lines.setdefault(logical, {})
        if isinstance(body, Mapping) and isinstance(body.get("Properties"), Mapping):
            for prop in body["Properties"]:
                found = re.compile(r'"' + re.escape(prop) + r'"\s*:').search(text, match.end())
                if found is not None:
                    props[prop] = text.count("\n", 0, found.start()) + 1
    return resource_lines, prop_lines


def _comments(text: str) -> dict[int, str]:
    out = {}
    for number, line in enumerate(text.splitlines(), start=1):
        position = line.find("#")
        if position >= 0 and "govscan:ignore" in line[position:]:
            out[number] = line[position:]
    return out


def parse_template(text: str, file: str, region: str | None = None, scope: str | None = None) -> Template:
    """Read a template from text; TemplateError naming file and line when it is not a CloudFormation template."""
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise TemplateError(file, getattr(exc, "lineno", 1), f"not valid JSON: {getattr(exc, 'msg', exc)}") from None
        except RecursionError:
            raise TemplateError(file, 1, "JSON nested too deeply") from None
        lines_of = lambda resources: _json_lines(text, resources)  # noqa: E731
    else:
        root = _compose(text, file)
        if root is None:
            raise TemplateError(file, 1, "empty file: not a CloudFormation template")
        try:
            data = _NodeReader(file).value(root)
        except RecursionError:
            raise TemplateError(file, 1, "YAML nested too deeply") from None
        lines_of = lambda _resources: _yaml_lines(root)  # noqa: E731
    if not isinstance(data, Mapping):
        raise TemplateError(file, 1, "not a CloudFormation template: the document is not a mapping")
    resources = data.get("Resources")
    if not isinstance(resources, Mapping) or not resources:
        raise TemplateError(file, 1, "not a CloudFormation template: no Resources section")
    resource_lines, prop_lines = lines_of(resources)
    return _Evaluator(file, scope or file, region, data, resource_lines, prop_lines, _comments(text)).template()


def load_template(file: str, region: str | None = None, scope: str | None = None) -> Template:
    """Read a template file."""
    try:
        with open(file, "rb") as handle:
            raw = handle.read()
        text = raw.decode("utf-8")
    except OSError as exc:
        raise TemplateError(file, 1, f"cannot read the file: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise TemplateError(file, 1, "not UTF-8 text") from None
    return parse_template(text, file, region, scope)


# -- evaluation --------------------------------------------------------------------------------------
class _Evaluator:
    def __init__(self, file: str, scope: str, region: str | None, data: Mapping[str, Any], resource_lines: dict[str, int],
                 prop_lines: dict[str, dict[str, int]], comments: dict[int, str]) -> None:
        self.file = file
        self.scope = scope
        self.region = region
        self.data = data
        self.resource_lines = resource_lines
        self.prop_lines = prop_lines
        self.comments = comments
        self.problems: list[Problem] = []
        self.parameters: dict[str, Any] = {}
        params = data.get("Parameters") or {}
        if isinstance(params, Mapping):
            for name, spec in params.items():
                if isinstance(spec, Mapping) and "Default" in spec:
                    default = spec["Default"]
                    if spec.get("Type") == "CommaDelimitedList" and isinstance(default, str):
                        default = [s.strip() for s in default.split(",")]
                    self.parameters[name] = default
                else:
                    self.parameters[name] = Unknown(f"parameter {name} has no default (set at deploy time)", f"parameter {name}")
        self.mappings = data.get("Mappings") if isinstance(data.get("Mappings"), Mapping) else {}
        self.conditions = data.get("Conditions") if isinstance(data.get("Conditions"), Mapping) else {}
        self._condition_cache: dict[str, Any] = {}
        self.logical_ids = set(data.get("Resources") or {})

    def template(self) -> Template:
        resources: list[CfnResource] = []
        for logical, body in self.data["Resources"].items():
            line = self.resource_lines.get(logical, 1)
            if not isinstance(body, Mapping) or not isinstance(body.get("Type"), str):
                self.problems.append(Problem(self.file, line, f"resource {logical} has no Type"))
                continue
            condition = body.get("Condition")
            if isinstance(condition, str):
                state = self.condition(condition)
                if state is False:
                    continue
            props = body.get("Properties") or {}
            if not isinstance(props, Mapping):
                self.problems.append(Problem(self.file, line, f"resource {logical}: Properties is not a mapping"))
                continue
            try:
                value = self.evaluate(props, 0)
            except RecursionError:
                self.problems.append(Problem(self.file, line, f"resource {logical}: properties nested too deeply"))
                continue
            evaluated = value if isinstance(value, Mapping) else {}
            resources.append(CfnResource(logical, body["Type"], evaluated, self.file, line,
                                         self.prop_lines.get(logical, {}), self._mutes(logical, line)))
        return Template(self.file, self.scope, self.region, resources, self.problems)

    def _mutes(self, logical: str, line: int) -> tuple[Mute, ...]:
        lines = sorted(self.prop_lines.get(logical, {}).values())
        end = (max(lines) if lines else line)
        candidates = [n for n in range(line, end + 1) if n in self.comments]
        above = line - 1
        while above in self.comments:
            candidates.append(above)
            above -= 1
        mutes = []
        for number in sorted(candidates):
            match = _IGNORE.search(self.comments[number])
            reason = match.group("reason").strip() if match else ""
            if match is None or not reason:
                self.problems.append(Problem(self.file, number, "suppression without a check id and reason; ignored "
                                                                "(`# govscan:ignore GC-XXX-NNN [exp=YYYY-MM-DD] reason`)"))
                continue
            for check in re.split(r"\s*,\s*", match.group("ids")):
                mutes.append(Mute(check.upper(), reason, match.group("exp"), number))
        return tuple(mutes)

    def condition(self, name: str) -> Any:
        if name in self._condition_cache:
            return self._condition_cache[name]
        if name not in self.conditions:
            return Unknown(f"condition {name} is not declared")
        self._condition_cache[name] = Unknown(f"condition {name} refers to itself")
        value = self.evaluate(self.conditions[name], 0)
        if not isinstance(value, bool | Unknown):
            value = Unknown(f"condition {name} is not a boolean")
        self._condition_cache[name] = value
        return value

    def evaluate(self, value: Any, depth: int) -> Any:
        if depth > 64:
            return Unknown("expression nested too deeply")
        if isinstance(value, list):
            out = []
            for item in value:
                evaluated = self.evaluate(item, depth + 1)
                if evaluated is not _NO_VALUE:
                    out.append(evaluated)
            return out
        if not isinstance(value, Mapping):
            return value
        if len(value) == 1:
            (key, arg), = value.items()
            if key in INTRINSICS:
                return self.intrinsic(key, arg, depth + 1)
        out_map = {}
        for key, item in value.items():
            evaluated = self.evaluate(item, depth + 1)
            if evaluated is not _NO_VALUE:
                out_map[key] = evaluated
        return out_map

    def ref(self, name: Any) -> Any:
        if not isinstance(name, str):
            return Unknown("Ref of a non-string")
        if name == "AWS::Region":
            return self.region if self.region else Unknown("the region is set at deploy time: pass --region", "AWS::Region")
        if name == "AWS::NoValue":
            return _NO_VALUE
        if name == "AWS::Partition":
            return "aws"
        if name == "AWS::URLSuffix":
            return "amazonaws.com"
        if name.startswith("AWS::"):
            return Unknown(f"{name} is known only at deploy time", name)
        if name in self.parameters:
            return self.parameters[name]
        if name in self.logical_ids:
            return Unknown(f"Ref {name} is known only after deploy", name)
        return Unknown(f"Ref to undeclared {name}")

    def intrinsic(self, key: str, arg: Any, depth: int) -> Any:
        if key == "Ref":
            return self.ref(arg)
        if key == "Condition":
            return self.condition(arg) if isinstance(arg, str) else Unknown("Condition of a non-string")
        if key == "Fn::GetAtt":
            if isinstance(arg, str):
                arg = arg.split(".", 1)
            if isinstance(arg, list) and len(arg) == 2 and all(isinstance(a, str) for a in arg):
                return Unknown(f"{arg[0]}.{arg[1]} is known only after deploy", f"{arg[0]}.{arg[1]}")
            return Unknown("Fn::GetAtt with an unexpected argument")
        if key in ("Fn::GetAZs", "Fn::ImportValue", "Fn::Cidr", "Fn::Transform"):
            return Unknown(f"{key} is not evaluated")
        args = self.evaluate(arg, depth)
        if key == "Fn::If":
            if not isinstance(arg, list) or len(arg) != 3 or not isinstance(arg[0], str):
                return Unknown("Fn::If needs [condition, then, else]")
            state = self.condition(arg[0])
            if isinstance(state, Unknown):
                return state
            chosen = self.evaluate(arg[1] if state else arg[2], depth)
            return chosen
        if isinstance(args, Unknown):
            return args
        if key == "Fn::Equals":
            if not isinstance(args, list) or len(args) != 2:
                return Unknown("Fn::Equals needs two values")
            bad = next((a for a in args if isinstance(a, Unknown)), None)
            return bad if bad is not None else str(args[0]) == str(args[1])
        if key in ("Fn::And", "Fn::Or", "Fn::Not"):
            if not isinstance(args, list) or not args:
                return Unknown(f"{key} needs a list")
            states = [self.condition(a) if isinstance(a, str) else a for a in args]
            bad = next((s for s in states if isinstance(s, Unknown)), None)
            if bad is not None:
                return bad
            if not all(isinstance(s, bool) for s in states):
                return Unknown(f"{key} of a non-boolean")
            if key == "Fn::Not":
                return not states[0]
            return all(states) if key == "Fn::And" else any(states)
        if key == "Fn::Join":
            if not isinstance(args, list) or len(args) != 2 or not isinstance(args[0], str) or not isinstance(args[1], list):
                return Unknown("Fn::Join needs [delimiter, list]")
            bad = next((a for a in args[1] if isinstance(a, Unknown)), None)
            return bad if bad is not None else args[0].join(str(a) for a in args[1])
        if key == "Fn::Select":
            if not isinstance(args, list) or len(args) != 2:
                return Unknown("Fn::Select needs [index, list]")
            index, items = args
            if isinstance(items, Unknown):
                return items
            try:
                return items[int(index)]
            except (ValueError, TypeError, IndexError, KeyError):
                return Unknown("Fn::Select index out of range")
        if key == "Fn::Split":
            if not isinstance(args, list) or len(args) != 2 or not all(isinstance(a, str) for a in args) or not args[0]:
                return Unknown("Fn::Split needs [delimiter, string]")
            return args[1].split(args[0])
        if key == "Fn::FindInMap":
            if not isinstance(args, list) or len(args) not in (3, 4):
                return Unknown("Fn::FindInMap needs [map, key, key]")
            bad = next((a for a in args[:3] if isinstance(a, Unknown)), None)
            if bad is not None:
                return bad
            try:
                return self.mappings[str(args[0])][str(args[1])][str(args[2])]
            except (KeyError, TypeError):
                if len(args) == 4 and isinstance(args[3], Mapping) and "DefaultValue" in args[3]:
                    return args[3]["DefaultValue"]
                return Unknown(f"Fn::FindInMap {args[0]}/{args[1]}/{args[2]} is not in Mappings")
        if key == "Fn::Sub":
            return self.sub(args)
        if key == "Fn::Base64":
            return args
        if key == "Fn::Length":
            return len(args) if isinstance(args, list) else Unknown("Fn::Length of a non-list")
        if key == "Fn::ToJsonString":
            return json.dumps(args) if not _has_unknown(args) else Unknown("Fn::ToJsonString of unknown values")
        return Unknown(f"{key} is not evaluated")

    def sub(self, args: Any) -> Any:
        if isinstance(args, str):
            template, names = args, {}
        elif isinstance(args, list) and len(args) == 2 and isinstance(args[0], str) and isinstance(args[1], Mapping):
            template, names = args[0], args[1]
        else:
            return Unknown("Fn::Sub needs a string or [string, map]")
        out = []
        position = 0
        for match in re.finditer(r"\$\{([^}]*)\}", template):
            out.append(template[position : match.start()])
            position = match.end()
            name = match.group(1)
            if name.startswith("!"):
                out.append("${" + name[1:] + "}")
                continue
            if name in names:
                value = names[name]
            elif "." in name and name.split(".")[0] in self.logical_ids:
                value = Unknown(f"{name} is known only after deploy", name)
            else:
                value = self.ref(name)
            if isinstance(value, Unknown):
                return value
            out.append(str(value))
        out.append(template[position:])
        return "".join(out)


def _has_unknown(value: Any) -> bool:
    if isinstance(value, Unknown):
        return True
    if isinstance(value, Mapping):
        return any(_has_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_unknown(v) for v in value)
    return False

"""YAML loading that keeps the line of every node, so errors can name file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from scanner.errors import GovscanError

Lines = dict[tuple[str | int, ...], int]

# libyaml's parser keeps the same node marks and is several times faster (catalog loading at start-up)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text: str, path: str, error: type[GovscanError] = GovscanError) -> tuple[Any, Lines]:
    """Parse YAML text; return the data and a map from key path to 1-based line."""
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise error(f"not valid YAML: {problem}", path, line) from None
    except (ValueError, RecursionError) as exc:
        raise error(f"not valid YAML: {exc}", path, None) from None
    if node is None:
        return None, {}
    lines: Lines = {}
    try:
        data = _Builder(path, error, lines).build(node, ())
    except RecursionError:
        raise error("YAML nested too deeply", path, node.start_mark.line + 1) from None
    return data, lines


def load_file(path: str | Path, error: type[GovscanError] = GovscanError) -> tuple[Any, Lines]:
    """Read and parse a YAML file, naming it in every error."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"cannot read: {exc}", str(path), None) from None
    return load(text, str(path), error)


def line_of(lines: Lines, *keys: str | int) -> int | None:
    """The line of the deepest known prefix of `keys`."""
    while keys:
        if keys in lines:
            return lines[keys]
        keys = keys[:-1]
    return lines.get((), None)


class _Builder:
    def __init__(self, path: str, error: type[GovscanError], lines: Lines) -> None:
        self.path, self.error, self.lines = path, error, lines
        self.constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, at: tuple[str | int, ...]) -> Any:
        self.lines[at] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise self.error("YAML merge keys are not supported", self.path, key_node.start_mark.line + 1)
                key = self.scalar(key_node)
                if key in out:
                    raise self.error(f"duplicate key {key!r}", self.path, key_node.start_mark.line + 1)
                out[key] = self.build(value_node, (*at, str(key)))
                self.lines[(*at, str(key))] = key_node.start_mark.line + 1
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*at, i)) for i, child in enumerate(node.value)]
        return self.scalar(node)

    def scalar(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise self.error("a mapping key must be a scalar", self.path, node.start_mark.line + 1)
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            raise self.error(f"bad value {node.value!r}: {exc}", self.path, node.start_mark.line + 1) from None
        if isinstance(value, bytes):
            raise self.error("binary values are not supported", self.path, node.start_mark.line + 1)
        return value

"""Evaluate HCL expression trees statically: literals, templates, references, conditionals, operators
and a few pure functions. Anything else becomes `Unknown` with the reason; an Unknown operand makes
the whole expression Unknown (its reason and source kept)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from providers.terraform.hcl import Expr
from scanner.model import Unknown

Resolver = Callable[[str, tuple[Expr, ...], "Scope"], Any]


class Scope:
    """Names visible to an expression: a resolver for roots (var, local, resources...) and local symbols."""

    def __init__(self, resolve: Callable[[str, tuple[Any, ...], Scope], Any], symbols: Mapping[str, Any] | None = None):
        self.resolve = resolve
        self.symbols = dict(symbols or {})

    def child(self, **symbols: Any) -> Scope:
        """A scope with more local symbols (count, each, a dynamic block iterator)."""
        return Scope(self.resolve, {**self.symbols, **symbols})


def first_unknown(values: Any) -> Unknown | None:
    """The first Unknown among values (not nested)."""
    for value in values:
        if isinstance(value, Unknown):
            return value
    return None


def evaluate(expr: Expr, scope: Scope) -> Any:
    """The value of an expression, or Unknown with why."""
    form = expr[0]
    if form == "lit":
        return expr[1]
    if form == "tmpl":
        out = []
        for part in expr[1]:
            if isinstance(part, str):
                out.append(part)
                continue
            value = evaluate(part, scope)
            if isinstance(value, Unknown):
                return value
            text = _to_string(value)
            if isinstance(text, Unknown):
                return text
            out.append(text)
        return "".join(out)
    if form == "ref":
        root, ops = expr[1], expr[2]
        if isinstance(root, tuple):  # (expr).attr or f(x)[0]
            return traverse(evaluate(root, scope), ops, scope, "expression")
        if root in scope.symbols:
            return traverse(scope.symbols[root], ops, scope, root)
        return scope.resolve(root, ops, scope)
    if form == "tuple":
        return [evaluate(item, scope) for item in expr[1]]
    if form == "object":
        out_map: dict[str, Any] = {}
        for key_expr, value_expr in expr[1]:
            key = evaluate(key_expr, scope)
            if isinstance(key, Unknown):
                return key
            out_map[_to_key(key)] = evaluate(value_expr, scope)
        return out_map
    if form == "paren":
        return evaluate(expr[1], scope)
    if form == "cond":
        condition = evaluate(expr[1], scope)
        if isinstance(condition, Unknown):
            return condition
        if not isinstance(condition, bool):
            return Unknown(f"condition is not a bool: {condition!r}")
        return evaluate(expr[2] if condition else expr[3], scope)
    if form == "bin":
        return _binary(expr[1], evaluate(expr[2], scope), lambda: evaluate(expr[3], scope))
    if form == "un":
        value = evaluate(expr[2], scope)
        if isinstance(value, Unknown):
            return value
        if expr[1] == "!" and isinstance(value, bool):
            return not value
        if expr[1] == "-" and isinstance(value, int | float) and not isinstance(value, bool):
            return -value
        return Unknown(f"operator {expr[1]} on {type(value).__name__} is not evaluated")
    if form == "call":
        return call(expr[1], expr[2], expr[3], scope)
    if form == "raw":
        return Unknown(f"{expr[1]} is not evaluated: {expr[2]}")
    return Unknown(f"expression form {form} is not evaluated")


def traverse(value: Any, ops: tuple[Any, ...], scope: Scope, label: str) -> Any:
    """Apply attribute, index and splat operators to a value."""
    for i, op in enumerate(ops):
        if isinstance(value, Unknown):
            return value
        kind = op[0]
        if kind == "attr":
            if isinstance(value, Mapping):
                if op[1] not in value:
                    return Unknown(f"{label} has no attribute {op[1]}")
                value = value[op[1]]
            else:
                return Unknown(f"{label} is not an object (.{op[1]})")
            label = f"{label}.{op[1]}"
        elif kind == "index":
            key = evaluate(op[1], scope)
            if isinstance(key, Unknown):
                return key
            value = _index(value, key, label)
            label = f"{label}[{key!r}]"
        elif kind == "splat":
            rest = ops[i + 1 :]
            if value is None:
                return []
            items = list(value.values()) if isinstance(value, Mapping) else value if isinstance(value, list) else [value]
            return [traverse(item, rest, scope, label) for item in items]
        else:
            return Unknown(f"traversal {kind} is not evaluated")
    return value


def _index(value: Any, key: Any, label: str) -> Any:
    if isinstance(value, list):
        if isinstance(key, bool) or not isinstance(key, int | float) or int(key) != key:
            return Unknown(f"{label} index {key!r} is not a number")
        if not 0 <= int(key) < len(value):
            return Unknown(f"{label} index {key} is out of range")
        return value[int(key)]
    if isinstance(value, Mapping):
        name = _to_key(key)
        if name not in value:
            return Unknown(f"{label} has no key {name!r}")
        return value[name]
    return Unknown(f"{label} cannot be indexed")


def _to_key(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _to_string(value: Any) -> str | Unknown:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if value is None:
        return Unknown("null in a string template")
    return Unknown(f"a {type(value).__name__} in a string template")


def _number(value: Any) -> float | int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            try:
                return float(value)
            except ValueError:
                return None
    return None


def _binary(op: str, left: Any, right_thunk: Callable[[], Any]) -> Any:
    if isinstance(left, Unknown):
        return left
    if op == "&&" and left is False:
        return False
    if op == "||" and left is True:
        return True
    right = right_thunk()
    if isinstance(right, Unknown):
        return right
    if op in ("&&", "||"):
        if isinstance(left, bool) and isinstance(right, bool):
            return (left and right) if op == "&&" else (left or right)
        return Unknown(f"operator {op} needs bools")
    if op == "==":
        return _equal(left, right)
    if op == "!=":
        return not _equal(left, right)
    a, b = _number(left), _number(right)
    if a is None or b is None:
        return Unknown(f"operator {op} needs numbers")
    try:
        result: Any = {
            "+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b, "%": lambda: a % b,
            "<": lambda: a < b, "<=": lambda: a <= b, ">": lambda: a > b, ">=": lambda: a >= b,
        }[op]()
    except (KeyError, ZeroDivisionError, OverflowError):
        return Unknown(f"operator {op} is not evaluated here")
    if isinstance(result, float) and result.is_integer() and op != "/":
        return int(result)
    return result


def _equal(left: Any, right: Any) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    return bool(left == right)


# Pure functions that are evaluated; everything else is Unknown with the function's name.
def _lower(s: Any) -> Any:
    return s.lower() if isinstance(s, str) else Unknown("lower() of a non-string")


def _upper(s: Any) -> Any:
    return s.upper() if isinstance(s, str) else Unknown("upper() of a non-string")


def _format(fmt: Any, *args: Any) -> Any:
    if not isinstance(fmt, str):
        return Unknown("format() with a non-string format")
    out, i, arg = [], 0, 0
    while i < len(fmt):
        ch = fmt[i]
        if ch != "%":
            out.append(ch)
            i += 1
            continue
        if i + 1 >= len(fmt):
            return Unknown("format() string ends with %")
        verb = fmt[i + 1]
        i += 2
        if verb == "%":
            out.append("%")
            continue
        if arg >= len(args):
            return Unknown("format() has too few arguments")
        value = args[arg]
        arg += 1
        if verb in "sdvq":
            text = _to_string(value) if verb != "v" or not isinstance(value, list | dict) else json.dumps(value)
            if isinstance(text, Unknown):
                return text
            out.append(f'"{text}"' if verb == "q" else text)
        else:
            return Unknown(f"format() verb %{verb} is not evaluated")
    return "".join(out)


def _concat(*lists: Any) -> Any:
    out: list[Any] = []
    for item in lists:
        if not isinstance(item, list):
            return Unknown("concat() of a non-list")
        out.extend(item)
    return out


def _merge(*maps: Any) -> Any:
    out: dict[str, Any] = {}
    for item in maps:
        if item is None:
            continue
        if not isinstance(item, Mapping):
            return Unknown("merge() of a non-object")
        out.update(item)
    return out


def _tolist(value: Any) -> Any:
    if isinstance(value, list):
        return list(value)
    return Unknown("tolist() of a non-list")


def _toset(value: Any) -> Any:
    if not isinstance(value, list):
        return Unknown("toset() of a non-list")
    out: list[Any] = []
    for item in value:
        if isinstance(item, Unknown):
            return item
        if item not in out:
            out.append(item)
    return sorted(out, key=lambda v: (str(type(v)), str(v)))


def _length(value: Any) -> Any:
    if isinstance(value, list | str | Mapping):
        return len(value)
    return Unknown("length() of a value without length")


def _lookup(mapping: Any, key: Any, *default: Any) -> Any:
    if not isinstance(mapping, Mapping):
        return Unknown("lookup() of a non-object")
    name = _to_key(key)
    if name in mapping:
        return mapping[name]
    if default:
        return default[0]
    return Unknown(f"lookup() key {name!r} is missing")


def _tostring(value: Any) -> Any:
    return _to_string(value)


def _tonumber(value: Any) -> Any:
    number = _number(value)
    return Unknown("tonumber() of a non-number") if number is None else number


def _tobool(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    return Unknown("tobool() of a non-bool")


def _tomap(value: Any) -> Any:
    return dict(value) if isinstance(value, Mapping) else Unknown("tomap() of a non-object")


def _contains_unknown(value: Any) -> Unknown | None:
    if isinstance(value, Unknown):
        return value
    if isinstance(value, Mapping):
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            found = _contains_unknown(item)
            if found is not None:
                return found
    return None


def _jsonencode(value: Any) -> Any:
    bad = _contains_unknown(value)
    if bad is not None:
        return Unknown(f"jsonencode() of a value that is not known: {bad.reason}", bad.source)
    return json.dumps(value, separators=(",", ":"))


def _jsondecode(value: Any) -> Any:
    if not isinstance(value, str):
        return Unknown("jsondecode() of a non-string")
    try:
        return json.loads(value)
    except ValueError:
        return Unknown("jsondecode() of invalid JSON")


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "jsonencode": _jsonencode,
    "jsondecode": _jsondecode,
    "lower": _lower,
    "upper": _upper,
    "format": _format,
    "concat": _concat,
    "merge": _merge,
    "tolist": _tolist,
    "toset": _toset,
    "length": _length,
    "lookup": _lookup,
    "tostring": _tostring,
    "tonumber": _tonumber,
    "tobool": _tobool,
    "tomap": _tomap,
}


def call(name: str, arg_exprs: tuple[Expr, ...], expand: bool, scope: Scope) -> Any:
    """Call a supported pure function; Unknown for any other function or an Unknown argument."""
    function = FUNCTIONS.get(name)
    if function is None:
        return Unknown(f"function {name}() is not evaluated")
    args = [evaluate(a, scope) for a in arg_exprs]
    if expand and args:
        last = args.pop()
        if isinstance(last, Unknown):
            return last
        if not isinstance(last, list):
            return Unknown(f"{name}(...) expands a non-list")
        args.extend(last)
    # Functions that build collections may carry Unknown elements; scalar ones may not.
    if name not in ("concat", "merge", "tolist", "lookup", "length", "tomap", "jsonencode"):
        bad = first_unknown(args)
        if bad is not None:
            return bad
    else:
        bad = first_unknown(args)
        if bad is not None and (name != "lookup" or isinstance(args[0], Unknown) or isinstance(args[1], Unknown)):
            return bad
    try:
        return function(*args)
    except TypeError:
        return Unknown(f"{name}() called with {len(args)} argument(s)")

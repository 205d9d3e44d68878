"""Static evaluation: what is known is computed, everything else is Unknown with the reason."""

from __future__ import annotations

from typing import Any

import pytest

from providers.terraform.evaluate import Scope, evaluate
from providers.terraform.hcl import parse_text
from scanner.model import Unknown

VARS = {"env": "prod", "n": 2, "list": ["a", "b", "a"], "map": {"k": "v"}, "flag": True}


def _resolve(root: str, ops: tuple, scope: Scope) -> Any:
    if root == "var" and ops and ops[0][1] in VARS:
        from providers.terraform.evaluate import traverse

        return traverse(VARS[ops[0][1]], ops[1:], scope, "var")
    return Unknown(f"{root} unknown", f"{root}.x")


def ev(expr: str) -> Any:
    return evaluate(parse_text(f"v = {expr}\n").attrs["v"], Scope(_resolve))


@pytest.mark.parametrize(("expr", "value"), [
    ('"${var.env}-x"', "prod-x"),
    ("var.n * 3 + 1", 7),
    ("var.flag ? \"on\" : \"off\"", "on"),
    ("!var.flag", False),
    ('lower("ABC")', "abc"),
    ('upper(var.env)', "PROD"),
    ('format("%s-%d", var.env, var.n)', "prod-2"),
    ("concat(var.list, [\"c\"])", ["a", "b", "a", "c"]),
    ('merge({a = 1}, {b = 2})', {"a": 1, "b": 2}),
    ("toset(var.list)", ["a", "b"]),
    ("tolist(var.list)", ["a", "b", "a"]),
    ("length(var.list)", 3),
    ('lookup(var.map, "k", "d")', "v"),
    ('lookup(var.map, "missing", "d")', "d"),
    ('var.map["k"]', "v"),
    ("var.list[1]", "b"),
    ('jsonencode({a = [1]})', '{"a":[1]}'),
    ("var.n == 2 && var.env != \"dev\"", True),
    ("-var.n", -2),
])
def test_known_values(expr: str, value: Any) -> None:
    assert ev(expr) == value


@pytest.mark.parametrize(("expr", "reason"), [
    ("var.missing", "var unknown"),
    ('timestamp()', "function timestamp() is not evaluated"),
    ('"x-${data.aws_caller_identity.me.account_id}"', "data unknown"),
    ("var.missing ? 1 : 2", "var unknown"),
    ("[for x in var.list : x]", "for expression is not evaluated"),
    ("var.list[7]", "out of range"),
    ('"%{ if var.flag }a%{ endif }"', "template directive"),
])
def test_unknown_values_say_why(expr: str, reason: str) -> None:
    value = ev(expr)
    assert isinstance(value, Unknown)
    assert reason in value.reason


def test_unknown_is_never_truthy() -> None:
    with pytest.raises(TypeError):
        bool(ev("var.missing"))


def test_collections_keep_unknown_elements() -> None:
    value = ev("[1, var.missing]")
    assert value[0] == 1 and isinstance(value[1], Unknown)

"""The condition language: Kleene logic, operators, and no silent passes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.conditions import all_of, any_of, evaluate, location_allowed, validate
from scanner.model import Status, Unknown

U = Unknown("not seen")


def _eval(rule: dict, facts: dict) -> Status:
    def fact(path: str):
        return facts.get(path, Unknown("not collected"))

    return evaluate(rule, fact, lambda v: v).status


def test_kleene_tables() -> None:
    assert all_of(True, True) is True
    assert all_of(True, False) is False
    assert all_of(U, False) is False
    assert isinstance(all_of(True, U), Unknown)
    assert any_of(False, True) is True
    assert isinstance(any_of(False, U), Unknown)
    assert any_of(False, False) is False


def test_each_operator_both_ways() -> None:
    cases = [
        ({"fact": "a", "eq": True}, True, False),
        ({"fact": "a", "ne": "none"}, "kms", "none"),
        ({"fact": "a", "in": ["x", "y"]}, "x", "z"),
        ({"fact": "a", "not_in": ["x"]}, "y", "x"),
        ({"fact": "a", "lt": 3}, 2, 3),
        ({"fact": "a", "le": 3}, 3, 4),
        ({"fact": "a", "gt": 3}, 4, 3),
        ({"fact": "a", "ge": 3}, 3, 2),
        ({"fact": "a", "matches": "^ap-"}, "ap-northeast-1", "us-east-1"),
        ({"fact": "a", "contains": "x"}, ["x", "y"], ["y"]),
        ({"fact": "a", "within": ["ap-northeast-1"]}, "AP-NORTHEAST-1", "us-east-1"),
        ({"fact": "a", "each_within": ["asia-northeast1"]}, ["asia-northeast1-a"], ["asia"]),
    ]
    for rule, good, bad in cases:
        assert _eval(rule, {"a": good}) is Status.PASS, rule
        assert _eval(rule, {"a": bad}) is Status.FAIL, rule
        assert _eval(rule, {}) is Status.UNKNOWN, rule


def test_type_mismatch_is_error_not_false() -> None:
    assert _eval({"fact": "a", "eq": True}, {"a": "true"}) is Status.ERROR
    assert _eval({"fact": "a", "ge": 3}, {"a": "many"}) is Status.ERROR


def test_unknown_item_in_list_is_unknown_unless_another_fails() -> None:
    rule = {"fact": "a", "each_within": ["ap-northeast-1"]}
    assert _eval(rule, {"a": ["ap-northeast-1", U]}) is Status.UNKNOWN
    assert _eval(rule, {"a": ["us-east-1", U]}) is Status.FAIL


def test_location_rules() -> None:
    assert location_allowed("Japan East".replace(" ", ""), ["japaneast"])
    assert location_allowed("asia-northeast1-b", ["asia-northeast1"])
    assert not location_allowed("asia-northeast3", ["asia-northeast1", "asia-northeast2"])
    assert not location_allowed("asia", ["asia1"])


def test_validate_reports_shape_problems() -> None:
    assert validate({"fact": "a", "bogus": 1})
    assert validate({"all": []})
    assert validate({"fact": "a", "matches": "("})
    assert validate({"fact": "a", "eq": 1}) == []


facts_values = st.one_of(st.booleans(), st.integers(-5, 5), st.sampled_from(["none", "kms", "x"]),
                         st.lists(st.sampled_from(["ap-northeast-1", "us-east-1"]), max_size=3), st.just(U))


@settings(max_examples=300, deadline=None)
@given(value=facts_values, op=st.sampled_from(["eq", "ne", "in", "lt", "ge", "contains", "each_within"]),
       expected=st.one_of(st.booleans(), st.integers(-5, 5), st.lists(st.sampled_from(["ap-northeast-1", "x"]))))
def test_unknown_never_passes(value, op, expected) -> None:
    """An Unknown fact is never PASS, whatever the operator; nothing raises out of evaluate."""
    status = _eval({"fact": "a", op: expected}, {"a": value})
    if isinstance(value, Unknown):
        assert status is Status.UNKNOWN
    assert status in (Status.PASS, Status.FAIL, Status.UNKNOWN, Status.ERROR)


def test_several_unknowns_keep_the_first() -> None:
    first, second = Unknown("first"), Unknown("second")
    assert all_of(True, first, second) is first
    assert any_of(False, first, second) is first

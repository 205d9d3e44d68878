"""Property-based fuzzing of the three code readers (HCL, plan JSON, CloudFormation) and the mappers
behind them: no traceback escapes, every rejection names the file and a real line, and a truncated
document is never accepted silently. Rows go to the `fuzz` reliability table."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from providers.cloudformation.aws import MAPPERS
from providers.cloudformation.template import TemplateError, parse_template
from providers.terraform.config import load
from providers.terraform.hcl import HclSyntaxError, parse_text
from providers.terraform.mappers import map_resource
from providers.terraform.plan import PlanError, parse_plan
from scanner.model import Resource
from tests.providers.iac_support import FIXTURES
from tests.reliability import record

EXAMPLES = 300
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                           HealthCheck.data_too_large])

HCL_SEEDS = [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "terraform" / "aws_platform").glob("*.tf"))]
PLAN_TEXT = (FIXTURES / "plan" / "aws_platform.plan.json").read_text(encoding="utf-8")
PLAN_DATA = json.loads(PLAN_TEXT)
CFN_SEEDS = [(FIXTURES / "cloudformation" / "platform.yaml").read_text(encoding="utf-8"),
             (FIXTURES / "cloudformation" / "network.json").read_text(encoding="utf-8")]
HCL_ALPHABET = st.sampled_from([*'{}[]()"=$#/*\n\t ,.:?!<>-+%~\\', "${", "%{", "<<EOT\n", "EOT\n", "resource ", "var.",
                                 "count.index", "each.key", "module.", "dynamic ", "\x00", "\ufeff", "é"])
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)


class Tally:
    """What the fuzzing saw, for the reliability table."""

    def __init__(self) -> None:
        self.examples = 0
        self.rejected = 0


def _mutate_text(data: st.DataObject, seed: str) -> str:
    text = seed
    for _ in range(data.draw(st.integers(1, 4))):
        if not text:
            break
        at = data.draw(st.integers(0, len(text)))
        action = data.draw(st.sampled_from(["insert", "delete", "duplicate", "truncate"]))
        if action == "insert":
            text = text[:at] + "".join(data.draw(st.lists(HCL_ALPHABET, max_size=6))) + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + data.draw(st.integers(1, 40)):]
        elif action == "duplicate":
            text = text[:at] + text[max(0, at - 30):at] + text[at:]
        else:
            text = text[:at]
    return text


def _line_ok(line: int, text: str) -> bool:
    return 1 <= line <= text.count("\n") + 2


# -- HCL -------------------------------------------------------------------------------------------------
HCL_TALLY = Tally()


@SETTINGS
@given(data=st.data())
def test_hcl_reader_and_evaluator(data: st.DataObject, tmp_path_factory: Any) -> None:
    seed = data.draw(st.sampled_from(HCL_SEEDS))
    text = data.draw(st.one_of(st.just(seed), st.lists(HCL_ALPHABET, max_size=60).map("".join), st.text(max_size=300)))
    text = _mutate_text(data, text) if data.draw(st.booleans()) else text
    HCL_TALLY.examples += 1
    try:
        parse_text(text, "fuzz.tf")
    except HclSyntaxError as exc:
        HCL_TALLY.rejected += 1
        assert exc.file == "fuzz.tf" and _line_ok(exc.line, text), (exc.line, text)
        return
    # Accepted: the whole pipeline (evaluation, modules, mappers) must still not raise.
    root = Path(tmp_path_factory.mktemp("hcl"))
    (root / "main.tf").write_text(text, encoding="utf-8", errors="surrogatepass")
    config = load(str(root))
    for problem in config.problems:
        assert problem.file and problem.line >= 1
    for tf in config.resources:
        for item in map_resource(tf, config):
            assert isinstance(item, Resource)


@SETTINGS
@given(data=st.data())
def test_truncated_hcl_block_is_never_accepted(data: st.DataObject) -> None:
    seed = data.draw(st.sampled_from(HCL_SEEDS))
    start = seed.index("{")
    at = data.draw(st.integers(start + 1, seed.index("\n}", start)))
    HCL_TALLY.examples += 1
    try:
        parse_text(seed[:at], "cut.tf")
    except HclSyntaxError as exc:
        assert _line_ok(exc.line, seed[:at])
        return
    raise AssertionError(f"silent pass: truncated HCL accepted at {at}")


def test_zz_record_hcl() -> None:
    assert HCL_TALLY.examples >= EXAMPLES and HCL_TALLY.rejected > 0
    record("fuzz", target="terraform HCL reader + evaluator + mappers", examples=HCL_TALLY.examples, tracebacks=0,
           silent_passes=0)


# -- plan JSON -------------------------------------------------------------------------------------------
PLAN_TALLY = Tally()


def _mutate_json(data: st.DataObject, value: Any, depth: int = 0) -> Any:
    if depth > 6 or not isinstance(value, dict | list) or not value:
        return data.draw(JSON_VALUES)
    clone = copy.copy(value)
    keys = list(clone) if isinstance(clone, dict) else list(range(len(clone)))
    key = data.draw(st.sampled_from(keys))
    if data.draw(st.booleans()):
        clone[key] = _mutate_json(data, clone[key], depth + 1)
    elif isinstance(clone, dict) and data.draw(st.booleans()):
        del clone[key]
    else:
        clone[key] = data.draw(JSON_VALUES)
    return clone


@SETTINGS
@given(data=st.data())
def test_plan_reader_and_mappers(data: st.DataObject) -> None:
    mutated = PLAN_DATA
    for _ in range(data.draw(st.integers(1, 5))):
        mutated = _mutate_json(data, mutated)
    text = json.dumps(mutated) if data.draw(st.booleans()) else _mutate_text(data, json.dumps(mutated, indent=1))
    PLAN_TALLY.examples += 1
    try:
        plan = parse_plan(text, "plan.json", "plan.json")
    except PlanError as exc:
        PLAN_TALLY.rejected += 1
        assert exc.file == "plan.json" and _line_ok(exc.line, text)
        return
    for tf in plan.resources:
        for item in map_resource(tf, plan):
            assert isinstance(item, Resource)


@SETTINGS
@given(cut=st.integers(1, len(PLAN_TEXT) - 2))
def test_truncated_plan_is_never_accepted(cut: int) -> None:
    PLAN_TALLY.examples += 1
    try:
        parse_plan(PLAN_TEXT[:cut], "plan.json", "plan.json")
    except PlanError as exc:
        assert exc.line >= 1
        return
    raise AssertionError(f"silent pass: truncated plan accepted at {cut}")


def test_zz_record_plan() -> None:
    assert PLAN_TALLY.examples >= EXAMPLES and PLAN_TALLY.rejected > 0
    record("fuzz", target="terraform plan JSON reader + mappers", examples=PLAN_TALLY.examples, tracebacks=0,
           silent_passes=0)


# -- CloudFormation --------------------------------------------------------------------------------------
CFN_TALLY = Tally()
CFN_DATA = [yaml.safe_load(CFN_SEEDS[1])]


@SETTINGS
@given(data=st.data())
def test_cloudformation_reader_and_mappers(data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(["yaml-text", "json-structure", "random"]))
    if kind == "yaml-text":
        text = _mutate_text(data, data.draw(st.sampled_from(CFN_SEEDS)))
    elif kind == "json-structure":
        mutated = CFN_DATA[0]
        for _ in range(data.draw(st.integers(1, 5))):
            mutated = _mutate_json(data, mutated)
        text = json.dumps(mutated)
    else:
        text = data.draw(st.text(max_size=300))
    region = data.draw(st.sampled_from([None, "ap-northeast-1"]))
    CFN_TALLY.examples += 1
    try:
        template = parse_template(text, "t.yaml", region, "t.yaml")
    except TemplateError as exc:
        CFN_TALLY.rejected += 1
        assert exc.file == "t.yaml" and _line_ok(exc.line, text), (exc.line, text)
        return
    for problem in template.problems:
        assert problem.line >= 1
    for resource in template.resources:
        mapper = MAPPERS.get(resource.type)
        if mapper is not None:
            for item in mapper(resource, template):
                assert isinstance(item, Resource)


@SETTINGS
@given(cut=st.integers(1, len(CFN_SEEDS[1].rstrip()) - 1))
def test_truncated_json_template_is_never_accepted(cut: int) -> None:
    CFN_TALLY.examples += 1
    try:
        parse_template(CFN_SEEDS[1][:cut], "t.json", None)
    except TemplateError as exc:
        assert exc.line >= 1
        return
    raise AssertionError(f"silent pass: truncated template accepted at {cut}")


def test_zz_record_cloudformation() -> None:
    assert CFN_TALLY.examples >= EXAMPLES and CFN_TALLY.rejected > 0
    record("fuzz", target="CloudFormation reader + mappers", examples=CFN_TALLY.examples, tracebacks=0, silent_passes=0)

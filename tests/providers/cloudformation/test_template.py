"""The CloudFormation reader: short and long intrinsic forms, parameters, conditions, mappings, lines."""

from __future__ import annotations

import pytest

from providers.cloudformation.template import TemplateError, parse_template
from scanner.model import Mute, Unknown

YAML = '''AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env:
    Type: String
    Default: prod
  Secret:
    Type: String
  Zones:
    Type: CommaDelimitedList
    Default: "a, b"
Mappings:
  M:
    prod: {size: 10}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
  Both: !Or [!Condition IsProd, !Condition NotProd]
Resources:
  # govscan:ignore GC-RES-001 exp=2031-01-01 approved
  Thing:
    Type: AWS::S3::Bucket
    Properties:
      A: !Ref Env
      B: !Sub "x-${Env}-${AWS::Region}"
      C: !Sub ["${p}-${Env}", {p: pre}]
      D: !GetAtt Other.Arn
      E: !If [IsProd, yes-prod, no-prod]
      F: !Join ["-", [a, !Ref Env]]
      G: !Select [1, !Ref Zones]
      H: !FindInMap [M, !Ref Env, size]
      I: !Ref Secret
      J: !If [NotProd, x, !Ref AWS::NoValue]
      K: {"Fn::GetAtt": ["Other", "Arn"]}
      L: !Split [",", "a,b"]
      M: !Base64 plain
      N: !GetAZs ""
      O: !If [Both, both, neither]
      P: !Ref Other
  Other:
    Type: AWS::S3::Bucket
  Skipped:
    Type: AWS::S3::Bucket
    Condition: NotProd
'''


def test_intrinsics_and_lines() -> None:
    template = parse_template(YAML, "t.yaml", "ap-northeast-1", "t.yaml")
    assert [r.logical_id for r in template.resources] == ["Thing", "Other"]
    thing = template.resources[0]
    props = thing.properties
    assert props["A"] == "prod"
    assert props["B"] == "x-prod-ap-northeast-1"
    assert props["C"] == "pre-prod"
    assert isinstance(props["D"], Unknown) and props["D"].source == "Other.Arn"
    assert props["E"] == "yes-prod"
    assert props["F"] == "a-prod"
    assert props["G"] == "b"
    assert props["H"] == 10
    assert isinstance(props["I"], Unknown) and "no default" in props["I"].reason
    assert "J" not in props
    assert props["K"] == props["D"]
    assert props["L"] == ["a", "b"]
    assert props["M"] == "plain"
    assert isinstance(props["N"], Unknown)
    assert props["O"] == "both"
    assert isinstance(props["P"], Unknown) and props["P"].source == "Other"
    assert thing.line == 20 and thing.prop_lines["A"] == 23 and thing.prop_lines["P"] == 38
    assert thing.mutes == (Mute("GC-RES-001", "approved", "2031-01-01", 19),)
    assert thing.address == "AWS::S3::Bucket.Thing"


def test_region_pseudo_parameter_without_region() -> None:
    template = parse_template(YAML, "t.yaml", None)
    value = template.resources[0].properties["B"]
    assert isinstance(value, Unknown) and "--region" in value.reason


def test_json_templates_keep_lines() -> None:
    text = ('{\n  "Resources": {\n    "B": {\n      "Type": "AWS::S3::Bucket",\n      "Properties": {\n'
            '        "BucketName": {"Fn::Join": ["", ["a", "b"]]}\n      }\n    }\n  }\n}\n')
    template = parse_template(text, "t.json", "ap-northeast-1")
    bucket = template.resources[0]
    assert bucket.properties == {"BucketName": "ab"} and bucket.line == 3 and bucket.prop_lines == {"BucketName": 6}


@pytest.mark.parametrize(("text", "line", "fragment"), [
    ("Resources:\n  A: [\n", 3, "YAML syntax error"),
    ("just a string\n", 1, "not a mapping"),
    ("Parameters: {}\n", 1, "no Resources section"),
    ("Resources: [1]\n", 1, "no Resources section"),
    ('{"Resources": {', 1, "not valid JSON"),
    ("", 1, "empty file"),
])
def test_not_cloudformation_names_file_and_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(TemplateError) as caught:
        parse_template(text, "x.yaml", "ap-northeast-1")
    assert caught.value.file == "x.yaml" and caught.value.line == line and fragment in caught.value.detail


def test_resource_without_type_is_a_problem_and_the_rest_is_read() -> None:
    template = parse_template("Resources:\n  A:\n    Properties: {}\n  B:\n    Type: AWS::S3::Bucket\n", "x.yaml", None)
    assert [r.logical_id for r in template.resources] == ["B"]
    assert [(p.line, p.message) for p in template.problems] == [(2, "resource A has no Type")]


def test_suppression_without_reason_is_a_problem() -> None:
    text = "Resources:\n  # govscan:ignore GC-RES-001\n  A:\n    Type: AWS::S3::Bucket\n"
    template = parse_template(text, "x.yaml", None)
    assert template.resources[0].mutes == ()
    assert template.problems[0].line == 2 and "reason" in template.problems[0].message

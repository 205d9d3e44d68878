"""The tree-sitter HCL reader: blocks, attributes, lines, expressions, and syntax errors with file and line."""

from __future__ import annotations

import pytest

from providers.terraform.hcl import HclSyntaxError, parse_text

SOURCE = '''# top comment
resource "aws_s3_bucket" "logs" {
  bucket = "logs-${var.env}"
  tags = {
    Name  = "logs"
    "env" = var.env
  }

  versioning {
    enabled = true
  }
  policy = <<-EOT
    {"a": "${var.x}"}
  EOT
}

variable "env" {
  default = "prod"
}
'''


def test_blocks_attributes_and_lines() -> None:
    parsed = parse_text(SOURCE, "main.tf")
    resource, variable = parsed.blocks
    assert (resource.type, resource.labels, resource.line, resource.end_line) == ("resource", ["aws_s3_bucket", "logs"], 2, 15)
    assert resource.attr_lines == {"bucket": 3, "tags": 4, "policy": 12}
    assert resource.blocks[0].type == "versioning" and resource.blocks[0].line == 9
    assert resource.blocks[0].attr_lines == {"enabled": 10}
    assert variable.labels == ["env"] and variable.attrs["default"] == ("lit", "prod")
    assert parsed.comments == {1: "# top comment"}


def test_expression_trees() -> None:
    parsed = parse_text('a = "x-${var.y}"\nb = aws_s3_bucket.b[0].id\nc = x ? 1 : 2\nd = lower("A")\ne = [for v in x : v]\n')
    assert parsed.attrs["a"] == ("tmpl", ("x-", ("ref", "var", (("attr", "y"),))))
    assert parsed.attrs["b"] == ("ref", "aws_s3_bucket", (("attr", "b"), ("index", ("lit", 0)), ("attr", "id")))
    assert parsed.attrs["c"][0] == "cond"
    assert parsed.attrs["d"] == ("call", "lower", (("lit", "A"),), False)
    assert parsed.attrs["e"][0] == "raw"


def test_string_escapes_and_heredoc() -> None:
    parsed = parse_text('a = "tab\\tquote\\" $${literal}"\nb = <<EOT\nline1\n  line2\nEOT\n')
    assert parsed.attrs["a"] == ("lit", 'tab\tquote" ${literal}')
    assert parsed.attrs["b"] == ("lit", "line1\n  line2\n")


@pytest.mark.parametrize(("source", "line"), [
    ('resource "a" "b" {\n  x = \n}\n', 2),
    ('resource "a" "b" {\n  x = 1\n', 3),
    ('locals {\n  a = 1\n  b = [1, 2\n}\n', 4),  # tree-sitter places the missing `]` where it expected it
])
def test_syntax_error_names_file_and_line(source: str, line: int) -> None:
    with pytest.raises(HclSyntaxError) as caught:
        parse_text(source, "bad.tf")
    assert caught.value.file == "bad.tf"
    assert caught.value.line == line
    assert str(caught.value).startswith(f"bad.tf:{line}:")


def test_binary_and_nul_input_is_rejected_clearly() -> None:
    with pytest.raises(HclSyntaxError, match="NUL"):
        parse_text(b"a = 1\x00", "x.tf")
    with pytest.raises(HclSyntaxError, match="UTF-8"):
        parse_text(b"a = \"\xff\"", "x.tf")

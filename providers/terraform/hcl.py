"""Read HCL files with tree-sitter into plain, picklable blocks and expression trees, keeping lines.

An expression is a tuple whose first item names its form:
`("lit", v)`, `("tmpl", parts)`, `("ref", root, ops)` (ops: `("attr", name)`, `("index", expr)`, `("splat",)`),
`("tuple", items)`, `("object", [(key, value)])`, `("call", name, args, expand)`, `("cond", c, a, b)`,
`("bin", op, a, b)`, `("un", op, a)`, `("paren", e)` and `("raw", kind, text)` for forms that are not evaluated
(for expressions, template directives).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

Expr = tuple[Any, ...]


class HclSyntaxError(Exception):
    """A file that is not valid HCL: names the file, line and column."""

    def __init__(self, file: str, line: int, column: int, detail: str) -> None:
        super().__init__(f"{file}:{line}:{column}: {detail}")
        self.file = file
        self.line = line
        self.column = column
        self.detail = detail


@dataclass
class Block:
    """One HCL block: type, labels, attributes (expressions) with their lines, nested blocks."""

    type: str
    labels: list[str]
    line: int
    end_line: int
    attrs: dict[str, Expr] = field(default_factory=dict)
    attr_lines: dict[str, int] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    raw: dict[str, str] = field(default_factory=dict)  # source text of attributes (provider = aws.tokyo)


@dataclass
class HclFile:
    """A parsed file: its top-level blocks, top-level attributes (tfvars) and comments by line."""

    path: str
    blocks: list[Block]
    attrs: dict[str, Expr]
    attr_lines: dict[str, int]
    comments: dict[int, str]


@lru_cache(maxsize=1)
def _parser() -> Any:
    import tree_sitter_hcl
    from tree_sitter import Language, Parser

    return Parser(Language(tree_sitter_hcl.language()))


def parse_text(text: str | bytes, path: str = "<text>") -> HclFile:
    """Parse HCL source; raise HclSyntaxError naming the first bad line."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    if b"\x00" in data:
        raise HclSyntaxError(path, 1, 1, "file contains NUL bytes: not HCL text")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise HclSyntaxError(path, line, 1, "file is not UTF-8 text") from None
    tree = _parser().parse(data)
    root = tree.root_node
    if root.has_error:
        bad = _first_error(root)
        row, col = (bad.start_point[0] + 1, bad.start_point[1] + 1) if bad is not None else (1, 1)
        snippet = bad.text.decode("utf-8", "replace")[:40].splitlines()[0] if bad is not None and bad.text else ""
        what = f"missing {bad.type}" if bad is not None and bad.is_missing else "syntax error"
        raise HclSyntaxError(path, row, col, f"{what} near {snippet!r}" if snippet else what)
    reader = _Reader(data)
    out = HclFile(path, [], {}, {}, {})
    for child in root.children:
        if child.type == "comment":
            out.comments[child.start_point[0] + 1] = reader.text(child)
        elif child.type == "body":
            reader.body(child, out.blocks, out.attrs, out.attr_lines, out.comments, {})
    return out


def parse_file(path: str) -> HclFile:
    """Read and parse one file."""
    with open(path, "rb") as handle:
        data = handle.read()
    return parse_text(data, path)


def _first_error(node: Any) -> Any:
    if node.type == "ERROR" or node.is_missing:
        return node
    for child in node.children:
        if child.has_error or child.is_missing or child.type == "ERROR":
            found = _first_error(child)
            if found is not None:
                return found
    return None


_NUMBER = re.compile(r"^-?\d+$")
_OPERATORS = frozenset({"+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "&&", "||"})


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def text(self, node: Any) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8")

    def body(self, node: Any, blocks: list[Block], attrs: dict[str, Expr], lines: dict[str, int],
             comments: dict[int, str], raw: dict[str, str]) -> None:
        for child in node.children:
            kind = child.type
            if kind == "attribute":
                name = self.text(child.children[0])
                expr_node = child.children[-1]
                attrs[name] = self.expr(expr_node)
                lines[name] = child.start_point[0] + 1
                raw[name] = self.text(expr_node)
            elif kind == "block":
                blocks.append(self.block(child, comments))
            elif kind == "comment":
                comments[child.start_point[0] + 1] = self.text(child)

    def block(self, node: Any, comments: dict[int, str]) -> Block:
        children = node.children
        block = Block(self.text(children[0]), [], node.start_point[0] + 1, node.end_point[0] + 1)
        for child in children[1:]:
            kind = child.type
            if kind == "string_lit":
                block.labels.append("".join(self.text(c) for c in child.children if c.type == "template_literal"))
            elif kind == "identifier":
                block.labels.append(self.text(child))
            elif kind == "body":
                self.body(child, block.blocks, block.attrs, block.attr_lines, comments, block.raw)
            elif kind == "comment":
                comments[child.start_point[0] + 1] = self.text(child)
        return block

    def expr(self, node: Any) -> Expr:
        kind = node.type
        if kind == "expression":
            children = [c for c in node.children if c.type != "comment"]
            if len(children) == 1:
                return self.expr(children[0])
            if children and children[0].type == "(":
                return ("paren", self.expr(children[1]))
            # a variable_expr (or other primary) followed by traversal operators
            head = children[0]
            base = self.expr(head)
            ops: list[Expr] = []
            for op in children[1:]:
                ops.extend(self.traversal(op))
            if base[0] == "ref":
                return ("ref", base[1], tuple(base[2]) + tuple(ops))
            return ("ref", base, tuple(ops))
        if kind == "literal_value":
            return self.literal(node.children[0])
        if kind == "variable_expr":
            return ("ref", self.text(node.children[0]), ())
        if kind == "template_expr":
            return self.template(node.children[0])
        if kind == "collection_value":
            inner = node.children[0]
            if inner.type == "tuple":
                return ("tuple", tuple(self.expr(c) for c in inner.children if c.type == "expression"))
            items = []
            for elem in inner.children:
                if elem.type == "object_elem":
                    parts = [c for c in elem.children if c.type == "expression"]
                    key = self.expr(parts[0])
                    if key[0] == "ref" and isinstance(key[1], str) and not key[2]:
                        key = ("lit", key[1])  # a bare identifier key is a string
                    items.append((key, self.expr(parts[1])))
            return ("object", tuple(items))
        if kind == "function_call":
            name = self.text(node.children[0])
            args: list[Expr] = []
            expand = False
            for child in node.children:
                if child.type == "function_arguments":
                    for arg in child.children:
                        if arg.type == "expression":
                            args.append(self.expr(arg))
                        elif arg.type == "expand_ellipsis":
                            expand = True
            return ("call", name, tuple(args), expand)
        if kind == "conditional":
            parts = [c for c in node.children if c.type == "expression"]
            return ("cond", self.expr(parts[0]), self.expr(parts[1]), self.expr(parts[2]))
        if kind == "operation":
            return self.expr(node.children[0])
        if kind == "binary_operation":
            children = [c for c in node.children if c.type != "comment"]
            at = next((i for i, c in enumerate(children) if i > 0 and c.type in _OPERATORS), None)
            if at is None:
                return ("raw", kind, self.text(node)[:80])
            return ("bin", children[at].type, self.operand(children[:at]), self.operand(children[at + 1 :]))
        if kind == "unary_operation":
            return ("un", self.text(node.children[0]), self.operand(node.children[1:]))
        if kind in ("for_expr", "heredoc_template", "quoted_template"):
            if kind != "for_expr":
                return self.template(node)
            return ("raw", "for expression", self.text(node)[:80])
        if kind in ("numeric_lit", "bool_lit", "null_lit", "string_lit"):
            return self.literal(node)
        return ("raw", kind, self.text(node)[:80])

    def operand(self, nodes: list[Any]) -> Expr:
        """An operand: one node, or a primary followed by traversal operators."""
        if len(nodes) == 1:
            return self.expr(nodes[0])
        if not nodes:
            return ("raw", "operand", "")
        base = self.expr(nodes[0])
        ops: list[Expr] = []
        for op in nodes[1:]:
            ops.extend(self.traversal(op))
        if base[0] == "ref":
            return ("ref", base[1], tuple(base[2]) + tuple(ops))
        return ("ref", base, tuple(ops))

    def traversal(self, node: Any) -> list[Expr]:
        kind = node.type
        if kind == "get_attr":
            return [("attr", self.text(node.children[-1]))]
        if kind == "index":
            inner = node.children[0]
            if inner.type == "new_index":
                exprs = [c for c in inner.children if c.type == "expression"]
                return [("index", self.expr(exprs[0]))]
            # legacy_index: x.0
            text = self.text(inner).lstrip(".")
            return [("index", ("lit", int(text) if _NUMBER.match(text) else text))]
        if kind == "splat":
            ops: list[Expr] = [("splat",)]
            for child in node.children[0].children[1:]:
                ops.extend(self.traversal(child))
            return ops
        return [("raw", kind, self.text(node)[:80])]

    def literal(self, node: Any) -> Expr:
        kind = node.type
        if kind == "numeric_lit":
            text = self.text(node)
            try:
                return ("lit", int(text))
            except ValueError:
                return ("lit", float(text))
        if kind == "bool_lit":
            return ("lit", self.text(node) == "true")
        if kind == "null_lit":
            return ("lit", None)
        if kind == "string_lit":
            return ("lit", _unescape("".join(self.text(c) for c in node.children if c.type == "template_literal")))
        return ("raw", kind, self.text(node)[:80])

    def template(self, node: Any) -> Expr:
        parts: list[Any] = []
        heredoc = node.type == "heredoc_template"
        strip = heredoc and self.text(node).startswith("<<-")
        previous_end = None
        for child in node.children:
            kind = child.type
            if kind == "template_literal":
                if heredoc and previous_end is not None:
                    # tree-sitter drops the whitespace between template pieces: take it from the source
                    parts.append(self.data[previous_end : child.start_byte].decode("utf-8"))
                parts.append(self.text(child) if heredoc else _unescape(self.text(child)))
                previous_end = child.end_byte
            elif kind == "template_interpolation":
                if heredoc and previous_end is not None:
                    parts.append(self.data[previous_end : child.start_byte].decode("utf-8"))
                exprs = [c for c in child.children if c.type == "expression"]
                parts.append(self.expr(exprs[0]) if exprs else ("lit", ""))
                previous_end = child.end_byte
            elif kind == "template_directive":
                return ("raw", "template directive", self.text(node)[:80])
            elif kind == "heredoc_identifier" and previous_end is None:
                previous_end = self.data.index(b"\n", child.end_byte) + 1 if b"\n" in self.data[child.end_byte:] else None
            elif kind == "heredoc_identifier" and previous_end is not None:
                parts.append(self.data[previous_end : child.start_byte].decode("utf-8"))
        if heredoc and strip:
            text_parts = parts
            return ("tmpl", tuple(_dedent(text_parts)))
        if all(isinstance(p, str) for p in parts):
            return ("lit", "".join(parts))
        if not parts:
            return ("lit", "")
        return ("tmpl", tuple(parts))


def _dedent(parts: list[Any]) -> list[Any]:
    lines = "".join(p for p in parts if isinstance(p, str)).splitlines()
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(indents) if indents else 0
    out: list[Any] = []
    for part in parts:
        if isinstance(part, str):
            out.append("\n".join(line[cut:] if len(line) >= cut and not line[:cut].strip() else line
                                 for line in part.split("\n")))
        else:
            out.append(part)
    return out


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unescape(text: str) -> str:
    if "\\" not in text and "$${" not in text and "%%{" not in text:
        return text
    out = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                i += 2
                continue
            if nxt == "u" and i + 6 <= len(text):
                try:
                    out.append(chr(int(text[i + 2 : i + 6], 16)))
                    i += 6
                    continue
                except ValueError:
                    pass
        out.append(ch)
        i += 1
    return "".join(out).replace("$${", "${").replace("%%{", "%{")

"""Building normalized AWS resources, and small pure helpers shared by the normalizers."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from providers.aws.calls import Failed, Reply
from scanner.model import Origin, Resource, Unknown


def resource(kind: str, native_type: str, id: str, name: str, scope: str, location: str | Unknown,
             attrs: Mapping[str, Any], tags: Mapping[str, str] | None = None) -> Resource:
    """An AWS resource read from the live API."""
    return Resource(provider="aws", kind=kind, native_type=native_type, id=id, name=name, scope=scope,
                    location=location, attrs=dict(attrs), origin=Origin.live(), tags=dict(tags or {}))


def fact(reply: Reply | Failed, read: Any, absent: Mapping[str, Any] | None = None) -> Any:
    """Apply `read` to a reply; a failure whose code is in `absent` is that answer, any other is Unknown."""
    if isinstance(reply, Failed):
        if absent and reply.code in absent:
            return absent[reply.code]
        return reply.unknown()
    return read(reply)


def all_known(values: Iterable[Any]) -> Unknown | None:
    """The first Unknown among `values`, or None."""
    for value in values:
        if isinstance(value, Unknown):
            return value
    return None


def policy_document(text: Any) -> dict[str, Any] | Unknown:
    """A JSON policy document (string or already parsed)."""
    if isinstance(text, Mapping):
        return dict(text)
    try:
        doc = json.loads(text)
    except (TypeError, ValueError):
        return Unknown("policy document is not valid JSON")
    return doc if isinstance(doc, dict) else Unknown("policy document is not an object")


def statements(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The statements of a policy document, always as a list."""
    stmts = doc.get("Statement") or []
    return [stmts] if isinstance(stmts, Mapping) else [s for s in stmts if isinstance(s, Mapping)]


def as_list(value: Any) -> list[Any]:
    """A policy field that may be a scalar or a list, as a list."""
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def principal_is_anyone(principal: Any) -> bool:
    """True for `"*"` or `{"AWS": "*"}` principals."""
    if principal == "*":
        return True
    if isinstance(principal, Mapping):
        return any("*" in as_list(v) for v in principal.values())
    return False


def public_statement(stmt: Mapping[str, Any]) -> bool:
    """An Allow statement open to anyone without a condition narrowing it."""
    return stmt.get("Effect") == "Allow" and principal_is_anyone(stmt.get("Principal")) and not stmt.get("Condition")


def sorted_unique(values: Iterable[Any]) -> list[Any]:
    """Distinct values in a stable order (Unknowns kept)."""
    known = sorted({v for v in values if isinstance(v, str)})
    return known + [v for v in values if isinstance(v, Unknown)]

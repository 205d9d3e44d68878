"""Calling AWS: a detail call returns its reply or a `Failed` value; list calls page through paginators."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from scanner.model import Unknown
from scanner.plugins import CollectionFailure

Reply = Mapping[str, Any]

# Error codes that mean "the caller may not read this", as opposed to "not configured".
DENIED = frozenset({
    "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess",
    "AuthorizationError", "Forbidden", "403",
})


@dataclass(frozen=True, slots=True)
class Failed:
    """A detail call that did not answer: its operation, the service's error code and message."""

    operation: str
    code: str
    message: str = ""

    def unknown(self) -> Unknown:
        """The fact this call would have given, as Unknown with the reason."""
        return Unknown(f"{self.operation}: {self.code}" + (f" ({self.message})" if self.message else ""),
                       self.operation)

    @property
    def denied(self) -> bool:
        """True when the caller lacks permission."""
        return self.code in DENIED


def _operation_name(client: Any, method: str) -> str:
    try:
        name = client.meta.method_to_api_mapping[method]
    except (AttributeError, KeyError):
        name = "".join(part.title() for part in method.split("_"))
    return f"{client.meta.service_model.service_name}:{name}"


def error_code(exc: BaseException) -> tuple[str, str]:
    """(code, message) of an SDK exception, read structurally, never by searching its text."""
    response = getattr(exc, "response", None)
    if isinstance(response, Mapping):
        error = response.get("Error") or {}
        code = str(error.get("Code") or response.get("ResponseMetadata", {}).get("HTTPStatusCode") or "")
        return code or type(exc).__name__, str(error.get("Message") or "")[:200]
    return type(exc).__name__, str(exc)[:200]


def call(client: Any, method: str, **kwargs: Any) -> Reply | Failed:
    """One detail call; any failure becomes a `Failed` value that the normalizer turns into Unknown."""
    try:
        reply = getattr(client, method)(**kwargs)
    except Exception as exc:  # SDK, transport, parser or emulator gap: one fact is blurred, not the unit
        code, message = error_code(exc)
        return Failed(_operation_name(client, method), code, message)
    return reply  # type: ignore[no-any-return]


def pages(client: Any, method: str, key: str, **kwargs: Any) -> Iterator[Any]:
    """Every item under `key` of a paginated list call; a failure ends the unit as a CollectionFailure."""
    try:
        if client.can_paginate(method):
            for page in client.get_paginator(method).paginate(**kwargs):
                yield from _dig(page, key)
        else:
            yield from _dig(getattr(client, method)(**kwargs), key)
    except Exception as exc:
        code, message = error_code(exc)
        raise CollectionFailure(_operation_name(client, method), f"{code}: {message}" if message else code) from exc


def _dig(page: Mapping[str, Any], key: str) -> list[Any]:
    value: Any = page
    for part in key.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return list(value or ())


def required(client: Any, method: str, **kwargs: Any) -> Reply:
    """A call the whole unit depends on: failure ends the unit as a CollectionFailure."""
    reply = call(client, method, **kwargs)
    if isinstance(reply, Failed):
        raise CollectionFailure(reply.operation, f"{reply.code}: {reply.message}" if reply.message else reply.code)
    return reply


def arn_region(arn: str) -> str | Unknown:
    """The region field of an ARN (`arn:aws:svc:REGION:acct:...`)."""
    parts = arn.split(":")
    if len(parts) > 3 and parts[0] == "arn" and parts[3]:
        return parts[3]
    return Unknown(f"no region in {arn!r}")


def tags_of(items: Any, key: str = "Key", value: str = "Value") -> dict[str, str]:
    """AWS tag lists (`[{"Key": k, "Value": v}]`) as a dict."""
    if isinstance(items, Mapping):
        return {str(k): str(v) for k, v in items.items()}
    return {str(t.get(key)): str(t.get(value, "")) for t in items or () if isinstance(t, Mapping)}

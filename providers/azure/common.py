"""Building blocks shared by the Azure normalizers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from providers.azure.locations import normalize
from scanner.model import Origin, Resource, Unknown

PROVIDER = "azure"


def props(row: Mapping[str, Any]) -> Mapping[str, Any]:
    """The ARM `properties` of a row (an empty mapping when absent)."""
    value = row.get("properties")
    return value if isinstance(value, Mapping) else {}


def native_type(row: Mapping[str, Any]) -> str:
    """The ARM type as Azure spells it (Resource Graph lower-cases it)."""
    return str(row.get("type") or "")


def resource(row: Mapping[str, Any], kind: str, attrs: Mapping[str, Any]) -> Resource:
    """A live Azure resource from a Resource Graph row and its normalized facts."""
    tags = row.get("tags")
    return Resource(
        provider=PROVIDER,
        kind=kind,
        native_type=native_type(row),
        id=str(row.get("id") or ""),
        name=str(row.get("name") or ""),
        scope=str(row.get("subscriptionId") or _subscription_of(str(row.get("id") or ""))),
        location=normalize(row.get("location")),
        attrs=dict(attrs),
        origin=Origin.live(),
        tags={str(k): str(v) for k, v in tags.items()} if isinstance(tags, Mapping) else {},
        native=dict(row),
    )


def _subscription_of(resource_id: str) -> str:
    parts = resource_id.split("/")
    return parts[2] if len(parts) > 2 and parts[1].lower() == "subscriptions" else ""


def enabled(value: Any) -> bool | Unknown:
    """`Enabled`/`Disabled` (any case) or a bool, as a bool; anything else is Unknown."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("enabled", "disabled"):
        return value.lower() == "enabled"
    return Unknown(f"unexpected value {value!r}" if value is not None else "not reported")


def tls_version(value: Any) -> str | Unknown:
    """`TLS1_2`, `1.2`, `Tls12` -> `1.2`."""
    if not isinstance(value, str) or not value:
        return Unknown("minimum TLS version not reported")
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) >= 2:
        return f"{digits[0]}.{digits[1]}"
    return Unknown(f"unexpected TLS version {value!r}")

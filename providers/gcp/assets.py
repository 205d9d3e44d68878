"""Pure helpers over Cloud Asset Inventory assets (camelCase JSON dicts): scope, location, names."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from scanner.model import Resource, Unknown

PROVIDER = "gcp"
PUBLIC_MEMBERS = frozenset({"allUsers", "allAuthenticatedUsers"})


def data(asset: Mapping[str, Any]) -> Mapping[str, Any]:
    """The resource's own REST representation (`resource.data`), or an empty mapping."""
    return (asset.get("resource") or {}).get("data") or {}


def scope_of(asset: Mapping[str, Any]) -> str:
    """The scope of an asset: its project (`projects/NUMBER`), else its folder or organization."""
    ancestors = asset.get("ancestors") or []
    if ancestors:
        return str(ancestors[0])
    parent = str((asset.get("resource") or {}).get("parent") or "")
    if "/projects/" in parent:
        return "projects/" + parent.split("/projects/", 1)[1].split("/", 1)[0]
    return "unknown"


def location_of(asset: Mapping[str, Any]) -> str | Unknown:
    """The asset's location in lower case (`asia-northeast1`, `asia1`, `global`), or Unknown."""
    value = (asset.get("resource") or {}).get("location")
    if value:
        return str(value).lower()
    from_name = location_in_name(str(data(asset).get("name") or asset.get("name") or ""))
    return from_name if from_name else Unknown("the asset has no location", "cloudasset")


def location_in_name(name: str) -> str:
    """The `locations/X` segment of a resource name, lower case, or ''."""
    parts = name.split("/")
    for i, part in enumerate(parts[:-1]):
        if part == "locations":
            return parts[i + 1].lower()
    return ""


def leaf(name: str) -> str:
    """The last segment of a resource name or URL."""
    return name.rstrip("/").rsplit("/", 1)[-1]


def labels(asset: Mapping[str, Any]) -> dict[str, str]:
    """The resource's labels as strings."""
    raw = data(asset).get("labels") or {}
    return {str(k): str(v) for k, v in raw.items()} if isinstance(raw, Mapping) else {}


def as_int(value: Any) -> int | None:
    """An integer from a Struct number (always a float) or a numeric string; None when absent."""
    if value is None or value == "":
        return None
    try:
        return int(float(str(value).rstrip("s")))
    except ValueError:
        return None


def is_public(policy: Mapping[str, Any] | None) -> bool:
    """True when an IAM policy binds any role to allUsers or allAuthenticatedUsers."""
    return any(PUBLIC_MEMBERS & set(binding.get("members") or []) for binding in (policy or {}).get("bindings") or [])


def encryption(kms_key: Any) -> str:
    """`customer_key` when a Cloud KMS key is named, else `provider_key` (Google encrypts all data at rest)."""
    return "customer_key" if kms_key else "provider_key"


def lower_all(values: Iterable[Any]) -> list[str]:
    """Each value as lower-case text."""
    return [str(v).lower() for v in values]


def resource(asset: Mapping[str, Any], kind: str, attrs: Mapping[str, Any], *,
             name: str | None = None, location: str | Unknown | None = None, scope: str | None = None) -> Resource:
    """A live GCP Resource for an asset; facts not collected stay out of `attrs`."""
    asset_name = str(asset.get("name") or "")
    return Resource(
        provider=PROVIDER,
        kind=kind,
        native_type=str(asset.get("assetType") or ""),
        id=asset_name,
        name=name or str((data(asset).get("name") and leaf(str(data(asset)["name"]))) or leaf(asset_name)),
        scope=scope or scope_of(asset),
        location=location if location is not None else location_of(asset),
        attrs=dict(attrs),
        tags=labels(asset),
    )

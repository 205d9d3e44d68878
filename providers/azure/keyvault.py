"""Key Vaults as `kms.key`: deletion protection, network exposure, and their keys' expiry and rotation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from providers.azure.common import props, resource
from providers.azure.locations import normalize, paired
from scanner.model import Resource, Unknown

TYPES = ("microsoft.keyvault/vaults",)
KEYS = ("/keys", "2023-07-01")  # management-plane list of a vault's keys (attributes, rotation policy)


def normalize_vault(row: Mapping[str, Any], keys: Iterable[Mapping[str, Any]] | Unknown) -> Resource:
    """Pure: a vault and the list of its keys (or Unknown when the list could not be read)."""
    p = props(row)
    soft = p.get("enableSoftDelete")
    purge = p.get("enablePurgeProtection")
    attrs: dict[str, Any] = {
        # Soft delete is on unless explicitly false (it cannot be turned off since 2020); purge
        # protection is off unless true.
        "deletion_protection": soft is not False and purge is True,
        # Vault contents are replicated to the paired region (Microsoft's documented behaviour).
        "replication.locations": _pair(row),
    }
    network = str(p.get("publicNetworkAccess") or "enabled").lower()
    acls = p.get("networkAcls") or {}
    default_deny = str(acls.get("defaultAction") or "allow").lower() == "deny"
    attrs["public_network_access"] = network != "disabled" and not default_deny
    if isinstance(keys, Unknown):
        attrs["expiry_set"] = keys
        attrs["rotation.enabled"] = keys
    else:
        listed = list(keys)
        attrs["expiry_set"] = all(isinstance((props(k).get("attributes") or {}).get("exp"), int) for k in listed)
        attrs["rotation.enabled"] = all(_rotates(k) for k in listed)
    return resource(row, "kms.key", attrs)


def _pair(row: Mapping[str, Any]) -> list[str] | Unknown:
    pair = paired(normalize(row.get("location")))
    return pair if isinstance(pair, Unknown) else [pair]


def _rotates(key: Mapping[str, Any]) -> bool:
    policy = props(key).get("rotationPolicy") or {}
    actions = policy.get("lifetimeActions") or []
    return any(str((a.get("action") or {}).get("type") or "").lower() == "rotate" for a in actions)

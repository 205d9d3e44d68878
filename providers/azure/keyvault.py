"""Key Vaults as `kms.key`: deletion protection, network exposure, and their keys' expiry and rotation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from providers.azure.common import props, resource
from providers.azure.locations import normalize, paired
from scanner.model import Resource, Unknown

TYPES = ("microsoft.keyvault/vaults",)
KEYS = ("/keys", "2023-07-01")  # management-plane list of a vault's keys (attributes, rotation policy)
DIAGNOSTICS = ("/providers/Microsoft.Insights/diagnosticSettings", "2021-05-01-preview")


def normalize_vault(row: Mapping[str, Any], keys: Iterable[Mapping[str, Any]] | Unknown,
                    diagnostics: Iterable[Mapping[str, Any]] | Unknown | None = None) -> Resource:
    """Pure: a vault, the list of its keys and its diagnostic settings (each may be Unknown)."""
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
    if isinstance(diagnostics, Unknown):
        attrs["access_logging"] = diagnostics
    elif diagnostics is not None:
        attrs["access_logging"] = any(_audits(d) for d in diagnostics)
    return resource(row, "kms.key", attrs)


def _audits(setting: Mapping[str, Any]) -> bool:
    p = props(setting)
    if not any(p.get(k) for k in ("storageAccountId", "workspaceId", "eventHubAuthorizationRuleId")):
        return False
    return any(e.get("enabled") is True and (str(e.get("category") or "").lower() == "auditevent"
                                           or str(e.get("categoryGroup") or "").lower() in ("audit", "alllogs"))
               for e in p.get("logs") or [] if isinstance(e, Mapping))


def _pair(row: Mapping[str, Any]) -> list[str] | Unknown:
    pair = paired(normalize(row.get("location")))
    return pair if isinstance(pair, Unknown) else [pair]


def _rotates(key: Mapping[str, Any]) -> bool:
    policy = props(key).get("rotationPolicy") or {}
    actions = policy.get("lifetimeActions") or []
    return any(str((a.get("action") or {}).get("type") or "").lower() == "rotate" for a in actions)

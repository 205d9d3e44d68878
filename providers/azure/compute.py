"""Managed disks as `compute.disk` and virtual machines as `compute.instance`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from providers.azure.common import props, resource
from scanner.model import Resource, Unknown

TYPES = ("microsoft.compute/disks", "microsoft.compute/virtualmachines")
# Azure Backup items (Recovery Services vaults for VMs, Backup vaults for disks), read in one query.
PROTECTED = (
    "microsoft.recoveryservices/vaults/backupfabrics/protectioncontainers/protecteditems",
    "microsoft.dataprotection/backupvaults/backupinstances",
)


def protected_ids(items: Iterable[Mapping[str, Any]]) -> frozenset[str]:
    """Lower-cased ids of the VMs and disks that an Azure Backup item protects."""
    out = set()
    for item in items:
        p = props(item)
        source = p.get("sourceResourceId") or (p.get("dataSourceInfo") or {}).get("resourceID")
        if source:
            out.add(str(source).lower())
    return frozenset(out)
_CMK = {"encryptionatrestwithcustomerkey", "encryptionatrestwithplatformandcustomerkeys"}


def normalize_disk(row: Mapping[str, Any], protected: frozenset[str] | None = None) -> Resource:
    """Pure: a managed disk. Azure encrypts every managed disk; the type says whose key."""
    encryption = props(row).get("encryption")
    kind = str(encryption.get("type") or "") if isinstance(encryption, Mapping) else ""
    at_rest: str | Unknown
    at_rest = Unknown("disk encryption type not reported") if not kind else "customer_key" if kind.lower() in _CMK else "provider_key"
    attrs: dict[str, Any] = {"encryption.at_rest": at_rest}
    if protected is not None:
        owner = str(row.get("managedBy") or props(row).get("managedBy") or "").lower()
        attrs["backup.enabled"] = str(row.get("id") or "").lower() in protected or (bool(owner) and owner in protected)
    return resource(row, "compute.disk", attrs)


def normalize_vm(row: Mapping[str, Any], public_ip_nics: frozenset[str] | None = None,
                 protected: frozenset[str] | None = None) -> Resource:
    """Pure: a virtual machine; `public_ip_nics` are the NIC ids that carry a public IP (if read)."""
    p = props(row)
    attrs: dict[str, Any] = {}
    nics = [str(n.get("id") or "").lower() for n in (p.get("networkProfile") or {}).get("networkInterfaces") or []
            if isinstance(n, Mapping)]
    if public_ip_nics is not None:
        attrs["public_ip"] = any(n in public_ip_nics for n in nics)
    if protected is not None:
        attrs["backup.enabled"] = str(row.get("id") or "").lower() in protected
    security = p.get("securityProfile")
    if isinstance(security, Mapping):
        uefi = security.get("uefiSettings") or {}
        attrs["shielded_vm"] = bool(uefi.get("secureBootEnabled")) and bool(uefi.get("vTpmEnabled"))
    return resource(row, "compute.instance", attrs)

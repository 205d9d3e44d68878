"""Managed disks as `compute.disk` and virtual machines as `compute.instance`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from providers.azure.common import props, resource
from scanner.model import Resource, Unknown

TYPES = ("microsoft.compute/disks", "microsoft.compute/virtualmachines")
_CMK = {"encryptionatrestwithcustomerkey", "encryptionatrestwithplatformandcustomerkeys"}


def normalize_disk(row: Mapping[str, Any]) -> Resource:
    """Pure: a managed disk. Azure encrypts every managed disk; the type says whose key."""
    encryption = props(row).get("encryption")
    kind = str(encryption.get("type") or "") if isinstance(encryption, Mapping) else ""
    at_rest: str | Unknown
    at_rest = Unknown("disk encryption type not reported") if not kind else "customer_key" if kind.lower() in _CMK else "provider_key"
    return resource(row, "compute.disk", {"encryption.at_rest": at_rest})


def normalize_vm(row: Mapping[str, Any], public_ip_nics: frozenset[str] | None = None) -> Resource:
    """Pure: a virtual machine; `public_ip_nics` are the NIC ids that carry a public IP (if read)."""
    p = props(row)
    attrs: dict[str, Any] = {}
    nics = [str(n.get("id") or "").lower() for n in (p.get("networkProfile") or {}).get("networkInterfaces") or []
            if isinstance(n, Mapping)]
    if public_ip_nics is not None:
        attrs["public_ip"] = any(n in public_ip_nics for n in nics)
    security = p.get("securityProfile")
    if isinstance(security, Mapping):
        uefi = security.get("uefiSettings") or {}
        attrs["shielded_vm"] = bool(uefi.get("secureBootEnabled")) and bool(uefi.get("vTpmEnabled"))
    return resource(row, "compute.instance", attrs)

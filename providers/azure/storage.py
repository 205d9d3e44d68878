"""Storage accounts as `storage.bucket`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from providers.azure.common import props, resource, tls_version
from providers.azure.locations import normalize, paired
from scanner.model import Resource, Unknown

TYPES = ("microsoft.storage/storageaccounts",)
GEO_SKUS = ("GRS", "RAGRS", "GZRS", "RAGZRS")
BLOB_SERVICE = ("/blobServices/default", "2023-05-01")


def normalize_storage_account(row: Mapping[str, Any], blob: Mapping[str, Any] | Unknown | None = None) -> Resource:
    """Pure: a storage account row and its blobServices/default reply (None: not read) in, one `storage.bucket` out."""
    p = props(row)
    attrs: dict[str, Any] = {"replication.locations": _replicas(row, p)}
    if isinstance(blob, Unknown):
        attrs["versioning"] = blob
    elif blob is not None:
        bp = props(blob)
        soft = (bp.get("deleteRetentionPolicy") or {}).get("enabled") is True
        containers = (bp.get("containerDeleteRetentionPolicy") or {}).get("enabled") is True
        attrs["versioning"] = (soft and containers) or bp.get("isVersioningEnabled") is True
    if isinstance(p.get("supportsHttpsTrafficOnly"), bool):
        attrs["tls_only"] = p["supportsHttpsTrafficOnly"]
    if "minimumTlsVersion" in p:
        attrs["tls.min_version"] = tls_version(p.get("minimumTlsVersion"))
    else:
        # The API omits the field on accounts created before it existed; Azure then accepts TLS 1.0.
        attrs["tls.min_version"] = "1.0"
    public_network = str(p.get("publicNetworkAccess") or "").lower()
    blob_public = p.get("allowBlobPublicAccess")
    if isinstance(blob_public, bool):
        attrs["public"] = blob_public and public_network != "disabled"
    if isinstance(p.get("allowSharedKeyAccess"), bool):
        attrs["shared_key_access"] = p["allowSharedKeyAccess"]
    elif "allowSharedKeyAccess" in p and p["allowSharedKeyAccess"] is None:
        attrs["shared_key_access"] = True  # null means the default, which allows shared keys
    acls = p.get("networkAcls")
    if public_network == "disabled":
        attrs["network.default_deny"] = True
    elif isinstance(acls, Mapping) and isinstance(acls.get("defaultAction"), str):
        attrs["network.default_deny"] = acls["defaultAction"].lower() == "deny"
    encryption = p.get("encryption")
    if isinstance(encryption, Mapping):
        attrs["infrastructure_encryption"] = encryption.get("requireInfrastructureEncryption") is True
        source = str(encryption.get("keySource") or "")
        attrs["encryption.at_rest"] = "customer_key" if source.lower() == "microsoft.keyvault" else "provider_key"
    return resource(row, "storage.bucket", attrs)


def _replicas(row: Mapping[str, Any], p: Mapping[str, Any]) -> list[str] | Unknown:
    sku = row.get("sku")
    name = str(sku.get("name") or "") if isinstance(sku, Mapping) else ""
    if not name:
        return Unknown("replication SKU not reported")
    redundancy = name.split("_", 1)[-1].upper()
    if redundancy not in GEO_SKUS:
        return []  # LRS and ZRS keep every copy in the account's own region
    secondary = p.get("secondaryLocation")
    location = normalize(secondary) if secondary else paired(normalize(row.get("location")))
    return location if isinstance(location, Unknown) else [location]

"""Cloud SQL instances -> database.instance."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from providers.gcp.assets import as_int, data, encryption, location_of, resource
from scanner.model import Resource, Unknown

INSTANCE = "sqladmin.googleapis.com/Instance"
_TLS_MODES = {"ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"}
_AUDIT_FLAGS = {"cloudsql.enable_pgaudit", "cloudsql_mysql_audit"}


def default_backup_location(region: str) -> str | Unknown:
    """Where Cloud SQL keeps backups when no location is set: the multi-region closest to the instance.

    For Tokyo and Osaka that is `asia`, which includes locations outside Japan, so GC-RES-008 fails.
    """
    prefix = region.split("-", 1)[0]
    by_prefix = {"asia": "asia", "australia": "asia", "europe": "eu", "us": "us",
                 "northamerica": "us", "southamerica": "us"}
    if prefix in by_prefix:
        return by_prefix[prefix]
    return Unknown(f"no documented default backup multi-region for {region}", "cloudsql")


def replica_key(project: str, name: str) -> str:
    """The `project:instance` key that replicas use in masterInstanceName."""
    return f"{project}:{name}"


def normalize_instance(asset: Mapping[str, Any], replica_locations: list[str] | None = None) -> Resource:
    """An instance; `replica_locations` are the regions of its read replicas (None: it has none)."""
    d = data(asset)
    settings = d.get("settings") or {}
    ip = settings.get("ipConfiguration") or {}
    backup = settings.get("backupConfiguration") or {}
    region = str(d.get("region") or "").lower()
    location = region or location_of(asset)
    ssl_mode = str(ip.get("sslMode") or "")
    attrs: dict[str, Any] = {
        "encryption.at_rest": encryption((d.get("diskEncryptionConfiguration") or {}).get("kmsKeyName")),
        # A public IPv4 address is reachable from the internet, filtered only by authorized networks.
        "public": bool(ip.get("ipv4Enabled")),
        "tls.required": ssl_mode in _TLS_MODES if ssl_mode else bool(ip.get("requireSsl")),
        "high_availability": str(settings.get("availabilityType") or "").upper() == "REGIONAL",
        "backup.enabled": bool(backup.get("enabled")),
        "deletion_protection": bool(settings.get("deletionProtectionEnabled")),
        "replication.locations": list(replica_locations or []),
    }
    retained = (backup.get("backupRetentionSettings") or {})
    if backup.get("enabled") and str(retained.get("retentionUnit") or "COUNT") == "COUNT" and retained.get("retainedBackups"):
        # Automated backups are daily, so the number of retained backups is their age in days.
        attrs["backup.retention_days"] = as_int(retained["retainedBackups"])
    if backup.get("enabled"):
        where = str(backup.get("location") or "").lower()
        attrs["backup.locations"] = [where] if where else [default_backup_location(region)]
    else:
        attrs["backup.locations"] = []
    version = str(d.get("databaseVersion") or "")
    if version.startswith(("POSTGRES", "MYSQL")):
        flags = {str(f.get("name")): str(f.get("value") or "").lower() for f in settings.get("databaseFlags") or []}
        attrs["audit_logging"] = any(flags.get(name) == "on" for name in _AUDIT_FLAGS)
    return resource(asset, "database.instance", attrs, location=location)

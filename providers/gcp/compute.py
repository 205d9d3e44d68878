"""Compute Engine instances, disks and snapshots -> compute.instance, compute.disk, compute.snapshot."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from providers.gcp.assets import data, encryption, leaf, location_of, lower_all, resource
from scanner.model import Resource, Unknown

INSTANCE = "compute.googleapis.com/Instance"
DISK = "compute.googleapis.com/Disk"
SNAPSHOT = "compute.googleapis.com/Snapshot"
PROJECT = "compute.googleapis.com/Project"
FULL_SCOPE = "https://www.googleapis.com/auth/cloud-platform"
# Instance metadata keys that project metadata (commonInstanceMetadata) may set for every instance.
META_KEYS = ("enable-oslogin", "serial-port-enable", "block-project-ssh-keys")

ProjectMeta = Mapping[str, str] | Unknown


def metadata(items: Any) -> dict[str, str]:
    """Metadata items as a lower-case key -> lower-case value map (only the posture keys)."""
    out = {}
    for item in items or []:
        key = str(item.get("key") or "").lower()
        if key in META_KEYS:
            out[key] = str(item.get("value") or "").strip().lower()
    return out


def normalize_project_metadata(asset: Mapping[str, Any]) -> dict[str, str]:
    """The posture keys of a compute project's commonInstanceMetadata."""
    return metadata((data(asset).get("commonInstanceMetadata") or {}).get("items"))


def _flag(key: str, own: Mapping[str, str], project: ProjectMeta, default: bool) -> bool | Unknown:
    # An instance key overrides the project key; with neither, the API default applies.
    if key in own:
        return own[key] in ("true", "1", "yes", "on")
    if isinstance(project, Unknown):
        return Unknown(f"project metadata ({key}) could not be read: {project.reason}", "cloudasset")
    if key in project:
        return project[key] in ("true", "1", "yes", "on")
    return default


def normalize_instance(asset: Mapping[str, Any], project_meta: ProjectMeta) -> Resource:
    """An instance; `project_meta` is its project's metadata (Unknown when it could not be read)."""
    d = data(asset)
    own = metadata((d.get("metadata") or {}).get("items"))
    accounts = d.get("serviceAccounts") or []
    shielded = d.get("shieldedInstanceConfig") or {}
    attrs: dict[str, Any] = {
        "public_ip": any(nic.get("accessConfigs") for nic in d.get("networkInterfaces") or []),
        "identity.default_service_account": any(
            str(sa.get("email") or "").endswith("-compute@developer.gserviceaccount.com") for sa in accounts),
        "identity.full_api_scope": any(FULL_SCOPE in (sa.get("scopes") or []) for sa in accounts),
        "serial_port": _flag("serial-port-enable", own, project_meta, False),
        "os_login": _flag("enable-oslogin", own, project_meta, False),
        "shielded_vm": bool(shielded.get("enableSecureBoot")) and bool(shielded.get("enableIntegrityMonitoring")),
        "ip_forwarding": bool(d.get("canIpForward")),
        # Only instance metadata can block project-wide keys; OS Login replaces metadata SSH keys entirely.
        "ssh.project_keys_blocked": own.get("block-project-ssh-keys") in ("true", "1", "yes", "on"),
    }
    location = location_of(asset)
    if isinstance(location, Unknown) and d.get("zone"):
        location = leaf(str(d["zone"])).lower()
    return resource(asset, "compute.instance", attrs, location=location)


def normalize_disk(asset: Mapping[str, Any]) -> Resource:
    """A persistent disk (zonal or regional)."""
    d = data(asset)
    key = (d.get("diskEncryptionKey") or {}).get("kmsKeyName")
    return resource(asset, "compute.disk", {"encryption.at_rest": encryption(key)})


def normalize_snapshot(asset: Mapping[str, Any]) -> Resource:
    """A snapshot: its data lives in `storageLocations` (a region or a multi-region such as `asia`)."""
    d = data(asset)
    key = (d.get("snapshotEncryptionKey") or {}).get("kmsKeyName")
    attrs: dict[str, Any] = {"encryption.at_rest": encryption(key)}
    locations = lower_all(d.get("storageLocations") or [])
    location: str | Unknown = location_of(asset)
    if locations:
        attrs["storage_locations"] = locations
        location = locations[0]
    return resource(asset, "compute.snapshot", attrs, location=location)

"""Pure normalization of OCI API payloads (snake_case dicts, as `oci.util.to_dict` gives) into facts."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from scanner.kinds import FirewallRule

# IANA protocol numbers OCI writes as text.
_PROTOCOLS = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmp", "all": "all"}
_OCID_REGION = re.compile(r"^ocid1\.[a-z0-9]+\.[a-z0-9-]+\.([a-z0-9-]+)\.")
# Region keys that appear in older OCIDs instead of region names.
_REGION_KEYS = {"phx": "us-phoenix-1", "iad": "us-ashburn-1", "nrt": "ap-tokyo-1", "kix": "ap-osaka-1"}


def region_of_ocid(ocid: str) -> str | None:
    """The region written in a regional OCID (`ocid1.bucket.oc1.ap-tokyo-1.xxx`), or None."""
    match = _OCID_REGION.match(ocid or "")
    if not match:
        return None
    region = match.group(1).lower()
    return _REGION_KEYS.get(region, region)


def encryption_of(kms_key_id: str | None) -> str:
    """OCI always encrypts at rest; a Vault key id means a customer-managed key."""
    return "customer_key" if kms_key_id else "provider_key"


def tags_of(item: Mapping[str, Any]) -> dict[str, str]:
    """Freeform tags plus defined tags flattened as `Namespace.key`."""
    tags = {str(k): str(v) for k, v in (item.get("freeform_tags") or {}).items()}
    for namespace, values in (item.get("defined_tags") or {}).items():
        for key, value in (values or {}).items():
            tags[f"{namespace}.{key}"] = str(value)
    return tags


def days_since(timestamp: Any, now: datetime) -> int:
    """Whole days between an SDK datetime (or ISO text) and now."""
    if isinstance(timestamp, str):
        timestamp = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    if timestamp.tzinfo is None:
        timestamp = timestamp.replace(tzinfo=UTC)
    return max(0, (now - timestamp).days)


def normalize_bucket(bucket: Mapping[str, Any], replication: list[Mapping[str, Any]] | None,
                     write_logged: bool | None) -> dict[str, Any]:
    """Facts of an Object Storage bucket; `None` inputs mean the detail could not be read."""
    public_type = bucket.get("public_access_type") or "NoPublicAccess"
    attrs: dict[str, Any] = {
        "encryption.at_rest": encryption_of(bucket.get("kms_key_id")),
        "public": public_type != "NoPublicAccess",
        "versioning": (bucket.get("versioning") or "Disabled") == "Enabled",
    }
    if replication is not None:
        attrs["replication.locations"] = sorted({str(p.get("destination_region_name") or "").lower()
                                                for p in replication if p.get("destination_region_name")})
    if write_logged is not None:
        attrs["access_logging"] = write_logged
    return attrs


def normalize_volume(volume: Mapping[str, Any], policy: Mapping[str, Any] | None, assigned: bool | None) -> dict[str, Any]:
    """Facts of a block or boot volume: key, backup policy and the policy's cross-region copy."""
    attrs: dict[str, Any] = {"encryption.at_rest": encryption_of(volume.get("kms_key_id"))}
    if assigned is not None:
        attrs["backup.enabled"] = assigned
        if not assigned:
            attrs["backup.copy_locations"] = []
        elif policy is not None:
            dest = policy.get("destination_region")
            attrs["backup.copy_locations"] = [str(dest).lower()] if dest else []
    return attrs


def normalize_backup_policy(policy: Mapping[str, Any]) -> dict[str, Any]:
    """Facts of a volume backup policy: where it copies backups, and the longest retention."""
    dest = policy.get("destination_region")
    retention = [int(s["retention_seconds"]) // 86400 for s in policy.get("schedules") or [] if s.get("retention_seconds")]
    attrs: dict[str, Any] = {"copy.locations": [str(dest).lower()] if dest else []}
    if retention:
        attrs["retention_days"] = max(retention)
    return attrs


def normalize_instance(instance: Mapping[str, Any], public_ip: bool | None) -> dict[str, Any]:
    """Facts of a compute instance."""
    attrs: dict[str, Any] = {}
    options = instance.get("instance_options") or {}
    if options.get("are_legacy_imds_endpoints_disabled") is not None:
        attrs["metadata.token_required"] = bool(options["are_legacy_imds_endpoints_disabled"])
    launch = instance.get("launch_options") or {}
    if launch.get("is_pv_encryption_in_transit_enabled") is not None:
        attrs["in_transit_encryption"] = bool(launch["is_pv_encryption_in_transit_enabled"])
    platform = instance.get("platform_config") or {}
    if platform:
        attrs["shielded_vm"] = bool(platform.get("is_secure_boot_enabled")) and bool(
            platform.get("is_measured_boot_enabled") or platform.get("is_trusted_platform_module_enabled"))
    if public_ip is not None:
        attrs["public_ip"] = public_ip
    return attrs


def _ports(options: Mapping[str, Any] | None) -> tuple[int | None, int | None]:
    port_range = (options or {}).get("destination_port_range") or {}
    return port_range.get("min"), port_range.get("max")


def firewall_rule(rule: Mapping[str, Any]) -> FirewallRule:
    """One security list or NSG ingress rule as a FirewallRule (protocol numbers become names)."""
    protocol = _PROTOCOLS.get(str(rule.get("protocol", "all")).lower(), str(rule.get("protocol")))
    low, high = None, None
    if protocol == "tcp":
        low, high = _ports(rule.get("tcp_options"))
    elif protocol == "udp":
        low, high = _ports(rule.get("udp_options"))
    source = str(rule.get("source") or "")
    source_type = rule.get("source_type") or "CIDR_BLOCK"
    if source_type != "CIDR_BLOCK":
        source = f"{source_type.lower()}:{source}"
    return FirewallRule(protocol, low, high, (source,), True, str(rule.get("description") or ""))


def normalize_security_list(sl: Mapping[str, Any], default_id: str | None) -> dict[str, Any]:
    """Facts of a security list (stateful allow-list: traffic no rule matches is dropped)."""
    attrs: dict[str, Any] = {
        "ingress": [firewall_rule(r) for r in sl.get("ingress_security_rules") or []],
        "default_action": "deny",
    }
    if default_id is not None:
        attrs["is_default"] = sl.get("id") == default_id
    return attrs


def normalize_nsg(rules: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Facts of a network security group from its security rules (ingress only)."""
    ingress = [firewall_rule(r) for r in rules if (r.get("direction") or "INGRESS") == "INGRESS"]
    return {"ingress": ingress, "default_action": "deny", "is_default": False}


def normalize_autonomous_db(adb: Mapping[str, Any]) -> dict[str, Any]:
    """Facts of an Autonomous Database: network exposure, keys, backups, Data Guard peers."""
    whitelist = [str(x) for x in adb.get("whitelisted_ips") or []]
    private = bool(adb.get("subnet_id") or adb.get("private_endpoint"))
    public = not private and (not whitelist or any(x in ("0.0.0.0/0", "::/0") for x in whitelist))
    peers = {region_of_ocid(p) for p in adb.get("peer_db_ids") or []}
    for standby in (adb.get("standby_db") and [adb["standby_db"]]) or []:
        if standby.get("region"):
            peers.add(str(standby["region"]).lower())
    attrs: dict[str, Any] = {
        "encryption.at_rest": encryption_of(adb.get("kms_key_id")),
        "public": public,
        "replication.locations": sorted(p for p in peers if p),
        "backup.enabled": True,  # Autonomous Database backups are automatic and cannot be turned off
    }
    if adb.get("backup_retention_period_in_days") is not None:
        attrs["backup.retention_days"] = int(adb["backup_retention_period_in_days"])
    if adb.get("is_mtls_connection_required") is not None:
        attrs["tls.required"] = bool(adb["is_mtls_connection_required"])
    if adb.get("is_data_guard_enabled") is not None or adb.get("is_local_data_guard_enabled") is not None:
        attrs["high_availability"] = bool(adb.get("is_data_guard_enabled") or adb.get("is_local_data_guard_enabled"))
    return attrs


def normalize_database(db: Mapping[str, Any], associations: list[Mapping[str, Any]] | None) -> dict[str, Any]:
    """Facts of a Base Database Service database: TDE key, automatic backups, Data Guard peers."""
    config = db.get("db_backup_config") or {}
    attrs: dict[str, Any] = {"encryption.at_rest": encryption_of(db.get("kms_key_id"))}
    if config:
        attrs["backup.enabled"] = bool(config.get("auto_backup_enabled"))
        if config.get("recovery_window_in_days") is not None:
            attrs["backup.retention_days"] = int(config["recovery_window_in_days"])
    if associations is not None:
        regions = {region_of_ocid(a.get("peer_database_id") or a.get("peer_db_system_id") or "") for a in associations}
        attrs["replication.locations"] = sorted(r for r in regions if r)
    return attrs


def normalize_key(key: Mapping[str, Any], replicas: list[str] | None) -> dict[str, Any]:
    """Facts of a Vault key: automatic rotation and where the vault is replicated."""
    attrs: dict[str, Any] = {"rotation.enabled": bool(key.get("is_auto_rotation_enabled"))}
    details = key.get("auto_key_rotation_details") or {}
    if attrs["rotation.enabled"] and details.get("rotation_interval_in_days") is not None:
        attrs["rotation.period_days"] = int(details["rotation_interval_in_days"])
    if replicas is not None:
        attrs["replication.locations"] = sorted(replicas)
    return attrs


def normalize_user(user: Mapping[str, Any], api_keys: list[Mapping[str, Any]] | None,
                   tokens: list[Mapping[str, Any]] | None, secrets: list[Mapping[str, Any]] | None,
                   admin: bool | None, now: datetime) -> dict[str, Any]:
    """Facts of an IAM user: console password, MFA, long-term credentials and their age."""
    capabilities = user.get("capabilities") or {}
    attrs: dict[str, Any] = {
        "mfa": bool(user.get("is_mfa_activated")),
        "console_access": bool(capabilities.get("can_use_console_password", True)),
    }
    if admin is not None:
        attrs["admin"] = admin
    if api_keys is not None:
        attrs["access_keys.active"] = sum(1 for k in api_keys if (k.get("lifecycle_state") or "ACTIVE") == "ACTIVE")
    if api_keys is not None and tokens is not None and secrets is not None:
        created = [c.get("time_created") for c in [*api_keys, *tokens, *secrets]
                   if (c.get("lifecycle_state") or "ACTIVE") == "ACTIVE" and c.get("time_created")]
        attrs["access_keys.max_age_days"] = max((days_since(t, now) for t in created), default=0)
    if user.get("last_successful_login_time"):
        attrs["credentials.unused_days"] = days_since(user["last_successful_login_time"], now)
    return attrs


def normalize_password_policy(policy: Mapping[str, Any] | None) -> dict[str, Any]:
    """Account facts from the (legacy IAM) authentication policy."""
    if not policy:
        return {"password_policy.present": False}
    pw = policy.get("password_policy") or {}
    attrs: dict[str, Any] = {"password_policy.present": bool(pw)}
    if pw.get("minimum_password_length") is not None:
        attrs["password_policy.min_length"] = int(pw["minimum_password_length"])
    return attrs


def normalize_domain_password_policies(policies: list[Mapping[str, Any]]) -> dict[str, Any]:
    """Account facts from Identity Domains password policies: the weakest policy of any domain counts."""
    if not policies:
        return {"password_policy.present": False}
    attrs: dict[str, Any] = {"password_policy.present": True}
    lengths = [int(p["min_length"]) for p in policies if p.get("min_length") is not None]
    if len(lengths) == len(policies):
        attrs["password_policy.min_length"] = min(lengths)
    attrs["password_policy.reuse_prevention"] = min(int(p.get("num_passwords_in_history") or 0) for p in policies)
    expiries = [int(p.get("password_expires_after") or 0) for p in policies]
    attrs["password_policy.max_age_days"] = 0 if 0 in expiries else max(expiries)
    return attrs

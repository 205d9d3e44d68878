"""`oci_*` Terraform resources mapped to the kinds and facts of the live OCI provider.

Region: an `availability_domain` names its region (`Uocm:AP-TOKYO-1-AD-1` -> `ap-tokyo-1`); other
resources are created in the provider block's `region`, and without one the CLI config decides
(Unknown). Defaults follow the OCI API when an argument is absent; see docs/iac-clouds.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from providers.terraform._clouds import (
    NO_REGION,
    first_unknown,
    is_set,
    join_keys_unknown,
    key_encryption,
    known_str,
    label,
    pointing_at,
    resolve,
    rules_or_unknown,
    tag_map,
)
from providers.terraform.common import as_bool, as_int, blocks, build
from providers.terraform.model import TfContext, TfResource, maps
from scanner.conditions import any_of
from scanner.kinds import FirewallRule
from scanner.model import Resource, Unknown

PROVIDER = "oci"
KINDS = ("storage.bucket", "compute.disk", "compute.instance", "backup.plan", "network.firewall", "network.vpc",
         "network.subnet", "database.instance", "kms.key", "account", "identity.user")

_PROTOCOLS = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmp", "all": "all"}
_AD = re.compile(r"(?:^|:)([a-z]{2}-[a-z]+-\d)-ad-\d+$", re.I)


def region(tf: TfResource) -> str | Unknown:
    """The resource's region: from its availability domain, else the provider block's `region`."""
    ad = tf.values.get("availability_domain")
    if isinstance(ad, Unknown):
        return Unknown(f"availability_domain is not known: {ad.reason}", ad.source)
    if isinstance(ad, str):
        match = _AD.search(ad.strip())
        if match:
            return match.group(1).lower()
    configured = tf.provider_config.get("region")
    if isinstance(configured, Unknown):
        return Unknown(f"the provider region is not known: {configured.reason}", configured.source)
    if isinstance(configured, str) and configured.strip():
        return configured.strip().lower()
    return Unknown(NO_REGION)


def _tags(tf: TfResource) -> Any:
    free = tag_map(tf.values.get("freeform_tags"))
    defined = tag_map(tf.values.get("defined_tags"))
    if isinstance(free, Unknown):
        return free
    if isinstance(defined, Unknown):
        return defined
    return {**defined, **free}


def _key(value: Any) -> str | Unknown:
    return key_encryption(value)


def _name(tf: TfResource) -> str | None:
    return known_str(tf.values.get("display_name")) or known_str(tf.values.get("name"))


def _logged(ctx: TfContext, target: TfResource, service: str) -> bool:
    """True when an `oci_logging_log` in the code takes `service` logs from `target`."""
    for log in ctx.of_type("oci_logging_log"):
        source = log.get("configuration.0.source.0")
        if not isinstance(source, Mapping) or source.get("service") != service:
            continue
        resource = source.get("resource")
        if isinstance(resource, Unknown):
            if resource.source.startswith(target.address + "."):
                return True
        elif isinstance(resource, str) and resource in (target.values.get("name"), target.values.get("id")):
            return True
    return False


# -- Object Storage ----------------------------------------------------------------------------------
@maps("oci_objectstorage_bucket")
def bucket(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A bucket, with `oci_objectstorage_replication_policy` destinations and write logs from the code."""
    access = tf.values.get("access_type")
    copies: list[Any] = []
    for policy in pointing_at(ctx, tf, "oci_objectstorage_replication_policy", "bucket", ("name",)):
        dest = policy.values.get("destination_region_name")
        copies.append(dest if isinstance(dest, Unknown) else str(dest).lower())
    undecided = join_keys_unknown(ctx, tf, "oci_objectstorage_replication_policy", "bucket", ("name",))
    if undecided is not None:
        copies.append(undecided)
    versioning = tf.values.get("versioning")
    attrs = {
        "encryption.at_rest": _key(tf.values.get("kms_key_id")),
        "public": access if isinstance(access, Unknown) else str(access or "NoPublicAccess") != "NoPublicAccess",
        "versioning": versioning if isinstance(versioning, Unknown) else str(versioning or "Disabled") == "Enabled",
        "replication.locations": sorted(copies, key=str),
        "access_logging": _logged(ctx, tf, "objectstorage"),
    }
    yield build(tf, ctx, PROVIDER, "storage.bucket", region(tf), attrs,
                {"encryption.at_rest": "kms_key_id", "public": "access_type", "versioning": "versioning"},
                name=_name(tf), tags=_tags(tf))


# -- Block storage -----------------------------------------------------------------------------------
def _backup_policy(tf: TfResource, ctx: TfContext) -> tuple[bool | Unknown, list[Any]]:
    """Whether a backup policy is assigned to the volume, and where its backups are copied."""
    own = tf.values.get("backup_policy_id")
    policy_ids = [own] if is_set(own) is not False else []
    policy_ids += [a.values.get("policy_id") for a in pointing_at(ctx, tf, "oci_core_volume_backup_policy_assignment",
                                                                  "asset_id")]
    copies: list[Any] = []
    for policy_id in policy_ids:
        policy = resolve(ctx, policy_id, ("oci_core_volume_backup_policy",))
        if policy is None:
            copies.append(Unknown("the backup policy is not declared in this code (an Oracle-defined policy copies "
                                  "nothing; a user-defined one may)"))
            continue
        dest = policy.values.get("destination_region")
        if isinstance(dest, Unknown):
            copies.append(dest)
        elif known_str(dest):
            copies.append(dest.lower())
    return any_of(*[is_set(p) for p in policy_ids]), copies


@maps("oci_core_volume", "oci_core_boot_volume")
def volume(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A block or boot volume: key, backup policy assignment and the policy's cross-region copy."""
    assigned, copies = _backup_policy(tf, ctx)
    attrs = {"encryption.at_rest": _key(tf.values.get("kms_key_id")), "backup.enabled": assigned,
             "backup.copy_locations": copies}
    yield build(tf, ctx, PROVIDER, "compute.disk", region(tf), attrs,
                {"location": "availability_domain", "encryption.at_rest": "kms_key_id", "backup.enabled": "backup_policy_id"},
                name=_name(tf), tags=_tags(tf))


@maps("oci_core_volume_backup_policy")
def backup_policy(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A volume backup policy: the region it copies backups to, and its longest retention."""
    dest = tf.values.get("destination_region")
    schedules = blocks(tf, "schedules")
    attrs: dict[str, Any] = {"copy.locations": [dest] if isinstance(dest, Unknown) else (
        [dest.lower()] if known_str(dest) else [])}
    if isinstance(schedules, list):
        days = [s // 86400 for s in (as_int(x.get("retention_seconds")) for x in schedules) if isinstance(s, int)]
        if days:
            attrs["retention_days"] = max(days)
    yield build(tf, ctx, PROVIDER, "backup.plan", region(tf), attrs,
                {"copy.locations": "destination_region", "retention_days": "schedules"}, name=_name(tf), tags=_tags(tf))


# -- Compute -----------------------------------------------------------------------------------------
@maps("oci_core_instance")
def instance(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """An instance: public IP (explicit, or the subnet's default), legacy IMDS, in-transit encryption."""
    assign = tf.get("create_vnic_details.0.assign_public_ip")
    if isinstance(assign, Unknown):
        public: Any = assign
    elif assign is not None:
        public = str(assign).lower() == "true"
    else:
        # Without assign_public_ip the VNIC gets a public IP when its subnet allows one.
        subnet = resolve(ctx, tf.get("create_vnic_details.0.subnet_id"), ("oci_core_subnet",))
        if subnet is None:
            public = Unknown("assign_public_ip is not set and the subnet is not declared in this code")
        else:
            prohibit = as_bool(subnet.values.get("prohibit_public_ip_on_vnic"), False)
            public = prohibit if isinstance(prohibit, Unknown) else not prohibit
    attrs: dict[str, Any] = {
        "public_ip": public,
        "metadata.token_required": as_bool(tf.get("instance_options.0.are_legacy_imds_endpoints_disabled"), False),
        "in_transit_encryption": as_bool(tf.get("launch_options.0.is_pv_encryption_in_transit_enabled"), False),
    }
    platform = blocks(tf, "platform_config")
    if isinstance(platform, Unknown):
        attrs["shielded_vm"] = platform
    elif not platform:
        attrs["shielded_vm"] = False  # Shielded instance features are off unless platform_config turns them on
    else:
        flags = [platform[0].get(k) for k in ("is_secure_boot_enabled", "is_measured_boot_enabled",
                                              "is_trusted_platform_module_enabled")]
        pending = first_unknown(*flags)
        attrs["shielded_vm"] = pending if pending is not None else flags[0] is True and (flags[1] is True or flags[2] is True)
    yield build(tf, ctx, PROVIDER, "compute.instance", region(tf), attrs, {
        "location": "availability_domain", "public_ip": "create_vnic_details.0.assign_public_ip",
        "metadata.token_required": "instance_options.0.are_legacy_imds_endpoints_disabled",
        "in_transit_encryption": "launch_options.0.is_pv_encryption_in_transit_enabled",
        "shielded_vm": "platform_config"}, name=_name(tf), tags=_tags(tf))


# -- Networking --------------------------------------------------------------------------------------
def _ports(options: Any) -> tuple[int | None, int | None] | Unknown:
    """`tcp_options { min max }` (security list) or `tcp_options { destination_port_range { min max } }` (NSG)."""
    if isinstance(options, Unknown):
        return options
    if not isinstance(options, Mapping):
        return None, None
    span = options.get("destination_port_range")
    if isinstance(span, list):
        span = span[0] if span else {}
    if not isinstance(span, Mapping):
        span = options
    low, high = as_int(span.get("min")), as_int(span.get("max"))
    if isinstance(low, Unknown):
        return low
    if isinstance(high, Unknown):
        return high
    return low, high


def firewall_rule(entry: Mapping[str, Any]) -> FirewallRule | Unknown:
    """One ingress rule (protocol numbers become names)."""
    raw = entry.get("protocol", "all")
    if isinstance(raw, Unknown):
        return raw
    protocol = _PROTOCOLS.get(str(raw).lower(), str(raw))
    span: Any = (None, None)
    if protocol in ("tcp", "udp"):
        span = _ports(entry.get(f"{protocol}_options")[0] if isinstance(entry.get(f"{protocol}_options"), list)
                      and entry.get(f"{protocol}_options") else entry.get(f"{protocol}_options"))
        if isinstance(span, Unknown):
            return span
    source = entry.get("source")
    if isinstance(source, Unknown):
        return source
    source_type = label(entry.get("source_type"), "CIDR_BLOCK")
    text = label(source)
    if source_type != "CIDR_BLOCK":
        text = f"{source_type.lower()}:{text}"
    return FirewallRule(protocol, span[0], span[1], (text,), True, label(entry.get("description")))


@maps("oci_core_security_list", "oci_core_default_security_list")
def security_list(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A security list (stateful allow-list: traffic no rule matches is dropped)."""
    entries = blocks(tf, "ingress_security_rules")
    ingress = entries if isinstance(entries, Unknown) else rules_or_unknown([firewall_rule(e) for e in entries])
    attrs = {"ingress": ingress, "default_action": "deny", "is_default": tf.type == "oci_core_default_security_list"}
    yield build(tf, ctx, PROVIDER, "network.firewall", region(tf), attrs, {"ingress": "ingress_security_rules"},
                name=_name(tf), tags=_tags(tf))


@maps("oci_core_network_security_group")
def network_security_group(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """An NSG with the `oci_core_network_security_group_security_rule`s that reference it (ingress only)."""
    items: list[Any] = []
    for joined in pointing_at(ctx, tf, "oci_core_network_security_group_security_rule", "network_security_group_id"):
        direction = joined.values.get("direction")
        if isinstance(direction, Unknown):
            items.append(direction)
        elif str(direction or "INGRESS").upper() == "INGRESS":
            items.append(firewall_rule(joined.values))
    attrs = {"ingress": rules_or_unknown(items), "default_action": "deny", "is_default": False}
    yield build(tf, ctx, PROVIDER, "network.firewall", region(tf), attrs, name=_name(tf), tags=_tags(tf))


@maps("oci_core_vcn")
def vcn(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A VCN: flow logs when an `oci_logging_log` of the `flowlogs` service takes it as its source."""
    yield build(tf, ctx, PROVIDER, "network.vpc", region(tf),
                {"flow_logs": _logged(ctx, tf, "flowlogs"), "is_default": False}, name=_name(tf), tags=_tags(tf))


@maps("oci_core_subnet")
def subnet(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A subnet: flow logs from an `oci_logging_log` of the `flowlogs` service."""
    yield build(tf, ctx, PROVIDER, "network.subnet", region(tf), {"flow_logs": _logged(ctx, tf, "flowlogs")},
                name=_name(tf), tags=_tags(tf))


# -- Databases and keys ------------------------------------------------------------------------------
@maps("oci_database_autonomous_database")
def autonomous_database(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """An Autonomous Database: network exposure, key, backups, Data Guard standbys' regions."""
    allowed = tf.values.get("whitelisted_ips")
    private = any_of(*[is_set(tf.values.get("subnet_id")), is_set(tf.values.get("private_endpoint_label"))])
    if private is True:
        public: Any = False
    elif isinstance(private, Unknown):
        public = private
    elif isinstance(allowed, Unknown):
        public = allowed
    else:
        listed = [str(x) for x in allowed or []]
        public = not listed or any(x in ("0.0.0.0/0", "::/0") for x in listed)
    peers = [region(p) for p in pointing_at(ctx, tf, "oci_database_autonomous_database", "source_id")
             if label(p.values.get("source")).upper() in ("CROSS_REGION_DATAGUARD", "CROSS_REGION_DISASTER_RECOVERY")]
    attrs: dict[str, Any] = {
        "encryption.at_rest": _key(tf.values.get("kms_key_id")),
        "public": public,
        "replication.locations": peers,
        "backup.enabled": True,  # Autonomous Database backups are automatic and cannot be turned off
    }
    days = as_int(tf.values.get("backup_retention_period_in_days"))
    if days is not None:
        attrs["backup.retention_days"] = days
    mtls = tf.values.get("is_mtls_connection_required")
    if mtls is not None:
        attrs["tls.required"] = as_bool(mtls, None)
    guard = tf.values.get("is_data_guard_enabled")
    local = tf.values.get("is_local_data_guard_enabled")
    if guard is not None or local is not None:
        attrs["high_availability"] = as_bool(guard, False) is True or as_bool(local, False) is True
    yield build(tf, ctx, PROVIDER, "database.instance", region(tf), attrs,
                {"public": "whitelisted_ips", "encryption.at_rest": "kms_key_id",
                 "backup.retention_days": "backup_retention_period_in_days",
                 "tls.required": "is_mtls_connection_required", "high_availability": "is_data_guard_enabled"},
                name=_name(tf), tags=_tags(tf))


@maps("oci_kms_key")
def kms_key(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A Vault key: automatic rotation (off by default) and its interval."""
    rotation = as_bool(tf.values.get("is_auto_rotation_enabled"), False)
    attrs: dict[str, Any] = {"rotation.enabled": rotation}
    interval = as_int(tf.get("auto_key_rotation_details.0.rotation_interval_in_days"))
    if rotation is True and interval is not None:
        attrs["rotation.period_days"] = interval
    yield build(tf, ctx, PROVIDER, "kms.key", region(tf), attrs,
                {"rotation.enabled": "is_auto_rotation_enabled", "rotation.period_days": "auto_key_rotation_details"},
                name=_name(tf), tags=_tags(tf))


# -- Tenancy -----------------------------------------------------------------------------------------
@maps("oci_cloud_guard_configuration")
def cloud_guard(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """Cloud Guard on the tenancy: the account's threat detection."""
    status = tf.values.get("status")
    enabled = status if isinstance(status, Unknown) else str(status or "").upper() == "ENABLED"
    where = tf.values.get("reporting_region")
    yield build(tf, ctx, PROVIDER, "account", where.lower() if known_str(where) else region(tf),
                {"threat_detection.enabled": enabled},
                {"threat_detection.enabled": "status", "location": "reporting_region"}, tags={})


@maps("oci_identity_user")
def identity_user(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A user: console capability and the API keys declared for it (MFA is set by the user, so not known)."""
    console: Any = True  # a new user may use a console password unless the capability is removed
    for caps in pointing_at(ctx, tf, "oci_identity_user_capabilities_management", "user_id"):
        console = as_bool(caps.values.get("can_use_console_password"), True)
    keys = pointing_at(ctx, tf, "oci_identity_api_key", "user_id")
    attrs = {"console_access": console, "access_keys.active": len(keys)}
    yield build(tf, ctx, PROVIDER, "identity.user", "global", attrs, name=known_str(tf.values.get("name")), tags=_tags(tf))

"""`azurerm_*` Terraform resources mapped to the kinds and facts of the live Azure provider.

Every location is normalized (`Japan East` -> `japaneast`). Geo-redundant storage and backups copy
data to the region's published pair. Defaults follow the azurerm provider (v3/v4) and the Azure API
when an argument is absent; see docs/iac-clouds.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from providers.terraform._clouds import (
    azure_location,
    first_unknown,
    is_set,
    join_keys_unknown,
    key_encryption,
    known_str,
    label,
    location,
    opt,
    pointing_at,
    present,
    resolve,
    rule,
    rules_or_unknown,
    str_list,
)
from providers.terraform.common import as_bool, as_int, blocks, build
from providers.terraform.model import TfContext, TfResource, maps
from scanner.conditions import all_of, any_of
from scanner.kinds import FirewallRule
from scanner.model import Resource, Unknown

PROVIDER = "azure"
KINDS = ("storage.bucket", "compute.disk", "compute.instance", "network.firewall", "network.vpc", "database.instance",
         "nosql.table", "kms.key", "web.app", "log.sink", "log.store", "cdn.distribution", "policy.guardrail")

# Published Azure region pairs (same table as providers/azure/locations.py).
_PAIRS = {
    "japaneast": "japanwest", "eastasia": "southeastasia", "koreacentral": "koreasouth",
    "australiaeast": "australiasoutheast", "australiacentral": "australiacentral2", "centralindia": "southindia",
    "westindia": "southindia", "eastus": "westus", "eastus2": "centralus", "northcentralus": "southcentralus",
    "westus2": "westcentralus", "westus3": "eastus", "canadacentral": "canadaeast", "brazilsouth": "southcentralus",
    "northeurope": "westeurope", "uksouth": "ukwest", "francecentral": "francesouth",
    "germanywestcentral": "germanynorth", "switzerlandnorth": "switzerlandwest", "norwayeast": "norwaywest",
    "uaenorth": "uaecentral", "southafricanorth": "southafricawest",
}
PAIRS: dict[str, str] = {**_PAIRS, **{v: k for k, v in _PAIRS.items() if v not in _PAIRS}}
PAIRS.update({"japanwest": "japaneast", "westus": "eastus", "southeastasia": "eastasia"})
GEO_SKUS = frozenset({"GRS", "RAGRS", "GZRS", "RAGZRS"})
ALLOWED_LOCATIONS_POLICIES = ("e56962a6-4747-49cd-b67b-bf8b01975c4c", "e765b5de-1225-4ba3-bd56-1ac6695af988")


def _loc(tf: TfResource) -> str | Unknown:
    return location(tf, ("location",), ("location",), azure_location)


def paired(where: str | Unknown) -> str | Unknown:
    """The published pair of a region, or Unknown when it has none we know."""
    if isinstance(where, Unknown):
        return where
    return PAIRS.get(where) or Unknown(f"no published region pair known for {where}")


def _tls(value: Any, default: str) -> str | Unknown:
    """`TLS1_2` / `1.2` -> `1.2`."""
    if isinstance(value, Unknown):
        return value
    text = str(value or default).upper().replace("TLS", "").replace("_", ".").strip(".")
    return text


def _geo_copies(where: str | Unknown) -> list[Any] | Unknown:
    pair = paired(where)
    if isinstance(where, Unknown):
        return where
    return [where, pair]


def _first(tf: TfResource, *names: str) -> Any:
    """The first of several spellings of an argument (azurerm v3 and v4 names)."""
    for name in names:
        if name in tf.values and tf.values[name] is not None:
            return tf.values[name]
    return None


# -- Storage -----------------------------------------------------------------------------------------
@maps("azurerm_storage_account")
def storage_account(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A storage account: GRS/RA-GRS/GZRS/RA-GZRS copy every blob to the paired region."""
    where = _loc(tf)
    sku = tf.values.get("account_replication_type")
    if isinstance(sku, Unknown):
        copies: Any = sku
    elif not known_str(sku):
        copies = Unknown("account_replication_type is not set")
    elif sku.upper() in GEO_SKUS:
        pair = paired(where)
        copies = pair if isinstance(pair, Unknown) else [pair]
    else:
        copies = []  # LRS and ZRS keep every copy in the account's own region
    network = as_bool(tf.values.get("public_network_access_enabled"), True)
    nested = as_bool(_first(tf, "allow_nested_items_to_be_public", "allow_blob_public_access"), True)
    public = nested if isinstance(nested, Unknown) else network if isinstance(network, Unknown) else (
        bool(nested) and bool(network))
    action = tf.get("network_rules.0.default_action")
    for joined in pointing_at(ctx, tf, "azurerm_storage_account_network_rules", "storage_account_id"):
        action = joined.values.get("default_action")
    if network is False:
        deny: Any = True
    elif isinstance(action, Unknown):
        deny = action
    else:
        deny = str(action or "Allow").lower() == "deny"
    cmk = blocks(tf, "customer_managed_key")
    joined_cmk = pointing_at(ctx, tf, "azurerm_storage_account_customer_managed_key", "storage_account_id")
    encryption = cmk if isinstance(cmk, Unknown) else "customer_key" if cmk or joined_cmk else "provider_key"
    versioning = as_bool(tf.get("blob_properties.0.versioning_enabled"), False)
    soft = blocks(tf.get("blob_properties.0") or {}, "delete_retention_policy") if isinstance(
        tf.get("blob_properties.0"), Mapping) else []
    containers = blocks(tf.get("blob_properties.0") or {}, "container_delete_retention_policy") if isinstance(
        tf.get("blob_properties.0"), Mapping) else []
    if versioning is not True and not isinstance(versioning, Unknown):
        unknown = first_unknown(soft, containers)
        versioning = unknown if unknown is not None else (bool(soft) and bool(containers))
    attrs = {
        "replication.locations": copies,
        "tls_only": as_bool(_first(tf, "https_traffic_only_enabled", "enable_https_traffic_only"), True),
        "tls.min_version": _tls(tf.values.get("min_tls_version"), "TLS1_2"),
        "public": public,
        "shared_key_access": as_bool(tf.values.get("shared_access_key_enabled"), True),
        "network.default_deny": deny,
        "infrastructure_encryption": as_bool(tf.values.get("infrastructure_encryption_enabled"), False),
        "encryption.at_rest": encryption,
        "versioning": versioning,
    }
    yield build(tf, ctx, PROVIDER, "storage.bucket", where, attrs, {
        "replication.locations": "account_replication_type", "tls_only": "https_traffic_only_enabled",
        "tls.min_version": "min_tls_version", "public": "allow_nested_items_to_be_public",
        "shared_key_access": "shared_access_key_enabled", "network.default_deny": "network_rules",
        "infrastructure_encryption": "infrastructure_encryption_enabled", "encryption.at_rest": "customer_managed_key",
        "versioning": "blob_properties",
    }, name=known_str(tf.values.get("name")))


# -- Compute -----------------------------------------------------------------------------------------
@maps("azurerm_managed_disk")
def managed_disk(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A managed disk: always encrypted at rest; a disk encryption set makes it customer-keyed."""
    encryption = key_encryption(tf.values.get("disk_encryption_set_id"))
    backups = pointing_at(ctx, tf, "azurerm_data_protection_backup_instance_disk", "disk_id")
    attrs = {"encryption.at_rest": encryption, "backup.enabled": bool(backups)}
    yield build(tf, ctx, PROVIDER, "compute.disk", _loc(tf), attrs,
                {"encryption.at_rest": "disk_encryption_set_id"}, name=known_str(tf.values.get("name")))


@maps("azurerm_linux_virtual_machine", "azurerm_windows_virtual_machine")
def virtual_machine(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A VM: public when one of its NICs (declared in the code) has a public IP."""
    nic_ids = tf.values.get("network_interface_ids")
    public: bool | Unknown = False
    for value in nic_ids if isinstance(nic_ids, list) else [nic_ids]:
        nic = resolve(ctx, value, ("azurerm_network_interface",))
        if nic is None:
            public = Unknown("a network interface is not declared in this code")
            break
        configs = blocks(nic, "ip_configuration")
        if isinstance(configs, Unknown):
            public = configs
            break
        nic_public = any_of(*(is_set(c.get("public_ip_address_id")) for c in configs))
        if nic_public is not False:
            public = nic_public
            break
    secure = as_bool(tf.values.get("secure_boot_enabled"), False)
    vtpm = as_bool(tf.values.get("vtpm_enabled"), False)
    attrs = {"public_ip": public,
             "backup.enabled": bool(pointing_at(ctx, tf, "azurerm_backup_protected_vm", "source_vm_id")),
             "shielded_vm": opt(first_unknown(secure, vtpm), secure is True and vtpm is True)}
    yield build(tf, ctx, PROVIDER, "compute.instance", _loc(tf), attrs,
                {"public_ip": "network_interface_ids"}, name=known_str(tf.values.get("name")))


# -- Network -----------------------------------------------------------------------------------------
_PROTOCOLS = {"tcp": "tcp", "udp": "udp", "icmp": "icmp", "*": "all", "any": "all", "ah": "ah", "esp": "esp"}


def nsg_rules(entries: list[Mapping[str, Any]]) -> list[Any]:
    """Inbound NSG rules as FirewallRule records, by priority (one per destination port range)."""
    out: list[Any] = []

    def priority(entry: Mapping[str, Any]) -> int:
        value = as_int(entry.get("priority"))
        return value if isinstance(value, int) else 65536

    for entry in sorted(entries, key=priority):
        direction = entry.get("direction")
        if isinstance(direction, Unknown):
            out.append(direction)
            continue
        if str(direction or "").lower() != "inbound":
            continue
        sources = str_list(entry.get("source_address_prefixes"))
        single = entry.get("source_address_prefix")
        ranges = str_list(entry.get("destination_port_ranges"))
        port = entry.get("destination_port_range")
        for value in (sources, ranges, single, port, entry.get("access"), entry.get("protocol")):
            if isinstance(value, Unknown):
                out.append(value)
                break
        else:
            all_sources = [*([single] if single else []), *sources]  # type: ignore[misc]
            all_ranges = [*([port] if port else []), *ranges]  # type: ignore[misc]
            protocol = _PROTOCOLS.get(str(entry.get("protocol") or "*").lower(), str(entry.get("protocol")).lower())
            allow = str(entry.get("access") or "").lower() == "allow"
            for text in all_ranges or ["*"]:
                out.append(rule(protocol, text, all_sources, allow, label(entry.get("name"))))
    return out


@maps("azurerm_network_security_group")
def network_security_group(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """An NSG with its inline rules and the `azurerm_network_security_rule`s that name it."""
    inline = blocks(tf, "security_rule")
    if isinstance(inline, Unknown):
        ingress: Any = inline
    else:
        entries = list(inline)
        entries += [r.values for r in pointing_at(ctx, tf, "azurerm_network_security_rule", "network_security_group_name",
                                                  ("name",)) if _same_group(r, tf)]
        undecided = join_keys_unknown(ctx, tf, "azurerm_network_security_rule", "network_security_group_name", ("name",))
        ingress = undecided if undecided is not None else rules_or_unknown(nsg_rules(entries))
        if isinstance(ingress, list):
            ingress = unshadowed(ingress)
    # Azure's default rules deny inbound internet traffic, so only custom rules matter.
    attrs = {"ingress": ingress, "is_default": False, "default_action": "deny"}
    yield build(tf, ctx, PROVIDER, "network.firewall", _loc(tf), attrs, {"ingress": "security_rule"},
                name=known_str(tf.values.get("name")))


def unshadowed(rules: list[FirewallRule]) -> list[FirewallRule]:
    """Rules in priority order without the allows that a higher-priority deny from every source fully blocks
    (the live provider's rule, so code and live findings agree)."""
    kept: list[FirewallRule] = []
    denies: list[FirewallRule] = []
    for record in rules:
        if not record.allow:
            denies.append(record)
            kept.append(record)
        elif not any(_shadows(d, record) for d in denies):
            kept.append(record)
    return kept


def _shadows(deny: FirewallRule, allow: FirewallRule) -> bool:
    if not any(s.strip().lower() in ("*", "any", "internet", "0.0.0.0/0") for s in deny.sources):
        return False
    if deny.protocol != "all" and deny.protocol != allow.protocol:
        return False
    low, high = deny.from_port or 0, 65535 if deny.to_port is None else deny.to_port
    return low <= (allow.from_port or 0) and (65535 if allow.to_port is None else allow.to_port) <= high


def _same_group(joined: TfResource, nsg: TfResource) -> bool:
    theirs, ours = joined.values.get("resource_group_name"), nsg.values.get("resource_group_name")
    return not (isinstance(theirs, str) and isinstance(ours, str) and theirs != ours)


@maps("azurerm_virtual_network")
def virtual_network(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A VNet: flow logs from an `azurerm_network_watcher_flow_log` that targets it."""
    logs = [f for f in pointing_at(ctx, tf, "azurerm_network_watcher_flow_log", "target_resource_id")
            if as_bool(f.values.get("enabled"), True) is True]
    yield build(tf, ctx, PROVIDER, "network.vpc", _loc(tf), {"flow_logs": bool(logs), "is_default": False},
                name=known_str(tf.values.get("name")))


# -- Databases ---------------------------------------------------------------------------------------
@maps("azurerm_mssql_server")
def mssql_server(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A logical SQL server: public access, auditing, and failover-group partners' regions."""
    partners: list[Any] = []
    for group in pointing_at(ctx, tf, "azurerm_mssql_failover_group", "server_id"):
        found = blocks(group, "partner_server")
        if isinstance(found, Unknown):
            partners.append(found)
            continue
        for partner in found:
            server = resolve(ctx, partner.get("id"), ("azurerm_mssql_server",))
            partners.append(_loc(server) if server else Unknown(
                f"{group.address}: the partner server is not declared in this code"))
    audits = pointing_at(ctx, tf, "azurerm_mssql_server_extended_auditing_policy", "server_id")
    attrs = {
        "public": as_bool(tf.values.get("public_network_access_enabled"), True),
        "replication.locations": partners,
        "tls.required": True,  # Azure SQL refuses unencrypted connections
        "audit_logging": any(as_bool(a.values.get("enabled"), True) is True for a in audits),
    }
    yield build(tf, ctx, PROVIDER, "database.instance", _loc(tf), attrs,
                {"public": "public_network_access_enabled"}, name=known_str(tf.values.get("name")))


@maps("azurerm_mssql_database")
def mssql_database(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A SQL database: in its server's region; `Geo` backup storage (the default) copies to the pair."""
    server = resolve(ctx, tf.values.get("server_id"), ("azurerm_mssql_server",))
    where = _loc(server) if server else Unknown("the server is not declared in this code, so the region is not known")
    tde = as_bool(tf.values.get("transparent_data_encryption_enabled"), True)
    key = tf.values.get("transparent_data_encryption_key_vault_key_id")
    encryption = tde if isinstance(tde, Unknown) else key_encryption(key) if tde else "none"
    redundancy = tf.values.get("storage_account_type")
    if isinstance(redundancy, Unknown):
        backups: Any = redundancy
    elif str(redundancy or "Geo").lower() in ("geo", "geozone"):
        backups = _geo_copies(where)
    else:
        backups = [where] if isinstance(where, str) else where
    attrs = {"encryption.at_rest": encryption, "high_availability": as_bool(tf.values.get("zone_redundant"), False),
             "backup.locations": backups}
    yield build(tf, ctx, PROVIDER, "database.instance", where, attrs,
                {"location": "server_id", "encryption.at_rest": "transparent_data_encryption_enabled",
                 "high_availability": "zone_redundant", "backup.locations": "storage_account_type"},
                name=known_str(tf.values.get("name")))


@maps("azurerm_postgresql_flexible_server", "azurerm_mysql_flexible_server")
def flexible_server(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A PostgreSQL or MySQL flexible server: TLS, geo-redundant backup, HA, CMK and replicas."""
    where = _loc(tf)
    delegated = is_set(tf.values.get("delegated_subnet_id"))
    default: bool | Unknown = delegated if isinstance(delegated, Unknown) else not delegated
    public = as_bool(tf.values.get("public_network_access_enabled"), default)
    days = as_int(tf.values.get("backup_retention_days"))
    geo = as_bool(tf.values.get("geo_redundant_backup_enabled"), False)
    config_type = tf.type.replace("_server", "_server_configuration")
    tls: Any = True  # require_secure_transport is ON by default
    for config in pointing_at(ctx, tf, config_type, "server_id"):
        if label(config.values.get("name")).lower() == "require_secure_transport":
            value = config.values.get("value")
            tls = value if isinstance(value, Unknown) else str(value).lower() in ("on", "true")
    replicas = [_loc(r) for r in pointing_at(ctx, tf, tf.type, "source_server_id")]
    ha = blocks(tf, "high_availability")
    attrs = {
        "public": public,
        "backup.enabled": True,  # flexible servers always take automated backups
        "backup.retention_days": 7 if days is None else days,
        "backup.locations": geo if isinstance(geo, Unknown) else _geo_copies(where) if geo else (
            [where] if isinstance(where, str) else where),
        "high_availability": ha if isinstance(ha, Unknown) else any(
            label(h.get("mode")).lower() != "disabled" for h in ha),
        "encryption.at_rest": _cmk(present(tf.values.get("customer_managed_key"))),
        "replication.locations": replicas,
        "tls.required": tls,
    }
    yield build(tf, ctx, PROVIDER, "database.instance", where, attrs, {
        "public": "public_network_access_enabled", "backup.retention_days": "backup_retention_days",
        "backup.locations": "geo_redundant_backup_enabled", "high_availability": "high_availability",
        "encryption.at_rest": "customer_managed_key"}, name=known_str(tf.values.get("name")))


@maps("azurerm_cosmosdb_account")
def cosmosdb_account(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A Cosmos DB account: every `geo_location` holds a full replica."""
    geo = blocks(tf, "geo_location")
    if isinstance(geo, Unknown):
        replicas: Any = geo
    else:
        places = [g.get("location") for g in geo]
        bad = next((p for p in places if isinstance(p, Unknown)), None)
        replicas = bad if bad is not None else sorted({azure_location(p) for p in places if isinstance(p, str)})
    public = as_bool(tf.values.get("public_network_access_enabled"), True)
    vnet_filter = as_bool(tf.values.get("is_virtual_network_filter_enabled"), False)
    ip_filter = tf.values.get("ip_range_filter")
    if public is True:
        pending = first_unknown(vnet_filter, ip_filter)
        if vnet_filter is True or (isinstance(ip_filter, list | str) and len(ip_filter) > 0):
            public = False
        elif pending is not None:
            public = pending
    attrs = {"replication.locations": replicas,
             "encryption.at_rest": key_encryption(tf.values.get("key_vault_key_id")),
             "public": public,
             "backup.pitr": label(tf.get("backup.0.type"), "Periodic").lower() == "continuous"}
    yield build(tf, ctx, PROVIDER, "nosql.table", _loc(tf), attrs,
                {"replication.locations": "geo_location", "public": "public_network_access_enabled",
                 "encryption.at_rest": "key_vault_key_id", "backup.pitr": "backup"}, name=known_str(tf.values.get("name")))


# -- Key Vault ---------------------------------------------------------------------------------------
@maps("azurerm_key_vault")
def key_vault(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A vault with the `azurerm_key_vault_key`s in the code: purge protection, network, key expiry and rotation."""
    keys = pointing_at(ctx, tf, "azurerm_key_vault_key", "key_vault_id")
    purge = as_bool(tf.values.get("purge_protection_enabled"), False)
    network = as_bool(tf.values.get("public_network_access_enabled"), True)
    action = tf.get("network_acls.0.default_action")
    if isinstance(network, Unknown) or isinstance(action, Unknown):
        public: Any = network if isinstance(network, Unknown) else action
    else:
        public = bool(network) and str(action or "Allow").lower() != "deny"
    attrs = {
        "deletion_protection": purge,  # soft delete cannot be turned off; purge protection is off by default
        # Vault contents are replicated to the paired region (Microsoft's documented behaviour, as live).
        "replication.locations": _pair_list(_loc(tf)),
        "public_network_access": public,
        "access_logging": any_of(*(_audits(d) for d in pointing_at(ctx, tf, "azurerm_monitor_diagnostic_setting",
                                                                   "target_resource_id"))),
        "expiry_set": all_of(*(is_set(k.values.get("expiration_date")) for k in keys)),
        "rotation.enabled": _all_rotate(keys),
    }
    yield build(tf, ctx, PROVIDER, "kms.key", _loc(tf), attrs,
                {"deletion_protection": "purge_protection_enabled", "public_network_access": "public_network_access_enabled"},
                name=known_str(tf.values.get("name")))


def _pair_list(where: str | Unknown) -> list[str] | Unknown:
    pair = paired(where)
    return pair if isinstance(pair, Unknown) else [pair]


def _audits(setting: TfResource) -> bool | Unknown:
    """A diagnostic setting that exports audit events (AuditEvent, or the audit / allLogs groups) somewhere."""
    destination = any_of(*(is_set(setting.values.get(k)) for k in (
        "storage_account_id", "log_analytics_workspace_id", "eventhub_authorization_rule_id")))
    if destination is not True:
        return destination
    entries = blocks(setting, "enabled_log")
    legacy = blocks(setting, "log")
    pending = first_unknown(entries, legacy)
    if pending is not None:
        return pending
    audit = [label(e.get("category")).lower() == "auditevent"
             or label(e.get("category_group")).lower() in ("audit", "alllogs") for e in entries]
    audit += [as_bool(e.get("enabled"), True) is True and label(e.get("category")).lower() == "auditevent"
              for e in legacy]
    return any(audit)


def _all_rotate(keys: list[TfResource]) -> bool | Unknown:
    """Every key has a rotation policy with an `automatic` block."""
    verdicts = []
    for key in keys:
        policy = key.get("rotation_policy.0")
        if isinstance(policy, Unknown):
            verdicts.append(policy)
        elif isinstance(policy, Mapping):
            verdicts.append(present(policy.get("automatic")))
        else:
            verdicts.append(False)
    if any(v is False for v in verdicts):
        return False
    return opt(first_unknown(*verdicts), True)


def _cmk(set_: bool | Unknown) -> str | Unknown:
    return set_ if isinstance(set_, Unknown) else "customer_key" if set_ else "provider_key"


# -- App Service -------------------------------------------------------------------------------------
@maps("azurerm_linux_web_app", "azurerm_windows_web_app", "azurerm_app_service")
def web_app(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A web app: HTTPS only (off by default), minimum TLS (1.2 by default), public network access."""
    attrs = {"https_only": as_bool(tf.values.get("https_only"), False),
             "tls.min_version": _tls(tf.get("site_config.0.minimum_tls_version") if tf.get("site_config.0.minimum_tls_version") is not None
                                     else tf.get("site_config.0.min_tls_version"),
                                     "1.2"),
             "public_network_access": as_bool(tf.values.get("public_network_access_enabled"), True)}
    yield build(tf, ctx, PROVIDER, "web.app", _loc(tf), attrs,
                {"https_only": "https_only", "tls.min_version": "site_config.0.minimum_tls_version",
                 "public_network_access": "public_network_access_enabled"}, name=known_str(tf.values.get("name")))


# -- Monitoring --------------------------------------------------------------------------------------
@maps("azurerm_monitor_diagnostic_setting")
def diagnostic_setting(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A diagnostic setting: where its logs land (a storage account or workspace declared in the code)."""
    destinations: list[Any] = []
    for attr, types in (("storage_account_id", ("azurerm_storage_account",)),
                        ("log_analytics_workspace_id", ("azurerm_log_analytics_workspace",)),
                        ("eventhub_authorization_rule_id", ())):
        value = tf.values.get(attr)
        if value is None:
            continue
        target = resolve(ctx, value, types) if types else None
        destinations.append(_loc(target) if target else Unknown(
            f"{attr}: the destination is not declared in this code, so its location is not known"))
    logs = blocks(tf, "enabled_log")
    legacy = blocks(tf, "log")
    if isinstance(logs, Unknown) or isinstance(legacy, Unknown):
        enabled: Any = first_unknown(logs, legacy)
    else:
        enabled = bool(logs) or any(as_bool(entry.get("enabled"), True) is True for entry in legacy)
    attrs = {"enabled": enabled, "destination.locations": destinations}
    yield build(tf, ctx, PROVIDER, "log.sink", "global", attrs,
                {"destination.locations": "storage_account_id", "enabled": "enabled_log"},
                name=known_str(tf.values.get("name")), tags={})


@maps("azurerm_log_analytics_workspace")
def log_workspace(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A Log Analytics workspace: retention (30 days by default)."""
    days = as_int(tf.values.get("retention_in_days"))
    yield build(tf, ctx, PROVIDER, "log.store", _loc(tf), {"retention_days": 30 if days is None else days},
                {"retention_days": "retention_in_days"}, name=known_str(tf.values.get("name")))


# -- Global services ---------------------------------------------------------------------------------
@maps("azurerm_cdn_frontdoor_profile", "azurerm_frontdoor", "azurerm_traffic_manager_profile", "azurerm_cdn_profile")
def global_service(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """Front Door, Traffic Manager and CDN profiles: global services (residency needs a review)."""
    yield build(tf, ctx, PROVIDER, "cdn.distribution", "global", {}, name=known_str(tf.values.get("name")))


# -- Policy: the built-in "Allowed locations" ----------------------------------------------------------
def _parameters(value: Any) -> Mapping[str, Any] | Unknown:
    if isinstance(value, Unknown):
        return value
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return Unknown("parameters is not valid JSON")
    return value if isinstance(value, Mapping) else Unknown("parameters is not an object")


@maps("azurerm_policy_assignment", "azurerm_subscription_policy_assignment",
      "azurerm_resource_group_policy_assignment", "azurerm_management_group_policy_assignment")
def policy_assignment(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """An assignment of the built-in Allowed locations policy as a guardrail (other policies are not mapped)."""
    definition = tf.values.get("policy_definition_id")
    if not (isinstance(definition, str) and definition.lower().endswith(ALLOWED_LOCATIONS_POLICIES)):
        return
    params = _parameters(tf.values.get("parameters"))
    if isinstance(params, Unknown):
        allowed: Any = params
    else:
        entry = params.get("listOfAllowedLocations")
        listed = str_list(entry.get("value") if isinstance(entry, Mapping) else entry)
        allowed = listed if isinstance(listed, Unknown) else [azure_location(x) for x in listed]
    enforce = tf.values.get("enforce")
    mode = tf.values.get("enforcement_mode")
    enforced = as_bool(enforce, True) if mode is None else (
        mode if isinstance(mode, Unknown) else str(mode) in ("Default", "true", "True"))
    yield build(tf, ctx, PROVIDER, "policy.guardrail", "global", {"allowed_locations": allowed, "enforced": enforced},
                {"allowed_locations": "parameters", "enforced": "enforce"}, name=known_str(tf.values.get("name")), tags={})

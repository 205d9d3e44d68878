"""Azure SQL, PostgreSQL/MySQL flexible servers and Cosmos DB as `database.instance` / `nosql.table`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from providers.azure.common import enabled, props, resource
from providers.azure.locations import normalize, paired
from scanner.model import Resource, Unknown

SQL_SERVER = "microsoft.sql/servers"
SQL_DATABASE = "microsoft.sql/servers/databases"
FAILOVER_GROUP = "microsoft.sql/servers/failovergroups"
POSTGRES = "microsoft.dbforpostgresql/flexibleservers"
MYSQL = "microsoft.dbformysql/flexibleservers"
COSMOS = "microsoft.documentdb/databaseaccounts"
TYPES = (SQL_SERVER, SQL_DATABASE, POSTGRES, MYSQL, COSMOS)
JOIN_TYPES = (FAILOVER_GROUP,)

# ARM GETs for settings Resource Graph does not index: (path suffix, api-version).
SQL_AUDITING = ("/auditingSettings/default", "2021-11-01")
SQL_TDE = ("/transparentDataEncryption/current", "2021-11-01")
FLEX_CONFIG = {POSTGRES: "2022-12-01", MYSQL: "2023-12-30"}
LOCKS = ("/providers/Microsoft.Authorization/locks", "2020-05-01")  # every lock of a subscription, one GET


def locked_scopes(locks: Iterable[Mapping[str, Any]]) -> frozenset[str]:
    """Lower-cased scopes (subscription, resource group or resource) under a delete-blocking lock."""
    out = set()
    for lock in locks:
        if str(props(lock).get("level") or "").lower() in ("cannotdelete", "readonly"):
            out.add(str(lock.get("id") or "").lower().split("/providers/microsoft.authorization/locks/")[0])
    return frozenset(out)


def deletion_protected(resource_id: str, locked: frozenset[str] | Unknown) -> bool | Unknown:
    """True when a lock on the resource, its resource group or its subscription blocks deletion."""
    if isinstance(locked, Unknown):
        return locked
    rid = resource_id.lower()
    return any(rid == scope or rid.startswith(scope + "/") for scope in locked)


def partner_locations(groups: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    """Map each SQL server id (lower case) to the locations of its failover-group partners."""
    out: dict[str, list[str]] = {}
    for group in groups:
        server = str(group.get("id") or "").lower().split("/failovergroups/")[0]
        for partner in props(group).get("partnerServers") or []:
            location = normalize(partner.get("location"))
            if isinstance(location, str):
                out.setdefault(server, []).append(location)
    return out


def normalize_sql_server(row: Mapping[str, Any], partners: Mapping[str, list[str]],
                         auditing: Mapping[str, Any] | Unknown) -> Resource:
    """Pure: a logical SQL server; `auditing` is its auditingSettings/default reply or Unknown."""
    p = props(row)
    attrs: dict[str, Any] = {
        "public": _public(p.get("publicNetworkAccess")),
        "replication.locations": sorted(set(partners.get(str(row.get("id") or "").lower(), []))),
    }
    if "minimalTlsVersion" in p:
        attrs["tls.required"] = True  # Azure SQL refuses unencrypted connections
    attrs["audit_logging"] = auditing if isinstance(auditing, Unknown) else enabled(props(auditing).get("state"))
    return resource(row, "database.instance", attrs)


def normalize_sql_database(row: Mapping[str, Any], tde: Mapping[str, Any] | Unknown) -> Resource:
    """Pure: a SQL database; `tde` is its transparentDataEncryption/current reply or Unknown."""
    p = props(row)
    attrs: dict[str, Any] = {}
    state = tde if isinstance(tde, Unknown) else enabled(props(tde).get("state"))
    attrs["encryption.at_rest"] = state if isinstance(state, Unknown) else ("provider_key" if state else "none")
    if isinstance(p.get("zoneRedundant"), bool):
        attrs["high_availability"] = p["zoneRedundant"]
    redundancy = str(p.get("requestedBackupStorageRedundancy") or p.get("currentBackupStorageRedundancy") or "")
    if redundancy:
        own = normalize(row.get("location"))
        if redundancy.lower() == "geo":
            pair = paired(own)
            attrs["backup.locations"] = pair if isinstance(pair, Unknown) else [own, pair] if isinstance(own, str) else own
        elif isinstance(own, str):
            attrs["backup.locations"] = [own]
    return resource(row, "database.instance", attrs)


def normalize_flexible_server(row: Mapping[str, Any], secure_transport: Mapping[str, Any] | Unknown) -> Resource:
    """Pure: a PostgreSQL or MySQL flexible server; `secure_transport` is its require_secure_transport config."""
    p = props(row)
    attrs: dict[str, Any] = {}
    network = p.get("network") or {}
    attrs["public"] = _public(network.get("publicNetworkAccess"))
    backup = p.get("backup") or {}
    if isinstance(backup.get("backupRetentionDays"), int):
        attrs["backup.enabled"] = True  # flexible servers always take automated backups
        attrs["backup.retention_days"] = backup["backupRetentionDays"]
    geo = enabled(backup.get("geoRedundantBackup"))
    own = normalize(row.get("location"))
    if isinstance(geo, bool) and isinstance(own, str):
        pair = paired(own)
        attrs["backup.locations"] = ([own, pair] if isinstance(pair, str) else pair) if geo else [own]
    ha = str((p.get("highAvailability") or {}).get("mode") or "")
    if ha:
        attrs["high_availability"] = ha.lower() != "disabled"
    data = str((p.get("dataEncryption") or {}).get("type") or "")
    attrs["encryption.at_rest"] = "customer_key" if data.lower() == "azurekeyvault" else "provider_key"
    replica_role = str(p.get("replicationRole") or "")
    if replica_role:
        attrs["replication.locations"] = [] if replica_role.lower() in ("none", "primary", "source") else Unknown(
            "replica of another server: see that server")
    if isinstance(secure_transport, Unknown):
        attrs["tls.required"] = secure_transport
    else:
        value = str(props(secure_transport).get("value") or "").lower()
        attrs["tls.required"] = value == "on" if value in ("on", "off") else Unknown(f"unexpected value {value!r}")
    return resource(row, "database.instance", attrs)


def normalize_cosmos(row: Mapping[str, Any]) -> Resource:
    """Pure: a Cosmos DB account; every entry of `locations` holds a full replica."""
    p = props(row)
    places = [normalize(loc.get("locationName")) for loc in p.get("locations") or [] if isinstance(loc, Mapping)]
    attrs: dict[str, Any] = {
        "replication.locations": sorted({x for x in places if isinstance(x, str)})
        if all(isinstance(x, str) for x in places) and places else Unknown("replica locations not reported"),
        "encryption.at_rest": "customer_key" if p.get("keyVaultKeyUri") else "provider_key",
    }
    public = _public(p.get("publicNetworkAccess"))
    if public is True and p.get("isVirtualNetworkFilterEnabled") is True:
        public = False
    if public is True and p.get("ipRules"):
        public = False
    attrs["public"] = public
    policy = p.get("backupPolicy") or {}
    if isinstance(policy, Mapping) and policy.get("type"):
        attrs["backup.pitr"] = str(policy["type"]).lower() == "continuous"
    return resource(row, "nosql.table", attrs)


def _public(value: Any) -> bool | Unknown:
    return enabled(value)

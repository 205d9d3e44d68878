"""Collection per query family: Resource Graph pages streamed into the normalizers, plus the few
ARM GETs that Resource Graph cannot answer (each failure blurs one fact and is reported)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

from providers.azure import account, compute, databases, edge, keyvault, network, storage, web
from providers.azure.client import Clients
from providers.azure.errors import reason
from providers.azure.graph import kql, rows
from scanner.model import CollectionError, Resource, Unknown

Item = Resource | CollectionError
Collector = Callable[[Clients, Sequence[str], Mapping[str, Any]], Iterator[Item]]

KINDS: dict[str, tuple[str, ...]] = {
    "storage": ("storage.bucket",),
    "compute": ("compute.instance", "compute.disk"),
    "network": ("network.firewall", "network.vpc"),
    "databases": ("database.instance", "nosql.table"),
    "keyvault": ("kms.key",),
    "web": ("web.app",),
    "edge": ("cdn.distribution",),
    "account": ("account", "policy.guardrail", "log.sink"),
}


def _stream(clients: Clients, subs: Sequence[str], table: str, types: Sequence[str], service: str) -> Iterator[Any]:
    """Rows of a query; a refused subscription comes through as a CollectionError naming it."""
    yield from rows(clients, subs, kql(table, types), service)


def _guard(service: str, row: Mapping[str, Any], normalize: Callable[..., Resource], *args: Any) -> Item:
    """Normalize one row; a row of an unexpected shape becomes an error naming it, not a lost unit."""
    try:
        return normalize(*args)
    except (AttributeError, KeyError, TypeError, ValueError, IndexError) as exc:
        shape = row if isinstance(row, Mapping) else {}
        return CollectionError("azure", str(shape.get("subscriptionId") or ""), service, "global",
                               f"normalize {shape.get('type') or '?'}",
                               f"unexpected shape of {shape.get('id')}: {type(exc).__name__}: {exc}")


def _detail(clients: Clients, row: Mapping[str, Any], suffix: str, api_version: str, service: str,
            errors: list[CollectionError], always: bool = False) -> Mapping[str, Any] | Unknown:
    """One ARM GET below a resource; a failure is an Unknown fact and a reported error."""
    from azure.core.exceptions import AzureError

    if not (clients.settings.details or always):
        return Unknown(f"GET {suffix.strip('/')} not read (--no-details)", service)
    path = f"{row.get('id')}{suffix}"
    try:
        return clients.get_json(path, api_version) or {}
    except AzureError as exc:
        why = reason(exc)
        errors.append(CollectionError("azure", str(row.get("subscriptionId") or ""), service,
                                      str(row.get("location") or "global"), f"GET {suffix.strip('/')}", why))
        return Unknown(f"GET {suffix.strip('/')} failed: {why}", service)


def collect_storage(clients: Clients, subs: Sequence[str], payload: Mapping[str, Any]) -> Iterator[Item]:
    """Storage accounts."""
    for row in _stream(clients, subs, "resources", storage.TYPES, "storage"):
        if isinstance(row, Resource | CollectionError):
            yield row
            continue
        errors: list[CollectionError] = []
        blob = _detail(clients, row, *storage.BLOB_SERVICE, "storage", errors)
        yield from errors
        yield _guard("storage", row, storage.normalize_storage_account, row, blob)


def collect_compute(clients: Clients, subs: Sequence[str], payload: Mapping[str, Any]) -> Iterator[Item]:
    """Disks and VMs; NICs are read first to know which VMs carry a public IP."""
    nics = [r for r in _stream(clients, subs, "resources", ("microsoft.network/networkinterfaces",), "compute")
            if not isinstance(r, Resource | CollectionError)]
    public = network.public_ip_nics(nics)
    del nics
    protected: frozenset[str] | None
    try:
        protected = compute.protected_ids(
            r for r in rows(clients, subs, kql("recoveryservicesresources", compute.PROTECTED), "compute")
            if not isinstance(r, CollectionError))
    except Exception as exc:  # backup coverage unknown; everything else is still read
        yield CollectionError("azure", _label(subs), "compute", "global",
                              "Microsoft.ResourceGraph/resources/read (recoveryservicesresources)", str(exc))
        protected = None
    for row in _stream(clients, subs, "resources", compute.TYPES, "compute"):
        if isinstance(row, Resource | CollectionError):
            yield row
        elif str(row.get("type")).lower() == "microsoft.compute/disks":
            yield _guard("compute", row, compute.normalize_disk, row, protected)
        else:
            yield _guard("compute", row, compute.normalize_vm, row, public, protected)


def collect_network(clients: Clients, subs: Sequence[str], payload: Mapping[str, Any]) -> Iterator[Item]:
    """NSGs and VNets; flow logs are read first."""
    flows = [r for r in _stream(clients, subs, "resources", ("microsoft.network/networkwatchers/flowlogs",), "network")
             if not isinstance(r, Resource | CollectionError)]
    logged = network.flow_logged_targets(flows)
    types = ("microsoft.network/networksecuritygroups", "microsoft.network/virtualnetworks")
    for row in _stream(clients, subs, "resources", types, "network"):
        if isinstance(row, Resource | CollectionError):
            yield row
        elif str(row.get("type")).lower() == "microsoft.network/networksecuritygroups":
            yield _guard("network", row, network.normalize_nsg, row)
        else:
            yield _guard("network", row, lambda r: network.normalize_vnet(r, logged, network.subnet_nsgs(r)), row)


def collect_databases(clients: Clients, subs: Sequence[str], payload: Mapping[str, Any]) -> Iterator[Item]:
    """SQL servers and databases, flexible servers, Cosmos DB accounts."""
    groups = [r for r in _stream(clients, subs, "resources", databases.JOIN_TYPES, "databases")
              if not isinstance(r, Resource | CollectionError)]
    partners = databases.partner_locations(groups)
    locks: dict[str, frozenset[str] | Unknown] = {}
    for sub, (listed, lock_errors) in _per_subscription(clients, subs, *databases.LOCKS, "databases"):
        yield from lock_errors
        locks[sub.lower()] = listed if isinstance(listed, Unknown) else databases.locked_scopes(listed.get("value") or [])
    for row in _stream(clients, subs, "resources", databases.TYPES, "databases"):
        if isinstance(row, Resource | CollectionError):
            yield row
            continue
        errors: list[CollectionError] = []
        kind = str(row.get("type")).lower()
        made: Resource | CollectionError
        if kind == databases.SQL_SERVER:
            audit = _detail(clients, row, *databases.SQL_AUDITING, "databases", errors)
            made = _guard("databases", row, databases.normalize_sql_server, row, partners, audit)
        elif kind == databases.SQL_DATABASE:
            if str(row.get("name")).lower() == "master":
                continue  # the system database of every server
            tde = _detail(clients, row, *databases.SQL_TDE, "databases", errors)
            made = _guard("databases", row, databases.normalize_sql_database, row, tde)
        elif kind in databases.FLEX_CONFIG:
            config = _detail(clients, row, "/configurations/require_secure_transport", databases.FLEX_CONFIG[kind],
                             "databases", errors)
            made = _guard("databases", row, databases.normalize_flexible_server, row, config)
        else:
            made = _guard("databases", row, databases.normalize_cosmos, row)
        if isinstance(made, CollectionError):
            yield from errors
            yield made
            continue
        item = made
        if item.kind == "database.instance":
            lock = locks.get(str(row.get("subscriptionId") or "").lower(), Unknown("subscription not in batch"))
            item = replace(item, attrs={**item.attrs, "deletion_protection": databases.deletion_protected(item.id, lock)})
        yield from errors
        yield item


def collect_keyvault(clients: Clients, subs: Sequence[str], payload: Mapping[str, Any]) -> Iterator[Item]:
    """Key Vaults and the expiry and rotation of their keys."""
    for row in _stream(clients, subs, "resources", keyvault.TYPES, "keyvault"):
        if isinstance(row, Resource | CollectionError):
            yield row
            continue
        errors: list[CollectionError] = []
        listed = _detail(clients, row, *keyvault.KEYS, "keyvault", errors)
        keys = listed if isinstance(listed, Unknown) else list(listed.get("value") or [])
        yield from errors
        yield _guard("keyvault", row, keyvault.normalize_vault, row, keys)


def collect_web(clients: Clients, subs: Sequence[str], payload: Mapping[str, Any]) -> Iterator[Item]:
    """App Service sites and their TLS settings."""
    for row in _stream(clients, subs, "resources", web.TYPES, "web"):
        if isinstance(row, Resource | CollectionError):
            yield row
            continue
        errors: list[CollectionError] = []
        config = _detail(clients, row, *web.CONFIG, "web", errors)
        yield from errors
        yield _guard("web", row, web.normalize_site, row, config)


def collect_edge(clients: Clients, subs: Sequence[str], payload: Mapping[str, Any]) -> Iterator[Item]:
    """Global services."""
    for row in _stream(clients, subs, "resources", edge.TYPES, "edge"):
        yield row if isinstance(row, Resource | CollectionError) else _guard("edge", row, edge.normalize_global, row)


def collect_account(clients: Clients, subs: Sequence[str], payload: Mapping[str, Any]) -> Iterator[Item]:
    """One `account` per subscription, its Allowed-locations guardrails and its Activity Log exports."""

    refused: set[str] = set()
    errors: list[CollectionError] = []

    def table(name: str, types: Sequence[str]) -> list[Mapping[str, Any]] | Unknown:
        found: list[Mapping[str, Any]] = []
        try:
            for row in rows(clients, subs, kql(name, types), "account"):
                if isinstance(row, CollectionError):
                    refused.add(row.scope)
                    errors.append(row)
                else:
                    found.append(row)
        except Exception as exc:  # one table lost blurs the facts it feeds, not the whole unit
            errors.append(CollectionError("azure", _label(subs), "account", "global",
                                          f"Microsoft.ResourceGraph/resources/read ({name})", str(exc)))
            return Unknown(f"{name} could not be read: {exc}", "account")
        return found

    containers = table("resourcecontainers", account.CONTAINERS)
    pricings = table("securityresources", account.PRICINGS)
    assignments = table("policyresources", account.ASSIGNMENTS)
    yield from errors
    for a in [] if isinstance(assignments, Unknown) else assignments:
        if account.is_allowed_locations(a):
            yield _guard("account", a, account.normalize_guardrail, a)
    chains = {} if isinstance(containers, Unknown) else {
        str(c.get("subscriptionId") or "").lower(): account.management_chain(c) for c in containers}
    if not isinstance(containers, Unknown):
        # Resource Graph leaves out subscriptions it may not read instead of refusing them: name each.
        for sub in subs:
            if sub.lower() not in chains and sub not in refused:
                refused.add(sub)
                yield CollectionError("azure", sub, "account", "global", "Microsoft.ResourceGraph/resources/read",
                                      "the subscription is not visible to Resource Graph (no read access, or it does not exist)")
    subscriptions = payload.get("subscriptions") or {}
    sinks: dict[str, list[Mapping[str, Any]] | Unknown] = {}
    contacts: dict[str, list[Mapping[str, Any]] | Unknown] = {}
    for sub, (found, errors) in _per_subscription(clients, subs, *account.CONTACTS, "defender"):
        yield from errors
        contacts[sub] = found if isinstance(found, Unknown) else list(found.get("value") or [])
    for sub, (reply, errors) in _per_subscription(clients, subs, *account.DIAGNOSTICS, "monitor", always=True):
        for error in errors:
            yield replace(error, operation="Microsoft.Insights/diagnosticSettings/read", region="global")
        sinks[sub] = reply if isinstance(reply, Unknown) else list(reply.get("value") or [])
    where = _locations(clients, subs, [t for s in sinks.values() if not isinstance(s, Unknown)
                                       for x in s for t in account.destinations(x)])
    for sub in subs:
        record = {"subscriptionId": sub, **(subscriptions.get(sub) or {})}
        if sub in refused:
            gap = Unknown("Resource Graph refused this subscription", "account")
            yield account.normalize_account(record, gap, gap, gap, sinks[sub], contacts[sub])
        else:
            chain = containers if isinstance(containers, Unknown) else chains.get(sub.lower(), [])
            mine = pricings if isinstance(pricings, Unknown) else [
                p for p in pricings if str(p.get("subscriptionId") or "").lower() == sub.lower()]
            yield account.normalize_account(record, chain, mine, assignments, sinks[sub], contacts[sub])
        exports = sinks[sub]
        for setting in [] if isinstance(exports, Unknown) else exports:
            yield account.normalize_sink(setting, sub, where)


def _locations(clients: Clients, subs: Sequence[str], ids: list[str]) -> dict[str, str]:
    """Locations of the given resource ids, in one Resource Graph query (those in scope only)."""
    if not ids:
        return {}
    listed = ",".join(f"'{i}'" for i in sorted(set(ids)))
    query = f"resources | where id in~ ({listed}) | project id, location | order by id asc"
    out = {}
    try:
        for row in rows(clients, subs, query, "account"):
            if isinstance(row, Mapping) and isinstance(row.get("location"), str):
                out[str(row.get("id")).lower()] = "".join(str(row["location"]).split()).lower()
    except Exception:  # the sink's destination then stays Unknown, which its check reports
        return {}
    return out


def _per_subscription(clients: Clients, subs: Sequence[str], suffix: str, api_version: str, service: str,
                      always: bool = False) -> Iterator[tuple[str, tuple[Mapping[str, Any] | Unknown, list[CollectionError]]]]:
    """One ARM GET per subscription, a few at a time, in subscription order."""
    from concurrent.futures import ThreadPoolExecutor

    def one(sub: str) -> tuple[Mapping[str, Any] | Unknown, list[CollectionError]]:
        errors: list[CollectionError] = []
        row = {"id": f"/subscriptions/{sub}", "subscriptionId": sub}
        return _detail(clients, row, suffix, api_version, service, errors, always), errors

    with ThreadPoolExecutor(max_workers=max(1, clients.settings.subscription_workers)) as pool:
        yield from zip(subs, pool.map(one, subs), strict=True)


def _label(subs: Sequence[str]) -> str:
    return subs[0] if len(subs) == 1 else f"{subs[0]}..{subs[-1]} ({len(subs)} subscriptions)"


FAMILIES: dict[str, Collector] = {
    "storage": collect_storage,
    "compute": collect_compute,
    "network": collect_network,
    "databases": collect_databases,
    "keyvault": collect_keyvault,
    "web": collect_web,
    "edge": collect_edge,
    "account": collect_account,
}

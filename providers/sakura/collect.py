"""Collection for one Sakura Cloud account: zonal finds, global items on is1a, object storage sites."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from providers.sakura import normalize as n
from providers.sakura.client import SakuraCallError, SakuraClient
from scanner.model import CollectionError, Resource

PROVIDER = "sakura"
GLOBAL_ZONE = "is1a"  # global resources are read through the default zone only
SANDBOX = "tk1v"
SERVICE_KINDS = {
    "server": ("compute.instance", "compute.disk"),
    "network": ("network.vpc", "network.firewall"),
    "appliance": ("network.loadbalancer", "database.instance", "storage.file"),
    "global": ("account", "network.loadbalancer", "cdn.distribution"),
    "webaccel": ("cdn.distribution",),
    "objectstorage": ("storage.bucket",),
}
Item = Resource | CollectionError


class AccountScan:
    """One Sakura account (an API key) scanned across zones."""

    def __init__(self, client: SakuraClient, account: str, zones: list[str]) -> None:
        self.client = client
        self.account = account
        self.zones = zones

    def resource(self, kind: str, native_type: str, item: dict[str, Any], location: str, attrs: dict[str, Any]) -> Resource:
        """A live resource from a Sakura item."""
        return Resource(PROVIDER, kind, native_type, f"{location}/{native_type}/{n.sid(item.get('ID') or item.get('name'))}",
                        str(item.get("Name") or item.get("name") or ""), self.account, location, attrs, tags=n.tags_of(item))

    def error(self, exc: SakuraCallError, kinds: tuple[str, ...]) -> CollectionError:
        """A collection error for one failed detail call."""
        return CollectionError(PROVIDER, self.account, exc.service, exc.zone, exc.operation, exc.reason, kinds)

    def _routed_switches(self, zone: str, errors: list[CollectionError], kinds: tuple[str, ...]) -> set[str] | None:
        """Switches with a router (スイッチ+ルータ): their servers have internet addresses."""
        try:
            switches = self.client.find("network", zone, "switch", "Switches")
        except SakuraCallError as exc:
            errors.append(self.error(exc, kinds))
            return None
        return {n.sid(s.get("ID")) for s in switches if s.get("Internet")}

    def collect_server(self, zone: str) -> Iterator[Item]:
        """Servers (shared segment, packet filters) and disks (encryption, auto-backup)."""
        kinds = SERVICE_KINDS["server"]
        errors: list[CollectionError] = []
        servers = self.client.find("server", zone, "server", "Servers")
        disks = self.client.find("server", zone, "disk", "Disks")
        routed = self._routed_switches(zone, errors, kinds)
        try:
            backups = self.client.find("server", zone, "commonserviceitem", "CommonServiceItems", {"Provider.Class": "autobackup"})
            backed_up: set[str] | None = {n.sid((b.get("Status") or {}).get("DiskId")) for b in backups
                                          if ((b.get("Status") or {}).get("ZoneName") or zone) == zone}
        except SakuraCallError as exc:
            errors.append(self.error(exc, kinds))
            backed_up = None
        for server in servers:
            yield self.resource("compute.instance", "Server", server, zone, n.normalize_server(server, routed))
        for disk in disks:
            yield self.resource("compute.disk", "Disk", disk, zone, n.normalize_disk(disk, backed_up))
        yield from errors

    def collect_network(self, zone: str) -> Iterator[Item]:
        """Switches, routers and packet filters."""
        for switch in self.client.find("network", zone, "switch", "Switches"):
            yield self.resource("network.vpc", "Switch", switch, zone, {"is_default": False})
        for router in self.client.find("network", zone, "internet", "Internet"):
            yield self.resource("network.vpc", "Internet", router, zone, {"is_default": False})
        for pf in self.client.find("network", zone, "packetfilter", "PacketFilters"):
            yield self.resource("network.firewall", "PacketFilter", pf, zone, n.normalize_packet_filter(pf))

    def collect_appliance(self, zone: str) -> Iterator[Item]:
        """Load balancers, database appliances and NFS."""
        kinds = SERVICE_KINDS["appliance"]
        errors: list[CollectionError] = []
        routed = self._routed_switches(zone, errors, kinds)
        for lb in self.client.find("appliance", zone, "appliance", "Appliances", {"Class": "loadbalancer"}):
            attrs: dict[str, Any] = {}
            if routed is not None:
                attrs["public"] = any((nic.get("Switch") or {}).get("Scope") == "shared"
                                      or n.sid((nic.get("Switch") or {}).get("ID")) in routed for nic in lb.get("Interfaces") or [])
            yield self.resource("network.loadbalancer", "LoadBalancer", lb, zone, attrs)
        for db in self.client.find("appliance", zone, "appliance", "Appliances", {"Class": "database"}):
            facts = n.normalize_database(db, routed)
            # Replicas and backups of a database appliance stay in its own zone (the replica is a second
            # appliance on the same switch; Backupv2 writes to an NFS appliance on that switch).
            facts["replication.locations"] = [zone] if facts.get("high_availability") else []
            if facts.get("backup.enabled"):
                facts["backup.locations"] = [zone]
            yield self.resource("database.instance", "Database", db, zone, facts)
        for nfs in self.client.find("appliance", zone, "appliance", "Appliances", {"Class": "nfs"}):
            yield self.resource("storage.file", "NFS", nfs, zone, {})
        yield from errors

    def collect_global(self, zone: str) -> Iterator[Item]:
        """The account, enhanced load balancers, GSLB, web accelerator and simple monitors (read on is1a)."""
        kinds = SERVICE_KINDS["global"]
        errors: list[CollectionError] = []
        attrs: dict[str, Any] = {"regions.enabled": sorted(self.zones)}
        try:
            monitors = self.client.find("global", zone, "commonserviceitem", "CommonServiceItems", {"Provider.Class": "simplemon"})
            attrs["monitoring.configured"] = bool(n.monitored_targets(monitors))
        except SakuraCallError as exc:
            errors.append(self.error(exc, kinds))
        yield Resource(PROVIDER, "account", "Account", self.account, self.account, self.account, "global", attrs)
        for item in self.client.find("global", zone, "commonserviceitem", "CommonServiceItems", {"Provider.Class": "proxylb"}):
            region, facts = n.normalize_proxylb(item)
            yield self.resource("network.loadbalancer", "ProxyLB", item, region or "global", facts)
        for item in self.client.find("global", zone, "commonserviceitem", "CommonServiceItems", {"Provider.Class": "gslb"}):
            yield self.resource("cdn.distribution", "GSLB", item, "global", {})
        yield from errors

    def collect_webaccel(self, zone: str) -> Iterator[Item]:
        """Web accelerator (CDN) sites: a global service."""
        body = self.client.get("webaccel", zone, "api/webaccel/1.0/site", "GET webaccel/site")
        if not isinstance(body, dict) or not isinstance(body.get("Sites", []), list):
            raise SakuraCallError("webaccel", zone, "GET webaccel/site", "malformed response body (no Sites list)")
        for site in body.get("Sites") or []:
            yield self.resource("cdn.distribution", "WebAccel", site, "global", n.normalize_webaccel(site))

    def collect_objectstorage(self, zone: str) -> Iterator[Item]:
        """Object storage sites and buckets: KMS encryption and replication targets."""
        kinds = SERVICE_KINDS["objectstorage"]
        errors: list[CollectionError] = []
        base = "api/objectstorage/1.0"
        sites_body = self.client.get("objectstorage", zone, f"{base}/fed/v1/clusters", "GET objectstorage/clusters")
        sites = {str(s["id"]): str(s["id"]).lower() for s in (sites_body or {}).get("data") or []}
        for site in sites:
            body = self.client.get("objectstorage", zone, f"{base}/{site}/v2/buckets", f"GET objectstorage/{site}/buckets")
            for bucket in (body or {}).get("data") or []:
                name = bucket["name"]
                details: list[Any] = []
                for part in ("encryption", "replication"):
                    try:
                        data = self.client.get("objectstorage", zone, f"{base}/{site}/v2/buckets/{name}/{part}",
                                               f"GET objectstorage/buckets/{part}", missing_ok=True)
                        details.append({} if data is None else (data.get("data") or {}))
                    except SakuraCallError as exc:
                        errors.append(self.error(exc, kinds))
                        details.append(None)
                yield Resource(PROVIDER, "storage.bucket", "ObjectStorageBucket", f"{site}/bucket/{name}", name, self.account,
                               site, n.normalize_bucket(details[0], details[1], sites))
        yield from errors

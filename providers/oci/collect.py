"""Collection for one OCI tenancy: Resource Search inventory per region, details from the service clients."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from providers.oci import normalize as n
from providers.oci.session import OciCallError, Session, to_dict
from scanner.model import CollectionError, Resource, Unknown

PROVIDER = "oci"

# The search resource types each regional service unit turns into resources.
SERVICE_TYPES = {
    "objectstorage": ("Bucket",),
    "blockstorage": ("Volume", "BootVolume"),
    "compute": ("Instance",),
    "network": ("Vcn", "Subnet", "SecurityList", "NetworkSecurityGroup"),
    "database": ("AutonomousDatabase", "Database"),
    "vault": ("Vault",),
    "filestorage": ("FileSystem",),
}
SERVICE_KINDS = {
    "tenancy": ("account", "identity.user", "audit.trail"),
    "objectstorage": ("storage.bucket",),
    "blockstorage": ("compute.disk", "backup.plan"),
    "compute": ("compute.instance",),
    "network": ("network.vpc", "network.subnet", "network.firewall"),
    "database": ("database.instance",),
    "vault": ("kms.key",),
    "filestorage": ("storage.file",),
}
Item = Resource | CollectionError
# Per-resource detail calls of one unit run this many at a time (a region has thousands of resources).
DETAIL_WORKERS = 8


def _origin(url: str) -> str:
    """`scheme://host:port` of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def now_utc() -> datetime:
    """The clock credential ages are measured against (tests pin it)."""
    return datetime.now(UTC)


class TenancyScan:
    """Shared state of one tenancy's scan: subscriptions, compartments and per-region caches."""

    def __init__(self, session: Session, subscriptions: list[dict[str, Any]], compartments: list[dict[str, Any]]) -> None:
        self.session = session
        self.tenancy = session.tenancy
        self.subscriptions = subscriptions
        self.compartments = compartments
        home = [s["region_name"] for s in subscriptions if s.get("is_home_region")]
        self.home = home[0] if home else session.home_region
        self._locks: dict[str, threading.Lock] = {}
        self._cache: dict[str, Any] = {}
        self._guard = threading.Lock()

    # -- shared, cached per region -------------------------------------------------------------
    def _once(self, key: str, compute: Any) -> Any:
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._cache:
                try:
                    self._cache[key] = compute()
                except OciCallError as exc:
                    self._cache[key] = exc
        return self._cache[key]

    def search(self, region: str) -> list[dict[str, Any]]:
        """Every resource Resource Search sees in `region` (one structured query, paged); raises OciCallError."""
        import oci

        def run() -> list[dict[str, Any]]:
            details = oci.resource_search.models.StructuredSearchDetails(
                type="Structured", query="query all resources", matching_context_type="NONE")
            return to_dict(self.session.pages("search", region, "search_resources", details, limit=1000))

        result = self._once(f"search:{region}", run)
        if isinstance(result, OciCallError):
            raise result
        return result

    def of_type(self, region: str, *types: str) -> list[dict[str, Any]]:
        """Search results of the given resource types, live ones only."""
        return [i for i in self.search(region) if i.get("resource_type") in types
                and (i.get("lifecycle_state") or "").upper() not in ("TERMINATED", "DELETED")]

    def logs(self, region: str) -> set[tuple[str, str, str]] | OciCallError:
        """(service, resource, category) of every enabled service log in `region`."""

        def run() -> set[tuple[str, str, str]]:
            found: set[tuple[str, str, str]] = set()
            for group in self.of_type(region, "LogGroup"):
                for log in to_dict(self.session.pages("logging", region, "list_logs", group["identifier"], log_type="SERVICE")):
                    source = ((log.get("configuration") or {}).get("source")) or {}
                    if log.get("is_enabled", True) and (log.get("lifecycle_state") or "ACTIVE") == "ACTIVE":
                        found.add((str(source.get("service")), str(source.get("resource")), str(source.get("category"))))
            return found

        return self._once(f"logs:{region}", run)  # type: ignore[no-any-return]

    # -- helpers ---------------------------------------------------------------------------------
    def resource(self, kind: str, item: dict[str, Any], region: str, attrs: dict[str, Any],
                 native: dict[str, Any] | None = None) -> Resource:
        """A live resource from a search summary (or detail) and its facts."""
        return Resource(PROVIDER, kind, str(item.get("resource_type") or kind), str(item.get("identifier") or item.get("id")),
                        str(item.get("display_name") or item.get("name") or ""), self.tenancy, region, attrs,
                        tags=n.tags_of(item), native=native)

    def placeholder(self, kind: str, region: str, where: str, reason: str) -> Resource:
        """A stand-in for resources a failed list hid: every check on it is UNKNOWN, never silently absent."""
        return Resource(PROVIDER, kind, "(not collected)", f"{self.tenancy}/{region}/{where}/{kind}",
                        f"{kind} in {where} (not collected)", self.tenancy, Unknown(reason), {})

    def error(self, exc: OciCallError, kinds: tuple[str, ...]) -> CollectionError:
        """A collection error for one failed detail call."""
        return CollectionError(PROVIDER, self.tenancy, exc.service, exc.region, exc.operation, exc.reason, kinds)

    def detail(self, errors: list[CollectionError], kinds: tuple[str, ...], service: str, region: str,
               operation: str, *args: Any, paged: bool = False, **kwargs: Any) -> Any:
        """One detail call as dicts, or None after recording its error (the facts it feeds stay Unknown)."""
        try:
            call = self.session.pages if paged else self.session.call
            return to_dict(call(service, region, operation, *args, **kwargs))
        except OciCallError as exc:
            errors.append(self.error(exc, kinds))
            return None

    def each(self, items: list[dict[str, Any]], one: Callable[[dict[str, Any]], Any]) -> Iterator[Any]:
        """`one(item)` for every item, DETAIL_WORKERS at a time, results in order (detail calls are independent)."""
        if len(items) <= 1:
            yield from (one(i) for i in items)
            return
        with ThreadPoolExecutor(max_workers=min(DETAIL_WORKERS, len(items)), thread_name_prefix="oci-detail") as pool:
            yield from pool.map(one, items)

    # -- tenancy (home region) -------------------------------------------------------------------
    def collect_tenancy(self, region: str) -> Iterator[Item]:
        """The tenancy as an account, its users, and the always-on audit service."""
        kinds = SERVICE_KINDS["tenancy"]
        errors: list[CollectionError] = []
        now = now_utc()
        attrs: dict[str, Any] = {
            "regions.enabled": sorted(s["region_name"].lower() for s in self.subscriptions),
            "audit.enabled": True,  # OCI Audit records every API call in every region and cannot be turned off
        }
        attrs.update(self._password_policy(errors, kinds, region))
        guard = self.detail(errors, kinds, "cloudguard", region, "get_configuration", self.tenancy)
        if guard is not None:
            attrs["threat_detection.enabled"] = (guard.get("status") or "").upper() == "ENABLED"
        defaults = self.detail(errors, kinds, "identity", region, "list_tag_defaults", paged=True,
                               compartment_id=self.tenancy)
        if defaults is not None:
            attrs["tag_defaults.present"] = any((d.get("lifecycle_state") or "ACTIVE") == "ACTIVE" for d in defaults)
        data_events = self._buckets_write_logged()
        if data_events is not None:
            attrs["audit.data_events"] = data_events
        root_count = self._root_resources()
        if root_count is not None:
            attrs["root_compartment.resources"] = root_count
        audit = self.detail(errors, kinds, "audit", region, "get_configuration", self.tenancy)

        admins = self._administrators(errors, kinds, region)
        users = self.detail(errors, kinds, "identity", region, "list_users", self.tenancy, paged=True)
        if users is None:
            yield self.placeholder("identity.user", region, "tenancy", errors[-1].reason)
        admin_keys: list[bool] = []
        admin_mfa: list[bool] = []
        def one_user(user: dict[str, Any]) -> Resource:
            uid = user["id"]
            keys = self.detail(errors, kinds, "identity", region, "list_api_keys", uid)
            tokens = self.detail(errors, kinds, "identity", region, "list_auth_tokens", uid)
            secrets = self.detail(errors, kinds, "identity", region, "list_customer_secret_keys", uid)
            is_admin = None if admins is None else uid in admins
            facts = n.normalize_user(user, keys, tokens, secrets, is_admin, now)
            return Resource(PROVIDER, "identity.user", "User", uid, str(user.get("name") or ""), self.tenancy, "global",
                            facts, tags=n.tags_of(user))

        active = [u for u in users or [] if (u.get("lifecycle_state") or "ACTIVE") == "ACTIVE"]
        for user_resource in self.each(active, one_user):
            facts = user_resource.attrs
            if facts.get("admin"):
                admin_keys.append(facts["access_keys.active"] > 0 if "access_keys.active" in facts else None)  # type: ignore[arg-type]
                admin_mfa.append(facts["mfa"])
            yield user_resource
        if users is not None and admins is not None and None not in admin_keys:
            attrs["root.access_keys"] = any(admin_keys)
            attrs["root.mfa"] = bool(admin_mfa) and all(admin_mfa)
        yield Resource(PROVIDER, "account", "Tenancy", self.tenancy, self.tenancy, self.tenancy, region, attrs,
                       native={"home_region": self.home, "compartments": len(self.compartments)})
        # Audit events are kept in the region where they happen: every subscribed region holds some.
        trail: dict[str, Any] = {"enabled": True, "multi_region": True, "encryption.at_rest": "provider_key",
                                 "destination.locations": attrs["regions.enabled"]}
        if audit is not None and audit.get("retention_period_days") is not None:
            trail["retention_days"] = int(audit["retention_period_days"])
        yield Resource(PROVIDER, "audit.trail", "AuditConfiguration", f"{self.tenancy}/audit", "OCI Audit", self.tenancy,
                       region, trail)
        yield from errors

    def _password_policy(self, errors: list[CollectionError], kinds: tuple[str, ...], region: str) -> dict[str, Any]:
        """Identity Domains password policies when the tenancy has domains, else the legacy IAM policy."""
        domains = self.detail(errors, kinds, "identity", region, "list_domains", self.tenancy, paged=True)
        if domains is None:
            return {}
        active = [d for d in domains if (d.get("lifecycle_state") or "ACTIVE") == "ACTIVE"]
        if not active:
            policy = self.detail(errors, kinds, "identity", region, "get_authentication_policy", self.tenancy)
            return {} if policy is None else n.normalize_password_policy(policy)
        policies: list[dict[str, Any]] = []
        for domain in active:
            # The Identity Domains client accepts a bare host only: an emulator serves it at its own root.
            endpoint = _origin(self.session.endpoint) if self.session.endpoint else domain["url"]
            body = self.detail(errors, kinds, "identitydomains", region, "list_password_policies", endpoint=endpoint,
                               count=100)
            if body is None:
                return {}
            policies += body.get("resources") or []
        return n.normalize_domain_password_policies(policies)

    def _administrators(self, errors: list[CollectionError], kinds: tuple[str, ...], region: str) -> set[str] | None:
        groups = self.detail(errors, kinds, "identity", region, "list_groups", self.tenancy, paged=True)
        if groups is None:
            return None
        admin_ids = [g["id"] for g in groups if g.get("name") == "Administrators"]
        members: set[str] = set()
        for gid in admin_ids:
            rows = self.detail(errors, kinds, "identity", region, "list_user_group_memberships", self.tenancy,
                               paged=True, group_id=gid)
            if rows is None:
                return None
            members |= {r["user_id"] for r in rows}
        return members

    def _buckets_write_logged(self) -> bool | None:
        """Object-level writes are logged for every bucket in every subscribed region (CIS OCI 4.17)."""
        for sub in self.subscriptions:
            region = sub["region_name"]
            try:
                buckets = self.of_type(region, "Bucket")
            except OciCallError:
                return None
            logs = self.logs(region) if buckets else set()
            if isinstance(logs, OciCallError):
                return None
            if any(("objectstorage", b["display_name"], "write") not in logs for b in buckets):
                return False
        return True

    def _root_resources(self) -> int | None:
        total = 0
        for sub in self.subscriptions:
            try:
                items = self.search(sub["region_name"])
            except OciCallError:
                return None
            total += sum(1 for i in items if i.get("compartment_id") == self.tenancy
                         and i.get("resource_type") not in ("Compartment", "Tenancy", "User", "Group", "Policy", "TagNamespace",
                                                            "TagDefault", "DynamicGroup", "IdentityProvider"))
        return total

    # -- regional services -----------------------------------------------------------------------
    def collect_objectstorage(self, region: str) -> Iterator[Item]:
        """Buckets: public access, key, versioning, replication destinations, write logging."""
        kinds = SERVICE_KINDS["objectstorage"]
        buckets = self.of_type(region, "Bucket")
        if not buckets:
            return
        namespace = self.session.call("objectstorage", region, "get_namespace")
        logs = self.logs(region)
        errors: list[CollectionError] = []
        if isinstance(logs, OciCallError):
            errors.append(self.error(logs, kinds))
        def one(item: dict[str, Any]) -> Resource:
            name = item["display_name"]
            bucket = self.detail(errors, kinds, "objectstorage", region, "get_bucket", namespace, name)
            if bucket is None:
                return self.resource("storage.bucket", item, region, {})
            policies = self.detail(errors, kinds, "objectstorage", region, "list_replication_policies", namespace, name,
                                   paged=True)
            logged = None if isinstance(logs, OciCallError) else ("objectstorage", name, "write") in logs
            return self.resource("storage.bucket", item, region, n.normalize_bucket(bucket, policies, logged))

        yield from self.each(buckets, one)
        yield from errors

    def collect_blockstorage(self, region: str) -> Iterator[Item]:
        """Block and boot volumes: key, backup policy and its cross-region copy destination."""
        kinds = SERVICE_KINDS["blockstorage"]
        errors: list[CollectionError] = []
        policies: dict[str, Any] = {}
        def one(item: dict[str, Any]) -> Resource:
            op = "get_volume" if item["resource_type"] == "Volume" else "get_boot_volume"
            volume = self.detail(errors, kinds, "blockstorage", region, op, item["identifier"])
            if volume is None:
                return self.resource("compute.disk", item, region, {})
            assignments = self.detail(errors, kinds, "blockstorage", region, "get_volume_backup_policy_asset_assignment",
                                      item["identifier"])
            policy = None
            if assignments:
                pid = assignments[0]["policy_id"]
                if pid not in policies:  # a race only repeats a read
                    policies[pid] = self.detail(errors, kinds, "blockstorage", region, "get_volume_backup_policy", pid)
                policy = policies[pid]
            assigned = None if assignments is None else bool(assignments)
            return self.resource("compute.disk", item, region, n.normalize_volume(volume, policy, assigned))

        yield from self.each(self.of_type(region, "Volume", "BootVolume"), one)
        for pid, policy in policies.items():
            if policy is not None:
                yield Resource(PROVIDER, "backup.plan", "VolumeBackupPolicy", pid, str(policy.get("display_name") or ""),
                               self.tenancy, region, n.normalize_backup_policy(policy))
        yield from errors

    def collect_compute(self, region: str) -> Iterator[Item]:
        """Instances: legacy metadata endpoints, in-transit encryption, public IP of the VNICs."""
        kinds = SERVICE_KINDS["compute"]
        errors: list[CollectionError] = []
        def one(item: dict[str, Any]) -> Resource:
            instance = self.detail(errors, kinds, "compute", region, "get_instance", item["identifier"])
            if instance is None:
                return self.resource("compute.instance", item, region, {})
            public = self._public_ip(errors, kinds, region, instance)
            return self.resource("compute.instance", item, region, n.normalize_instance(instance, public))

        yield from self.each(self.of_type(region, "Instance"), one)
        yield from errors

    def _public_ip(self, errors: list[CollectionError], kinds: tuple[str, ...], region: str, instance: dict[str, Any]) -> bool | None:
        attachments = self.detail(errors, kinds, "compute", region, "list_vnic_attachments", instance["compartment_id"],
                                  paged=True, instance_id=instance["id"])
        if attachments is None:
            return None
        for att in attachments:
            if (att.get("lifecycle_state") or "ATTACHED") != "ATTACHED":
                continue
            vnic = self.detail(errors, kinds, "network", region, "get_vnic", att["vnic_id"])
            if vnic is None:
                return None
            if vnic.get("public_ip"):
                return True
        return False

    def collect_network(self, region: str) -> Iterator[Item]:
        """VCNs, subnets (flow logs), security lists (default list) and NSGs as firewall rules."""
        kinds = SERVICE_KINDS["network"]
        errors: list[CollectionError] = []
        vcns: dict[str, dict[str, Any] | None] = {}

        def vcn(vcn_id: str) -> dict[str, Any] | None:
            if vcn_id not in vcns:
                vcns[vcn_id] = self.detail(errors, kinds, "network", region, "get_vcn", vcn_id)
            return vcns[vcn_id]

        logs = self.logs(region)
        if isinstance(logs, OciCallError):
            errors.append(self.error(logs, kinds))
        subnets_of: dict[str, list[bool]] = {}
        def one_subnet(item: dict[str, Any]) -> Resource:
            attrs: dict[str, Any] = {}
            if not isinstance(logs, OciCallError):
                attrs["flow_logs"] = any(s == "flowlogs" and r == item["identifier"] for s, r, _ in logs)
            subnet = self.detail(errors, kinds, "network", region, "get_subnet", item["identifier"])
            if subnet is not None:
                subnets_of.setdefault(subnet["vcn_id"], []).append(attrs.get("flow_logs"))  # type: ignore[arg-type]
            return self.resource("network.subnet", item, region, attrs)

        yield from self.each(self.of_type(region, "Subnet"), one_subnet)
        for item in self.of_type(region, "Vcn"):
            vcn(item["identifier"])
            attrs = {"is_default": False}  # OCI creates no default VCN
            if not isinstance(logs, OciCallError):
                flags = subnets_of.get(item["identifier"], [])
                vcn_logged = any(s == "flowlogs" and r == item["identifier"] for s, r, _ in logs)
                if vcn_logged or (flags and None not in flags and all(flags)):
                    attrs["flow_logs"] = True
                elif flags and False in flags:
                    attrs["flow_logs"] = False  # a subnet without flow logs (CIS OCI 4.13: all subnets)
            yield self.resource("network.vpc", item, region, attrs)
        def one_list(item: dict[str, Any]) -> Resource:
            sl = self.detail(errors, kinds, "network", region, "get_security_list", item["identifier"])
            if sl is None:
                return self.resource("network.firewall", item, region, {})
            parent = vcn(sl["vcn_id"])
            default_id = None if parent is None else parent.get("default_security_list_id")
            return self.resource("network.firewall", item, region, n.normalize_security_list(sl, default_id))

        def one_nsg(item: dict[str, Any]) -> Resource:
            rules = self.detail(errors, kinds, "network", region, "list_network_security_group_security_rules",
                                item["identifier"], paged=True, direction="INGRESS")
            return self.resource("network.firewall", item, region, {} if rules is None else n.normalize_nsg(rules))

        yield from self.each(self.of_type(region, "SecurityList"), one_list)
        yield from self.each(self.of_type(region, "NetworkSecurityGroup"), one_nsg)
        yield from errors

    def collect_database(self, region: str) -> Iterator[Item]:
        """Autonomous Databases and Base Database databases: access, keys, backups, Data Guard peers."""
        kinds = SERVICE_KINDS["database"]
        errors: list[CollectionError] = []
        for item in self.of_type(region, "AutonomousDatabase"):
            adb = self.detail(errors, kinds, "database", region, "get_autonomous_database", item["identifier"])
            attrs = {} if adb is None else n.normalize_autonomous_db(adb)
            if adb is not None:
                # Automatic backups stay in the database's region; a remote standby keeps its own.
                attrs["backup.locations"] = sorted({region, *attrs["replication.locations"]})
            yield self.resource("database.instance", item, region, attrs)
        for item in self.of_type(region, "Database"):
            db = self.detail(errors, kinds, "database", region, "get_database", item["identifier"])
            if db is None:
                yield self.resource("database.instance", item, region, {})
                continue
            assoc = self.detail(errors, kinds, "database", region, "list_data_guard_associations", item["identifier"],
                                paged=True)
            attrs = n.normalize_database(db, assoc)
            if attrs.get("backup.enabled"):
                attrs["backup.locations"] = [region]
            yield self.resource("database.instance", item, region, attrs)
        yield from errors

    def collect_vault(self, region: str) -> Iterator[Item]:
        """Keys of every vault: automatic rotation and the vault's replica regions."""
        kinds = SERVICE_KINDS["vault"]
        errors: list[CollectionError] = []
        for item in self.of_type(region, "Vault"):
            vault = self.detail(errors, kinds, "vault", region, "get_vault", item["identifier"])
            if vault is None:
                yield self.placeholder("kms.key", region, str(item.get("display_name")), errors[-1].reason)
                continue
            replicas_raw = self.detail(errors, kinds, "vault", region, "list_vault_replicas", item["identifier"], paged=True)
            replicas = None if replicas_raw is None else [str(r.get("region")).lower() for r in replicas_raw if r.get("region")]
            endpoint = None if self.session.endpoint else vault.get("management_endpoint")
            keys = self.detail(errors, kinds, "kms", region, "list_keys", vault["compartment_id"], paged=True,
                               endpoint=endpoint)
            if keys is None:
                yield self.placeholder("kms.key", region, str(item.get("display_name")), errors[-1].reason)
            for summary in keys or []:
                key = self.detail(errors, kinds, "kms", region, "get_key", summary["id"], endpoint=endpoint)
                facts = {} if key is None else n.normalize_key(key, replicas)
                yield Resource(PROVIDER, "kms.key", "Key", summary["id"], str(summary.get("display_name") or ""),
                               self.tenancy, region, facts, tags=n.tags_of(summary))
        yield from errors

    def collect_filestorage(self, region: str) -> Iterator[Item]:
        """File systems: customer-managed key."""
        kinds = SERVICE_KINDS["filestorage"]
        errors: list[CollectionError] = []
        for item in self.of_type(region, "FileSystem"):
            fs = self.detail(errors, kinds, "filestorage", region, "get_file_system", item["identifier"])
            attrs = {} if fs is None else {"encryption.at_rest": n.encryption_of(fs.get("kms_key_id"))}
            yield self.resource("storage.file", item, region, attrs)
        yield from errors

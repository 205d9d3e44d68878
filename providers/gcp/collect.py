"""Collection: one Cloud Asset stream per asset-type group and scope, joined with the IAM and org-policy
streams it needs. Only small lookup tables are kept between streams; resources are yielded as pages arrive."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from providers.gcp import bigquery, compute, iam, kms, logs, network, services, sql, storage
from providers.gcp.assets import PROVIDER, data, is_public, scope_of
from providers.gcp.client import AssetLister
from providers.gcp.hierarchy import Hierarchy, data_access_on, location_policy, visible_depth
from scanner.model import CollectionError, Resource, Unknown
from scanner.plugins import CollectionFailure, WorkUnit

Item = Resource | CollectionError
Asset = Mapping[str, Any]


def _side(lister: AssetLister, unit: WorkUnit, content: str, types: Sequence[str],
          visit: Callable[[Asset], None]) -> CollectionError | None:
    """Run a helper stream; on failure return a CollectionError (the main stream still runs)."""
    try:
        for asset in lister.assets(unit.scope, content, types):
            visit(asset)
    except CollectionFailure as exc:
        return CollectionError(PROVIDER, unit.scope, unit.service, unit.region, exc.operation, exc.reason, unit.kinds)
    return None


def _why(error: CollectionError | None) -> Unknown | None:
    return None if error is None else Unknown(f"{error.operation} failed: {error.reason}", "cloudasset")


def collect_simple(lister: AssetLister, unit: WorkUnit, normalizers: Mapping[str, Callable[[Asset], Resource]]) -> Iterator[Item]:
    """One RESOURCE stream whose assets need nothing else."""
    for asset in lister.assets(unit.scope, "RESOURCE", list(normalizers)):
        normalize = normalizers.get(str(asset.get("assetType")))
        if normalize is not None:
            yield normalize(asset)


def collect_buckets(lister: AssetLister, unit: WorkUnit) -> Iterator[Item]:
    """Buckets, with `public` from their IAM policies."""
    public: set[str] = set()

    def note(asset: Asset) -> None:
        if is_public(asset.get("iamPolicy")):
            public.add(str(asset.get("name")))

    error = _side(lister, unit, "IAM_POLICY", [storage.BUCKET], note)
    if error:
        yield error
    why = _why(error)
    for asset in lister.assets(unit.scope, "RESOURCE", [storage.BUCKET]):
        yield storage.normalize_bucket(asset, why if why is not None else str(asset.get("name")) in public)


def collect_compute(lister: AssetLister, unit: WorkUnit) -> Iterator[Item]:
    """Instances (with their project's metadata), disks and snapshots."""
    project_meta: dict[str, dict[str, str]] = {}

    def note(asset: Asset) -> None:
        meta = compute.normalize_project_metadata(asset)
        if meta:
            project_meta[scope_of(asset)] = meta

    error = _side(lister, unit, "RESOURCE", [compute.PROJECT], note)
    if error:
        yield error
    why = _why(error)
    for asset in lister.assets(unit.scope, "RESOURCE", [compute.INSTANCE, compute.DISK, compute.SNAPSHOT]):
        kind = asset.get("assetType")
        if kind == compute.INSTANCE:
            yield compute.normalize_instance(asset, why if why is not None else project_meta.get(scope_of(asset), {}))
        elif kind == compute.DISK:
            yield compute.normalize_disk(asset)
        elif kind == compute.SNAPSHOT:
            yield compute.normalize_snapshot(asset)


def collect_sql(lister: AssetLister, unit: WorkUnit) -> Iterator[Item]:
    """Cloud SQL instances; a primary with replicas waits for the stream's end to learn their regions."""
    pending: dict[str, tuple[Asset, list[str]]] = {}
    regions: dict[str, list[str]] = {}
    for asset in lister.assets(unit.scope, "RESOURCE", [sql.INSTANCE]):
        d = data(asset)
        master = str(d.get("masterInstanceName") or "")
        if master:
            regions.setdefault(master, []).append(str(d.get("region") or "").lower())
        replicas = [str(r) for r in d.get("replicaNames") or []]
        if replicas:
            pending[sql.replica_key(str(d.get("project") or ""), str(d.get("name") or ""))] = (asset, replicas)
        else:
            yield sql.normalize_instance(asset)
    for key, (asset, replicas) in pending.items():
        found = regions.get(key, [])
        missing = len(replicas) - len(found)
        locations = found + [Unknown("replica outside the scanned scope", "cloudsql")] * max(missing, 0)  # type: ignore[list-item]
        yield sql.normalize_instance(asset, locations)


def collect_kms(lister: AssetLister, unit: WorkUnit) -> Iterator[Item]:
    """Crypto keys, public when the key's or its key ring's IAM policy names allUsers/allAuthenticatedUsers."""
    public: set[str] = set()

    def note(asset: Asset) -> None:
        if is_public(asset.get("iamPolicy")):
            public.add(str(asset.get("name")))

    error = _side(lister, unit, "IAM_POLICY", [kms.KEY, kms.KEY_RING], note)
    if error:
        yield error
    why = _why(error)
    for asset in lister.assets(unit.scope, "RESOURCE", [kms.KEY]):
        name = str(asset.get("name"))
        yield kms.normalize_key(asset, why if why is not None else (name in public or kms.key_ring_of(name) in public))


def collect_projects(lister: AssetLister, unit: WorkUnit) -> Iterator[Item]:
    """Location guardrails as they stream, then every project with its inherited guardrail and audit config."""
    tree = Hierarchy(unit.scope)
    guardrails: list[Resource] = []

    def note_policy(asset: Asset) -> None:
        policy = location_policy(asset.get("orgPolicy") or [])
        if policy is not None:
            tree.locations[iam.node_of(asset)] = policy
            guardrails.append(iam.normalize_guardrail(asset, policy))

    def note_audit(asset: Asset) -> None:
        if data_access_on(asset.get("iamPolicy") or {}):
            tree.data_access.add(iam.node_of(asset))

    error = _side(lister, unit, "ORG_POLICY", iam.NODES, note_policy)
    if error:
        tree.locations_error = error.reason
        yield error
    yield from guardrails
    guardrails.clear()
    error = _side(lister, unit, "IAM_POLICY", iam.NODES, note_audit)
    if error:
        tree.audit_error = error.reason
        yield error
    for asset in lister.assets(unit.scope, "RESOURCE", [iam.PROJECT]):
        yield iam.normalize_project(asset, tree)


def collect_service_accounts(lister: AssetLister, unit: WorkUnit) -> Iterator[Item]:
    """Service accounts with their user-managed keys and administrative role bindings."""
    today = dt.datetime.now(dt.UTC).date()
    keys: dict[str, tuple[int, int]] = {}
    admins: set[str] = set()

    def note_key(asset: Asset) -> None:
        record = iam.key_record(asset, today)
        if record:
            count, oldest = keys.get(record[0], (0, 0))
            keys[record[0]] = (count + 1, max(oldest, record[1]))

    def note_binding(asset: Asset) -> None:
        admins.update(iam.admin_members(asset.get("iamPolicy") or {}))

    key_error = _side(lister, unit, "RESOURCE", [iam.SA_KEY], note_key)
    if key_error:
        yield key_error
    bind_error = _side(lister, unit, "IAM_POLICY", iam.NODES, note_binding)
    if bind_error:
        yield bind_error
    for asset in lister.assets(unit.scope, "RESOURCE", [iam.SERVICE_ACCOUNT]):
        email = str(data(asset).get("email") or "")
        ancestors = [str(a) for a in asset.get("ancestors") or []]
        admin: bool | Unknown
        if bind_error:
            admin = _why(bind_error)  # type: ignore[assignment]
        elif email in admins:
            admin = True
        elif visible_depth(unit.scope, ancestors) >= len(ancestors):
            admin = False
        else:
            admin = Unknown("roles granted above the scanned scope are not visible; scan the organization", "cloudasset")
        yield iam.normalize_service_account(asset, _why(key_error) if key_error else keys.get(email, (0, 0)), admin)  # type: ignore[arg-type]


Collector = Callable[[AssetLister, WorkUnit], Iterator[Item]]


def _simple(normalizers: Mapping[str, Callable[[Asset], Resource]]) -> Collector:
    return lambda lister, unit: collect_simple(lister, unit, normalizers)


# service -> (kinds, collector); one work unit per scope and service.
SERVICES: dict[str, tuple[tuple[str, ...], Collector]] = {
    "resourcemanager": (("account", "policy.guardrail"), collect_projects),
    "iam": (("identity.service_account",), collect_service_accounts),
    "storage": (("storage.bucket",), collect_buckets),
    "compute": (("compute.instance", "compute.disk", "compute.snapshot"), collect_compute),
    "network": (("network.firewall", "network.vpc", "network.subnet"), _simple({
        network.FIREWALL: network.normalize_firewall, network.NETWORK: network.normalize_network,
        network.SUBNET: network.normalize_subnet})),
    "sql": (("database.instance",), collect_sql),
    "bigquery": (("analytics.dataset",), _simple({bigquery.DATASET: bigquery.normalize_dataset})),
    "kms": (("kms.key",), collect_kms),
    "logging": (("log.sink", "log.store"), _simple({logs.SINK: logs.normalize_sink, logs.BUCKET: logs.normalize_log_bucket})),
    "artifactregistry": (("container.registry",), _simple({services.REPOSITORY: services.normalize_repository})),
    "pubsub": (("messaging.topic",), _simple({services.TOPIC: services.normalize_topic})),
    "container": (("kubernetes.cluster",), _simple({services.CLUSTER: services.normalize_cluster})),
}

"""`google_*` Terraform resources mapped to the kinds and facts of the live Google Cloud provider.

Locations: the resource's own `location`/`region`/`zone`, else the provider block's `region`/`zone`,
else Unknown. Defaults are the Google API's when an argument is absent and the API fixes the value
(a BigQuery dataset without `location` is created in `US`; a Pub/Sub topic without a message
storage policy may store messages in any region); see docs/iac-clouds.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from providers.terraform._clouds import (
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
    tag_map,
)
from providers.terraform.common import as_bool, as_int, blocks, build
from providers.terraform.model import TfContext, TfResource, maps
from scanner.conditions import any_of
from scanner.model import Resource, Unknown

PROVIDER = "gcp"
KINDS = ("storage.bucket", "compute.instance", "compute.disk", "compute.snapshot", "network.firewall", "network.vpc",
         "network.subnet", "database.instance", "analytics.dataset", "kms.key", "log.sink", "log.store",
         "container.registry", "messaging.topic", "kubernetes.cluster", "policy.guardrail")

PUBLIC_MEMBERS = ("allUsers", "allAuthenticatedUsers")
FULL_SCOPE = "https://www.googleapis.com/auth/cloud-platform"
# Predefined dual-regions and the regions holding their data.
DUAL_REGIONS = {"asia1": ["asia-northeast1", "asia-northeast2"], "eur4": ["europe-north1", "europe-west4"],
                "nam4": ["us-central1", "us-east1"]}
MULTI_REGIONS = frozenset({"asia", "eu", "us", "europe", "global"})
_TLS_MODES = {"ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"}
_AUDIT_FLAGS = {"cloudsql.enable_pgaudit", "cloudsql_mysql_audit"}


def _loc(tf: TfResource, *own: str) -> str | Unknown:
    # A zonal resource without its own zone goes to the provider's zone; others to its region.
    provider = ("zone", "region") if own == ("zone",) else ("region", "zone")
    return location(tf, own or ("location", "region", "zone"), provider)


def _labels(tf: TfResource) -> Any:
    return tag_map(tf.values.get("labels"))


def _key(value: Any) -> str | Unknown:
    """encryption.at_rest from a KMS key attribute (see `key_encryption`)."""
    return key_encryption(value)


def _location_in_name(name: str) -> str:
    parts = name.split("/")
    for i, part in enumerate(parts[:-1]):
        if part == "locations":
            return parts[i + 1].lower()
    return ""


def _grant_members(grant: TfResource) -> list[str] | Unknown:
    """The principals of an IAM member, binding or policy resource (policy_data as JSON text)."""
    if grant.type.endswith("_iam_policy"):
        data = grant.values.get("policy_data")
        if isinstance(data, Unknown):
            return Unknown(f"the policy data is not known: {data.reason}", data.source)
        try:
            policy = json.loads(data) if isinstance(data, str) else {}
        except ValueError:
            return Unknown("policy_data is not valid JSON")
        bindings = policy.get("bindings") if isinstance(policy, Mapping) else None
        return [str(m) for b in bindings or [] if isinstance(b, Mapping) for m in b.get("members") or []]
    members = grant.values.get("members") if "members" in grant.values else [grant.values.get("member")]
    return str_list(members)


def _public_members(ctx: TfContext, target: TfResource, types: tuple[str, ...], by: str,
                    keys: tuple[str, ...] = ("name", "id", "self_link")) -> bool | Unknown:
    """True when an IAM member/binding resource in the code grants a public principal on `target`."""
    undecided: Unknown | None = None
    for type_ in types:
        for grant in pointing_at(ctx, target, type_, by, keys):
            found = _grant_members(grant)
            if isinstance(found, Unknown):
                undecided = Unknown(f"{grant.address}: members are not known: {found.reason}", found.source)
            elif any(m in PUBLIC_MEMBERS for m in found):
                return True
        if undecided is None:
            undecided = join_keys_unknown(ctx, target, type_, by, keys)
    return undecided if undecided is not None else False


# -- Cloud Storage -----------------------------------------------------------------------------------
def _bucket_location(tf: TfResource) -> str | Unknown:
    """A bucket's own `location`: required since provider v4 (older providers defaulted to US), never the provider's region."""
    own = location(tf, ("location",))
    if isinstance(own, Unknown) and tf.values.get("location") is None:
        return Unknown("location is not set (the google provider requires it; before v4 it defaulted to US)")
    return own


def bucket_placement(tf: TfResource) -> tuple[str | Unknown, list[str] | Unknown]:
    """The bucket's location and every location holding a copy of its data (see providers/gcp/storage.py)."""
    custom = blocks(tf, "custom_placement_config")
    if isinstance(custom, Unknown):
        return _bucket_location(tf), custom
    if custom:
        data = str_list(custom[0].get("data_locations"))
        if isinstance(data, Unknown):
            return _bucket_location(tf), data
        if data:
            places = [d.lower() for d in data]
            return places[0], places
    where = _bucket_location(tf)
    if isinstance(where, Unknown):
        return where, where
    if where in DUAL_REGIONS:
        return where, list(DUAL_REGIONS[where])
    if where in MULTI_REGIONS:
        return where, [where]
    return where, []


@maps("google_storage_bucket")
def storage_bucket(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A GCS bucket, with public access from `google_storage_bucket_iam_member`/`_binding` in the same code."""
    where, copies = bucket_placement(tf)
    versioning = as_bool(tf.get("versioning.0.enabled"), False)
    soft = blocks(tf, "soft_delete_policy")
    if versioning is not True:
        if isinstance(soft, Unknown):
            versioning = soft
        elif soft:
            seconds = as_int(soft[0].get("retention_duration_seconds"))
            versioning = seconds if isinstance(seconds, Unknown) else bool(seconds) if seconds is not None else True
        else:
            versioning = True  # new buckets get the 7-day soft delete policy unless it is set to 0
    prevention = tf.values.get("public_access_prevention")
    enforced = prevention if isinstance(prevention, Unknown) else str(prevention or "inherited").lower() == "enforced"
    public = _public_members(ctx, tf, ("google_storage_bucket_iam_member", "google_storage_bucket_iam_binding",
                                         "google_storage_bucket_iam_policy"), "bucket")
    attrs = {
        "encryption.at_rest": _key(tf.get("encryption.0.default_kms_key_name")),
        "replication.locations": copies,
        "versioning": versioning,
        "access_logging": is_set(tf.get("logging.0.log_bucket")),
        "retention.locked": as_bool(tf.get("retention_policy.0.is_locked"), False),
        "uniform_access": as_bool(tf.values.get("uniform_bucket_level_access"), False),
        "public_access_block": enforced,
        "public": False if enforced is True else public,
    }
    yield build(tf, ctx, PROVIDER, "storage.bucket", where, attrs, {
        "location": "location", "encryption.at_rest": "encryption.0.default_kms_key_name",
        "replication.locations": "location", "versioning": "versioning.0.enabled", "access_logging": "logging",
        "retention.locked": "retention_policy.0.is_locked", "uniform_access": "uniform_bucket_level_access",
        "public_access_block": "public_access_prevention",
    }, name=known_str(tf.values.get("name")), tags=_labels(tf))


# -- Compute Engine ----------------------------------------------------------------------------------
def _metadata_flag(tf: TfResource, ctx: TfContext, key: str) -> bool | Unknown:
    own = tf.values.get("metadata")
    if isinstance(own, Unknown):
        return own
    if isinstance(own, Mapping) and key in own:
        value = own[key]
        return value if isinstance(value, Unknown) else str(value).lower() in ("true", "1", "yes", "on")
    for project in ctx.of_type("google_compute_project_metadata"):
        meta = project.values.get("metadata")
        if isinstance(meta, Unknown):
            return Unknown(f"{project.address}: project metadata is not known: {meta.reason}", meta.source)
        if isinstance(meta, Mapping) and key in meta:
            return _truthy(meta[key])
    for item in ctx.of_type("google_compute_project_metadata_item"):
        if item.values.get("key") == key:
            return _truthy(item.values.get("value"))
    return False


def _truthy(value: Any) -> bool | Unknown:
    return value if isinstance(value, Unknown) else str(value).lower() in ("true", "1", "yes", "on")


def _own_metadata_flag(tf: TfResource, key: str) -> bool | Unknown:
    """A flag that only the instance's own metadata can set (false when absent)."""
    own = tf.values.get("metadata")
    if isinstance(own, Unknown):
        return own
    value = own.get(key) if isinstance(own, Mapping) else None
    if value is None or isinstance(value, Unknown):
        return False if value is None else value
    return str(value).lower() in ("true", "1", "yes", "on")


@maps("google_compute_instance", "google_compute_instance_template", "google_compute_region_instance_template")
def compute_instance(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A VM (templates map to the same kind: every VM made from them has these settings)."""
    nics = blocks(tf, "network_interface")
    public: bool | Unknown
    if isinstance(nics, Unknown):
        public = nics
    else:
        found = [present(nic.get(b)) for nic in nics for b in ("access_config", "ipv6_access_config")]
        public = True if any(f is True for f in found) else (opt(first_unknown(*found), False))
    accounts = blocks(tf, "service_account")
    if isinstance(accounts, Unknown):
        default_sa: bool | Unknown = accounts
        full: bool | Unknown = accounts
    else:
        # No service_account block: the VM has no service account. A block without an email uses the default one.
        emails = [a.get("email") for a in accounts]
        default_sa = any(e is None or e == "default" or (isinstance(e, str) and e.endswith(
            "-compute@developer.gserviceaccount.com")) for e in emails)
        scopes = [s for a in accounts for s in (str_list(a.get("scopes")) or [])] if all(
            not isinstance(str_list(a.get("scopes")), Unknown) for a in accounts) else None
        full = Unknown("service account scopes are not known") if scopes is None else any(
            s in (FULL_SCOPE, "cloud-platform") for s in scopes)
    secure = as_bool(tf.get("shielded_instance_config.0.enable_secure_boot"), False)
    integrity = as_bool(tf.get("shielded_instance_config.0.enable_integrity_monitoring"), True)
    shielded = secure if isinstance(secure, Unknown) else integrity if isinstance(integrity, Unknown) else (
        bool(secure) and bool(integrity))
    attrs = {
        "public_ip": public,
        "identity.default_service_account": default_sa,
        "identity.full_api_scope": full,
        "serial_port": _metadata_flag(tf, ctx, "serial-port-enable"),
        "os_login": _metadata_flag(tf, ctx, "enable-oslogin"),
        "ssh.project_keys_blocked": _own_metadata_flag(tf, "block-project-ssh-keys"),
        "shielded_vm": shielded,
        "ip_forwarding": as_bool(tf.values.get("can_ip_forward"), False),
    }
    where = _loc(tf, "zone") if tf.type == "google_compute_instance" else _loc(tf, "region")
    yield build(tf, ctx, PROVIDER, "compute.instance", where, attrs, {
        "public_ip": "network_interface", "identity.default_service_account": "service_account",
        "identity.full_api_scope": "service_account", "serial_port": "metadata", "os_login": "metadata",
        "ssh.project_keys_blocked": "metadata",
        "shielded_vm": "shielded_instance_config", "ip_forwarding": "can_ip_forward",
    }, name=known_str(tf.values.get("name")), tags=_labels(tf))


@maps("google_compute_disk", "google_compute_region_disk")
def compute_disk(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A persistent disk: CMEK (or a customer-supplied key) makes it `customer_key`."""
    key = blocks(tf, "disk_encryption_key")
    if isinstance(key, Unknown):
        encryption: str | Unknown = key
    else:
        chosen = any_of(*(is_set(k.get(a)) for k in key for a in ("kms_key_self_link", "raw_key", "rsa_encrypted_key")))
        encryption = chosen if isinstance(chosen, Unknown) else "customer_key" if chosen else "provider_key"
    policies = tf.values.get("resource_policies")
    attached = pointing_at(ctx, tf, "google_compute_disk_resource_policy_attachment", "disk")
    backup = True if attached or (isinstance(policies, list) and policies) else (
        policies if isinstance(policies, Unknown) else False)
    where = _loc(tf, "zone") if tf.type == "google_compute_disk" else _loc(tf, "region")
    yield build(tf, ctx, PROVIDER, "compute.disk", where,
                {"encryption.at_rest": encryption, "backup.enabled": backup},
                {"encryption.at_rest": "disk_encryption_key", "backup.enabled": "resource_policies"},
                name=known_str(tf.values.get("name")), tags=_labels(tf))


def _multi_region_near(region: str) -> str | Unknown:
    """The multi-region where GCP stores a snapshot by default: the one nearest the source disk."""
    prefix = region.split("-", 1)[0]
    by_prefix = {"asia": "asia", "australia": "asia", "europe": "eu", "us": "us", "northamerica": "us",
                 "southamerica": "us"}
    return by_prefix.get(prefix) or Unknown(f"no documented default storage multi-region for {region}")


@maps("google_compute_snapshot")
def compute_snapshot(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A snapshot: `storage_locations`, else the multi-region nearest its source disk (`asia` for Tokyo)."""
    locations = str_list(tf.values.get("storage_locations"))
    if isinstance(locations, list) and not locations:
        disk = resolve(ctx, tf.values.get("source_disk"), ("google_compute_disk", "google_compute_region_disk"))
        region: Any = _loc(disk, "zone", "region") if disk else Unknown(
            "storage_locations is not set and the source disk is not declared in this code")
        if isinstance(region, str):
            region = region.rsplit("-", 1)[0] if re.search(r"-[a-z]$", region) else region
            near = _multi_region_near(region)
            locations = [near] if isinstance(near, str) else near
        else:
            locations = region
    key = opt(tf.get("snapshot_encryption_key.0.kms_key_self_link"), tf.get("snapshot_encryption_key.0.raw_key"))
    where: str | Unknown = locations[0].lower() if isinstance(locations, list) and locations else (
        locations if isinstance(locations, Unknown) else Unknown("no storage location"))
    attrs = {"encryption.at_rest": _key(key),
             "storage_locations": [x.lower() for x in locations] if isinstance(locations, list) else locations}
    yield build(tf, ctx, PROVIDER, "compute.snapshot", where, attrs,
                {"location": "storage_locations", "storage_locations": "storage_locations",
                 "encryption.at_rest": "snapshot_encryption_key"}, name=known_str(tf.values.get("name")), tags=_labels(tf))


# -- VPC ---------------------------------------------------------------------------------------------
@maps("google_compute_firewall")
def compute_firewall(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """An ingress firewall rule as FirewallRule records (egress rules admit nothing in)."""
    direction = opt(tf.values.get("direction"), "INGRESS")
    disabled = as_bool(tf.values.get("disabled"), False)
    name = known_str(tf.values.get("name")) or tf.name
    ingress: Any
    if isinstance(disabled, Unknown) or isinstance(direction, Unknown):
        ingress = first_unknown(disabled, direction)
        direction = "INGRESS"
    elif str(direction).upper() != "INGRESS" or disabled:
        ingress = []
    else:
        sources = str_list(tf.values.get("source_ranges"))
        tags = [t for t in (tf.values.get("source_tags"), tf.values.get("source_service_accounts"))
                if t is not None and t != []]
        if isinstance(sources, list) and not sources and not tags:
            sources = ["0.0.0.0/0"]  # an ingress rule without sources applies to every source address
        if isinstance(sources, Unknown):
            ingress = sources
        else:
            items = []
            for allow, block in (("allow", True), ("deny", False)):
                entries = blocks(tf, allow)
                if isinstance(entries, Unknown):
                    items.append(entries)
                    continue
                for entry in entries:
                    protocol = entry.get("protocol")
                    if isinstance(protocol, Unknown):
                        items.append(protocol)
                        continue
                    protocol = str(opt(protocol, "all")).lower()
                    protocol = "all" if protocol in ("all", "ip") else protocol
                    ports = str_list(entry.get("ports"))
                    if isinstance(ports, Unknown):
                        items.append(ports)
                        continue
                    for port in ports or [None]:
                        items.append(rule(protocol, port, sources, block, name))
            ingress = rules_or_unknown(items)
    attrs = {"ingress": ingress, "is_default": name.startswith("default-allow-"), "default_action": "deny"}
    yield build(tf, ctx, PROVIDER, "network.firewall", "global", attrs,
                {"ingress": "source_ranges", "is_default": "name"}, name=name, tags={})


@maps("google_compute_network")
def compute_network(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A VPC network (global); the one named `default` is the provider's default network."""
    name = known_str(tf.values.get("name")) or tf.name
    yield build(tf, ctx, PROVIDER, "network.vpc", "global", {"is_default": name == "default"},
                {"is_default": "name"}, name=name, tags={})


@maps("google_compute_subnetwork")
def compute_subnetwork(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A subnet: a `log_config` block turns flow logs on."""
    logs = blocks(tf, "log_config")
    attrs = {"flow_logs": logs if isinstance(logs, Unknown) else bool(logs),
             "private_access": as_bool(tf.values.get("private_ip_google_access"), False)}
    yield build(tf, ctx, PROVIDER, "network.subnet", _loc(tf, "region"), attrs,
                {"flow_logs": "log_config", "private_access": "private_ip_google_access"},
                name=known_str(tf.values.get("name")), tags={})


# -- Cloud SQL ---------------------------------------------------------------------------------------
def _sql_region(tf: TfResource) -> str | Unknown:
    return _loc(tf, "region")


@maps("google_sql_database_instance")
def sql_instance(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A Cloud SQL instance; its read replicas are the instances in the code whose master is this one."""
    region = _sql_region(tf)
    ip = "settings.0.ip_configuration.0."
    ssl_mode = tf.get(ip + "ssl_mode")
    if isinstance(ssl_mode, Unknown):
        tls: bool | Unknown | None = ssl_mode
    elif ssl_mode:
        tls = str(ssl_mode).upper() in _TLS_MODES
    else:
        tls = as_bool(tf.get(ip + "require_ssl"), False)
    backup_on = as_bool(tf.get("settings.0.backup_configuration.0.enabled"), False)
    attrs: dict[str, Any] = {
        "encryption.at_rest": _key(tf.values.get("encryption_key_name")),
        # A public IPv4 address is reachable from the internet, filtered only by authorized networks.
        "public": as_bool(tf.get(ip + "ipv4_enabled"), True),
        "tls.required": tls,
        "high_availability": str(tf.get("settings.0.availability_type") or "ZONAL").upper() == "REGIONAL"
        if not isinstance(tf.get("settings.0.availability_type"), Unknown) else tf.get("settings.0.availability_type"),
        "backup.enabled": backup_on,
        "deletion_protection": as_bool(tf.get("settings.0.deletion_protection_enabled"), False),
    }
    if backup_on is True:
        retained = as_int(tf.get("settings.0.backup_configuration.0.backup_retention_settings.0.retained_backups"))
        unit = opt(tf.get("settings.0.backup_configuration.0.backup_retention_settings.0.retention_unit"), "COUNT")
        if unit == "COUNT":
            attrs["backup.retention_days"] = 7 if retained is None else retained  # daily backups; 7 by default
        where = tf.get("settings.0.backup_configuration.0.location")
        if isinstance(where, Unknown):
            attrs["backup.locations"] = [where]
        elif known_str(where):
            attrs["backup.locations"] = [where.lower()]
        elif isinstance(region, str):
            attrs["backup.locations"] = [_multi_region_near(region)]
        else:
            attrs["backup.locations"] = [region]
    elif backup_on is False:
        attrs["backup.locations"] = []
    replicas: list[Any] = []
    for other in ctx.of_type("google_sql_database_instance"):
        if other is not tf and _is_master(other.values.get("master_instance_name"), tf):
            replicas.append(_sql_region(other))
    undecided = join_keys_unknown(ctx, tf, "google_sql_database_instance", "master_instance_name", ("name",))
    if undecided is not None:
        replicas.append(undecided)
    attrs["replication.locations"] = replicas
    version = label(tf.values.get("database_version"))
    if version.startswith(("POSTGRES", "MYSQL")):
        flags = blocks(tf.get("settings.0") or {}, "database_flags") if isinstance(tf.get("settings.0"), Mapping) else []
        if isinstance(flags, Unknown):
            attrs["audit_logging"] = flags
        else:
            attrs["audit_logging"] = any(str(f.get("name")) in _AUDIT_FLAGS and str(f.get("value")).lower() == "on"
                                         for f in flags)
    yield build(tf, ctx, PROVIDER, "database.instance", region, attrs, {
        "public": "settings.0.ip_configuration.0.ipv4_enabled", "tls.required": "settings.0.ip_configuration.0.ssl_mode",
        "high_availability": "settings.0.availability_type", "backup.enabled": "settings.0.backup_configuration.0.enabled",
        "backup.locations": "settings.0.backup_configuration.0.location",
        "backup.retention_days": "settings.0.backup_configuration.0.backup_retention_settings",
        "deletion_protection": "settings.0.deletion_protection_enabled", "encryption.at_rest": "encryption_key_name",
        "audit_logging": "settings.0.database_flags",
    }, name=known_str(tf.values.get("name")), tags=tag_map(tf.get("settings.0.user_labels")))


def _is_master(value: Any, target: TfResource) -> bool:
    if isinstance(value, Unknown):
        return value.source == target.address or value.source.startswith(target.address + ".")
    name = target.values.get("name")
    return isinstance(value, str) and isinstance(name, str) and (value == name or value.endswith(":" + name))


# -- BigQuery, KMS, logging --------------------------------------------------------------------------
@maps("google_bigquery_dataset")
def bigquery_dataset(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A dataset. Without `location` the API creates it in the `US` multi-region, which leaves Japan."""
    own = tf.values.get("location")
    where = location(tf, ("location",)) if own is not None else "us"
    access = blocks(tf, "access")
    public: bool | Unknown
    if isinstance(access, Unknown):
        public = access
    else:
        grantees = [entry.get(k) for entry in access for k in ("special_group", "iam_member")]
        public = True if any(g in PUBLIC_MEMBERS for g in grantees if isinstance(g, str)) else opt(
            first_unknown(*grantees), False)
    if public is False:
        public = _public_members(ctx, tf, ("google_bigquery_dataset_iam_member", "google_bigquery_dataset_iam_binding",
                                                     "google_bigquery_dataset_iam_policy"),
                                 "dataset_id", ("dataset_id", "id"))
    attrs = {"encryption.at_rest": _key(tf.get("default_encryption_configuration.0.kms_key_name")), "public": public}
    yield build(tf, ctx, PROVIDER, "analytics.dataset", where, attrs,
                {"encryption.at_rest": "default_encryption_configuration", "public": "access"},
                name=known_str(tf.values.get("dataset_id")), tags=_labels(tf))


def _key_ring_location(value: Any, ctx: TfContext) -> str | Unknown:
    if isinstance(value, str) and _location_in_name(value):
        return _location_in_name(value)
    ring = resolve(ctx, value, ("google_kms_key_ring",))
    if ring is not None:
        return location(ring, ("location",))
    if isinstance(value, Unknown):
        return Unknown(f"key ring is not known: {value.reason}", value.source)
    return Unknown("the key ring is not declared in this code, so its location is not known")


@maps("google_kms_crypto_key")
def kms_crypto_key(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A Cloud KMS key: rotation period (e.g. `7776000s`), location from its key ring, public IAM grants."""
    where = _key_ring_location(tf.values.get("key_ring"), ctx)
    period = tf.values.get("rotation_period")
    purpose = label(tf.values.get("purpose"), "ENCRYPT_DECRYPT")
    attrs: dict[str, Any] = {"public": _public_members(
        ctx, tf, ("google_kms_crypto_key_iam_member", "google_kms_crypto_key_iam_binding",
                                           "google_kms_crypto_key_iam_policy"), "crypto_key_id")}
    if purpose != "ENCRYPT_DECRYPT":
        attrs["rotation.enabled"] = Unknown("automatic rotation does not apply to asymmetric or MAC keys")
    elif isinstance(period, Unknown):
        attrs["rotation.enabled"] = period
    elif known_str(period) and period.rstrip("s").isdigit():
        seconds = int(period.rstrip("s"))
        attrs["rotation.enabled"] = seconds > 0
        attrs["rotation.period_days"] = seconds // 86400
    else:
        attrs["rotation.enabled"] = False
    if isinstance(where, str):
        attrs["replication.locations"] = [where] if where in MULTI_REGIONS else []
    yield build(tf, ctx, PROVIDER, "kms.key", where, attrs,
                {"location": "key_ring", "rotation.enabled": "rotation_period", "rotation.period_days": "rotation_period"},
                name=known_str(tf.values.get("name")), tags=_labels(tf))


def _destination_location(value: Any, ctx: TfContext) -> str | Unknown:
    """Where a sink's destination lives: a log bucket's name says it; a bucket or dataset in the code has one."""
    if isinstance(value, Unknown):
        target = _by_source(value.source, ctx, ("google_storage_bucket", "google_bigquery_dataset",
                                                "google_logging_project_bucket_config"))
        if target is not None:
            return _own_location(target)
        return Unknown(f"the destination is not known: {value.reason}", value.source)
    text = str(value or "")
    service, _, rest = text.partition("/")
    if service == "logging.googleapis.com" and _location_in_name(rest):
        return _location_in_name(rest)
    if service == "storage.googleapis.com":
        for bucket in ctx.of_type("google_storage_bucket"):
            if bucket.values.get("name") == rest:
                return bucket_placement(bucket)[0]
    if service == "bigquery.googleapis.com":
        dataset = rest.rsplit("/", 1)[-1]
        for candidate in ctx.of_type("google_bigquery_dataset"):
            if candidate.values.get("dataset_id") == dataset:
                return _own_location(candidate)
    return Unknown(f"the destination {text or '(none)'} is not declared in this code, so its location is not known")


def _by_source(source: str, ctx: TfContext, types: tuple[str, ...]) -> TfResource | None:
    for type_ in types:
        for candidate in ctx.of_type(type_):
            if source == candidate.address or source.startswith(candidate.address + "."):
                return candidate
    return None


def _own_location(tf: TfResource) -> str | Unknown:
    if tf.type == "google_bigquery_dataset" and tf.values.get("location") is None:
        return "us"
    if tf.type == "google_storage_bucket":
        return bucket_placement(tf)[0]
    return _loc(tf)


@maps("google_logging_project_sink", "google_logging_folder_sink", "google_logging_organization_sink")
def logging_sink(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A log sink: its location is its destination's (a log bucket, a GCS bucket or a dataset)."""
    where = _destination_location(tf.values.get("destination"), ctx)
    disabled = as_bool(tf.values.get("disabled"), False)
    attrs = {"enabled": disabled if isinstance(disabled, Unknown) else not disabled, "destination.locations": [where]}
    yield build(tf, ctx, PROVIDER, "log.sink", where, attrs,
                {"location": "destination", "destination.locations": "destination", "enabled": "disabled"},
                name=known_str(tf.values.get("name")), tags={})


@maps("google_logging_project_bucket_config")
def logging_bucket(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A log bucket: location, retention (30 days by default), lock and CMEK."""
    days = as_int(tf.values.get("retention_days"))
    attrs = {"retention_days": 30 if days is None else days,
             "retention.locked": as_bool(tf.values.get("locked"), False),
             "encryption.at_rest": _key(tf.get("cmek_settings.0.kms_key_name"))}
    yield build(tf, ctx, PROVIDER, "log.store", location(tf, ("location",)), attrs,
                {"retention_days": "retention_days", "retention.locked": "locked", "encryption.at_rest": "cmek_settings"},
                name=known_str(tf.values.get("bucket_id")), tags={})


# -- Artifact Registry, Pub/Sub, GKE -----------------------------------------------------------------
@maps("google_artifact_registry_repository")
def artifact_repository(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A repository: a multi-region location (`asia`) holds copies outside Japan."""
    where = _loc(tf, "location")
    attrs = {"encryption.at_rest": _key(tf.values.get("kms_key_name")),
             "immutable_tags": as_bool(tf.get("docker_config.0.immutable_tags"), False),
             "replication.locations": ([where] if where in MULTI_REGIONS else []) if isinstance(where, str) else where}
    yield build(tf, ctx, PROVIDER, "container.registry", where, attrs,
                {"encryption.at_rest": "kms_key_name", "immutable_tags": "docker_config",
                 "replication.locations": "location"},
                name=known_str(tf.values.get("repository_id")), tags=_labels(tf))


@maps("google_pubsub_topic")
def pubsub_topic(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A topic; without a message storage policy Pub/Sub may store messages in any region (`global`)."""
    regions = str_list(tf.get("message_storage_policy.0.allowed_persistence_regions"))
    if isinstance(regions, Unknown):
        where: str | Unknown = regions
        allowed: Any = regions
    else:
        allowed = [r.lower() for r in regions] or ["global"]
        where = allowed[0]
    attrs = {"encryption.at_rest": _key(tf.values.get("kms_key_name")), "allowed_persistence_locations": allowed}
    yield build(tf, ctx, PROVIDER, "messaging.topic", where, attrs,
                {"location": "message_storage_policy", "allowed_persistence_locations": "message_storage_policy",
                 "encryption.at_rest": "kms_key_name"}, name=known_str(tf.values.get("name")), tags=_labels(tf))


@maps("google_container_cluster")
def container_cluster(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A GKE cluster: private endpoint, network policy (or Dataplane V2), application-layer secrets encryption."""
    policy = as_bool(tf.get("network_policy.0.enabled"), False)
    dataplane = label(tf.values.get("datapath_provider"))
    attrs = {
        "private_endpoint": as_bool(tf.get("private_cluster_config.0.enable_private_endpoint"), False),
        "network_policy": policy if isinstance(policy, Unknown) else (bool(policy) or dataplane == "ADVANCED_DATAPATH"),
        "secrets_encryption": label(tf.get("database_encryption.0.state"), "DECRYPTED") == "ENCRYPTED",
    }
    yield build(tf, ctx, PROVIDER, "kubernetes.cluster", _loc(tf, "location"), attrs,
                {"private_endpoint": "private_cluster_config.0.enable_private_endpoint",
                 "network_policy": "network_policy", "secrets_encryption": "database_encryption"},
                name=known_str(tf.values.get("name")), tags=tag_map(tf.values.get("resource_labels")))


# -- Organization policy: constraints/gcp.resourceLocations -----------------------------------------
def value_group(value: str) -> str:
    """`in:asia-northeast1-locations` -> `asia-northeast1`; `asia-northeast1` stays."""
    text = value.strip().lower()
    text = text[3:] if text.startswith(("in:", "is:")) else text
    return text[: -len("-locations")] if text.endswith("-locations") else text


def _guardrail(tf: TfResource, ctx: TfContext, allowed: Any, enforced: Any, line_attr: str) -> Resource:
    return build(tf, ctx, PROVIDER, "policy.guardrail", "global",
                 {"allowed_locations": allowed, "enforced": enforced},
                 {"allowed_locations": line_attr, "enforced": line_attr, "location": line_attr}, tags={})


def _allowed_from(rules_: list[Mapping[str, Any]]) -> list[str] | Unknown:
    allowed: list[str] = []
    for r in rules_:
        if label(r.get("allow_all")).upper() == "TRUE" or r.get("allow_all") is True:
            return ["any"]  # every location is allowed
        values = blocks(r, "values")
        if isinstance(values, Unknown):
            return values
        for v in values:
            listed = str_list(v.get("allowed_values"))
            if isinstance(listed, Unknown):
                return listed
            allowed.extend(value_group(x) for x in listed)
    return allowed


@maps("google_org_policy_policy")
def org_policy(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """The `gcp.resourceLocations` org policy as a guardrail (other constraints are not mapped)."""
    name = tf.values.get("name")
    if not (isinstance(name, str) and name.endswith("gcp.resourceLocations")):
        return
    spec = blocks(tf, "spec")
    if isinstance(spec, Unknown):
        yield _guardrail(tf, ctx, spec, spec, "spec")
        return
    if not spec:
        dry = blocks(tf, "dry_run_spec")
        dry_rules = blocks(dry[0], "rules") if isinstance(dry, list) and dry else Unknown("the policy has no spec")
        allowed = _allowed_from(dry_rules) if isinstance(dry_rules, list) else Unknown(
            "the policy has no spec")
        yield _guardrail(tf, ctx, allowed, False, "dry_run_spec")
        return
    rules_ = blocks(spec[0], "rules")
    allowed = rules_ if isinstance(rules_, Unknown) else _allowed_from(rules_)
    yield _guardrail(tf, ctx, allowed, True, "spec")


@maps("google_project_organization_policy", "google_folder_organization_policy", "google_organization_policy")
def legacy_org_policy(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """The v1 organization policy resources for `constraints/gcp.resourceLocations`."""
    constraint = tf.values.get("constraint")
    if not (isinstance(constraint, str) and constraint.endswith("gcp.resourceLocations")):
        return
    allow = blocks(tf.get("list_policy.0") or {}, "allow") if isinstance(tf.get("list_policy.0"), Mapping) else []
    if isinstance(allow, Unknown):
        allowed: Any = allow
    elif not allow:
        allowed = Unknown("the list policy allows no explicit values (deny-only or restore_policy)")
    elif as_bool(allow[0].get("all"), False) is True:
        allowed = ["any"]
    else:
        listed = str_list(allow[0].get("values"))
        allowed = listed if isinstance(listed, Unknown) else [value_group(v) for v in listed]
    yield _guardrail(tf, ctx, allowed, True, "list_policy")


"""The kinds table: every normalized kind and the facts checks may read from it.

This table is the contract between providers (which emit facts) and checks (which read them).
The catalog loader rejects a rule that reads a fact not listed here; provider tests validate
normalizer output against it. `docs/kinds.md` is generated from it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from scanner.model import Unknown


@dataclass(frozen=True, slots=True)
class FirewallRule:
    """One ingress rule, normalized. Ports are inclusive; `None` ports mean every port."""

    protocol: str  # "all", "tcp", "udp", "icmp" or a number as text
    from_port: int | None
    to_port: int | None
    sources: tuple[str, ...]
    allow: bool = True
    label: str = ""

    def admits_any_source(self) -> bool:
        """True when a source is the whole internet (0.0.0.0/0, ::/0, `*`, `Internet`, `any`)."""
        return self.allow and any(_is_world(s) for s in self.sources)

    def covers_port(self, port: int) -> bool:
        """True when the rule admits TCP or UDP traffic to `port`."""
        if self.protocol not in ("all", "tcp", "udp", "-1", "6", "17", "*"):
            return False
        low = 0 if self.from_port is None else self.from_port
        high = 65535 if self.to_port is None else self.to_port
        return low <= port <= high

    def covers_any(self, ports: Iterable[int]) -> bool:
        """True when the rule admits any of `ports`."""
        return any(self.covers_port(p) for p in ports)

    def all_ports(self) -> bool:
        """True when the rule admits every port of every protocol."""
        return self.protocol in ("all", "-1", "*") or (
            (self.from_port in (None, 0, 1)) and (self.to_port in (None, 65535)) and self.protocol in ("tcp", "udp")
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON shape of the rule."""
        return {
            "protocol": self.protocol,
            "from_port": self.from_port,
            "to_port": self.to_port,
            "sources": list(self.sources),
            "allow": self.allow,
            "label": self.label,
        }


_WORLD_WORDS = {"*", "internet", "any", "0.0.0.0", "::", "0.0.0.0/0", "::/0"}


def _is_world(source: str) -> bool:
    text = source.strip().lower()
    if text in _WORLD_WORDS:
        return True
    try:
        return ipaddress.ip_network(text, strict=False).prefixlen == 0
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class FactSpec:
    """The type and meaning of one fact."""

    type: str  # bool, int, str, list[str], list[rule], map
    doc: str


@dataclass(frozen=True, slots=True)
class KindSpec:
    """A normalized kind: whether it holds data in a location, and its facts."""

    doc: str
    located: bool
    facts: Mapping[str, FactSpec]


def _f(type_: str, doc: str) -> FactSpec:
    return FactSpec(type_, doc)


COMMON_FACTS: dict[str, FactSpec] = {
    "location": _f("str", "region, zone or multi-region as the provider writes it, normalized to lower case"),
    "tags": _f("map", "tags or labels"),
    "name": _f("str", "display name"),
    "scope": _f("str", "account, project, subscription, tenancy or Sakura account"),
    "native_type": _f("str", "the provider's own type name"),
}

_ENC = _f("str", "encryption at rest: none, provider_key or customer_key")
_REPL = _f("list[str]", "locations of every replica or copy (empty list: none)")

KINDS: dict[str, KindSpec] = {
    "account": KindSpec(
        "an AWS account, GCP project, Azure subscription, OCI tenancy or Sakura account",
        False,
        {
            "audit.enabled": _f("bool", "an audit trail records management events in every region"),
            "audit.log_file_validation": _f("bool", "every audit trail protects log integrity"),
            "audit.customer_key": _f("bool", "every audit trail is encrypted with a customer-managed key"),
            "audit.data_events": _f("bool", "object-level data access is logged"),
            "audit.destination_locations": _f("list[str]", "locations where audit logs are delivered"),
            "config.recording": _f("bool", "configuration recording is on in every allowed region"),
            "threat_detection.enabled": _f("bool", "threat detection is on in every allowed region"),
            "threat_detection.missing_regions": _f("list[str]", "allowed regions without threat detection"),
            "findings_aggregation.enabled": _f("bool", "a findings aggregator (Security Hub, Defender) is on"),
            "guardrail.region_restriction": _f("bool", "a preventive guardrail denies locations outside Japan"),
            "guardrail.allowed_locations": _f("list[str]", "the locations that the guardrail allows"),
            "regions.enabled": _f("list[str]", "regions enabled or subscribed for the scope"),
            "password_policy.present": _f("bool", "an account password policy exists"),
            "password_policy.min_length": _f("int", "minimum password length"),
            "password_policy.reuse_prevention": _f("int", "number of previous passwords that cannot be reused"),
            "password_policy.max_age_days": _f("int", "days before a password expires (0: never)"),
            "root.mfa": _f("bool", "the root or tenancy administrator has MFA"),
            "root.access_keys": _f("bool", "the root or tenancy administrator has active long-term API keys"),
            "storage.public_access_block": _f("bool", "scope-wide block of public object storage is fully on"),
            "compute.default_disk_encryption": _f("bool", "new disks are encrypted by default in every region"),
            "security_contact.present": _f("bool", "a security contact is registered"),
            "organization.member": _f("bool", "the scope belongs to an organization or management tree"),
            "access_analyzer.enabled": _f("bool", "an external-access analyzer runs"),
            "tag_defaults.present": _f("bool", "tag defaults apply tags to new resources automatically"),
            "root_compartment.resources": _f("int", "resources created directly in the root compartment or tenancy"),
            "monitoring.configured": _f("bool", "an enabled health monitor notifies someone (Sakura simple monitor)"),
        },
    ),
    "storage.bucket": KindSpec(
        "object storage: S3, GCS, Azure storage account, OCI bucket, Sakura object storage",
        True,
        {
            "encryption.at_rest": _ENC,
            "public": _f("bool", "anyone on the internet can read or list it"),
            "public_access_block": _f("bool", "public access is blocked at bucket or scope level"),
            "versioning": _f("bool", "object versioning or soft delete is on"),
            "access_logging": _f("bool", "access logging is on"),
            "tls_only": _f("bool", "plain HTTP access is refused"),
            "tls.min_version": _f("str", "minimum TLS version, e.g. 1.2"),
            "replication.locations": _REPL,
            "uniform_access": _f("bool", "object ACLs are disabled in favour of bucket-level access control"),
            "retention.locked": _f("bool", "a locked retention policy protects objects"),
            "network.default_deny": _f("bool", "network access is denied unless allowed"),
            "shared_key_access": _f("bool", "account keys can authorize requests"),
            "infrastructure_encryption": _f("bool", "double encryption at the infrastructure layer"),
            "object_lock": _f("bool", "object lock (WORM) is on"),
        },
    ),
    "storage.file": KindSpec(
        "file storage: EFS, Azure Files, OCI FSS, Sakura NFS",
        True,
        {"encryption.at_rest": _ENC, "backup.enabled": _f("bool", "backups are scheduled")},
    ),
    "compute.instance": KindSpec(
        "a virtual machine or server",
        True,
        {
            "public_ip": _f("bool", "it has a public IP address"),
            "metadata.token_required": _f("bool", "the metadata service requires session tokens (IMDSv2)"),
            "identity.default_service_account": _f("bool", "it runs as the default service account"),
            "identity.full_api_scope": _f("bool", "its service account has the full cloud-platform scope"),
            "serial_port": _f("bool", "interactive serial console access is on"),
            "os_login": _f("bool", "OS Login is enforced"),
            "shielded_vm": _f("bool", "secure boot and integrity monitoring are on"),
            "in_transit_encryption": _f("bool", "in-transit encryption between instance and volumes is on"),
            "ip_forwarding": _f("bool", "IP forwarding is on"),
            "ssh.project_keys_blocked": _f("bool", "project-wide SSH keys cannot log in to it"),
            "firewall.attached": _f("bool", "a firewall (packet filter, security group) protects it"),
            "network.shared_segment": _f("bool", "it sits on a provider-shared internet segment"),
            "backup.enabled": _f("bool", "scheduled backups protect it"),
            "identity.attached": _f("bool", "an instance role or managed identity gives it credentials"),
        },
    ),
    "compute.disk": KindSpec(
        "a block volume",
        True,
        {
            "encryption.at_rest": _ENC,
            "backup.enabled": _f("bool", "scheduled backups protect it"),
            "backup.copy_locations": _f("list[str]", "locations of backup copies"),
        },
    ),
    "compute.snapshot": KindSpec(
        "a disk snapshot or machine image",
        True,
        {
            "encryption.at_rest": _ENC,
            "public": _f("bool", "anyone can copy or restore it"),
            "storage_locations": _f("list[str]", "where the snapshot data is stored"),
        },
    ),
    "compute.function": KindSpec(
        "a serverless function",
        True,
        {
            "public_url": _f("bool", "it has a URL that needs no authentication"),
            "public_policy": _f("bool", "its resource policy lets anyone invoke it"),
        },
    ),
    "container.registry": KindSpec(
        "a container image registry or repository",
        True,
        {
            "replication.locations": _REPL,
            "scan_on_push": _f("bool", "images are scanned for vulnerabilities on push"),
            "immutable_tags": _f("bool", "image tags cannot be overwritten"),
            "encryption.at_rest": _ENC,
        },
    ),
    "kubernetes.cluster": KindSpec(
        "a managed Kubernetes cluster",
        True,
        {
            "private_endpoint": _f("bool", "the control plane has no public endpoint"),
            "network_policy": _f("bool", "network policy enforcement is on"),
            "secrets_encryption": _f("bool", "application secrets are encrypted with a customer key"),
        },
    ),
    "messaging.topic": KindSpec(
        "a message topic or queue",
        True,
        {"encryption.at_rest": _ENC, "allowed_persistence_locations": _f("list[str]", "where messages may be stored")},
    ),
    "network.firewall": KindSpec(
        "a security group, firewall rule, NSG, security list or packet filter",
        True,
        {
            "ingress": _f("list[rule]", "ingress rules (FirewallRule records)"),
            "is_default": _f("bool", "it is the default group or list of its network"),
            "default_action": _f("str", "what happens to traffic no rule matches: allow or deny"),
        },
    ),
    "network.vpc": KindSpec(
        "a VPC, VNet, VCN or switch",
        True,
        {
            "flow_logs": _f("bool", "flow logs are on"),
            "is_default": _f("bool", "it is the provider's default network"),
        },
    ),
    "network.subnet": KindSpec(
        "a subnet",
        True,
        {
            "flow_logs": _f("bool", "flow logs are on"),
            "private_access": _f("bool", "private access to provider services is on"),
        },
    ),
    "network.loadbalancer": KindSpec(
        "a load balancer or application gateway",
        True,
        {
            "https_only": _f("bool", "every internet-facing listener uses TLS or redirects to it"),
            "tls.min_version": _f("str", "minimum TLS version offered"),
            "public": _f("bool", "it is internet-facing"),
            "access_logging": _f("bool", "access logs are on"),
            "waf": _f("bool", "a web application firewall is attached"),
        },
    ),
    "cdn.distribution": KindSpec(
        "a CDN, edge, anycast or global traffic service; its location is global",
        True,
        {
            "https_only": _f("bool", "viewers must use HTTPS"),
            "tls.min_version": _f("str", "minimum TLS version for viewers"),
            "waf": _f("bool", "a web application firewall is attached"),
        },
    ),
    "database.instance": KindSpec(
        "a managed relational database or database appliance",
        True,
        {
            "encryption.at_rest": _ENC,
            "public": _f("bool", "reachable from the internet"),
            "high_availability": _f("bool", "standby in another zone"),
            "backup.enabled": _f("bool", "automated backups are on"),
            "backup.retention_days": _f("int", "automated backup retention in days"),
            "backup.locations": _f("list[str]", "where backups are stored"),
            "replication.locations": _REPL,
            "tls.required": _f("bool", "client connections must use TLS"),
            "deletion_protection": _f("bool", "deletion protection is on"),
            "audit_logging": _f("bool", "database auditing is on"),
            "auto_minor_upgrade": _f("bool", "minor engine versions are applied automatically"),
        },
    ),
    "nosql.table": KindSpec(
        "a NoSQL table or database account",
        True,
        {
            "encryption.at_rest": _ENC,
            "backup.pitr": _f("bool", "point-in-time recovery is on"),
            "replication.locations": _REPL,
            "public": _f("bool", "reachable from the internet"),
        },
    ),
    "analytics.dataset": KindSpec(
        "an analytics dataset (BigQuery)",
        True,
        {"encryption.at_rest": _ENC, "public": _f("bool", "readable by anyone")},
    ),
    "kms.key": KindSpec(
        "an encryption key or key vault",
        True,
        {
            "rotation.enabled": _f("bool", "automatic rotation is on"),
            "rotation.period_days": _f("int", "rotation period in days"),
            "replication.locations": _REPL,
            "public": _f("bool", "anyone can use it"),
            "expiry_set": _f("bool", "the key or secret has an expiry date"),
            "deletion_protection": _f("bool", "soft delete and purge protection are on"),
            "public_network_access": _f("bool", "reachable from any network"),
        },
    ),
    "identity.user": KindSpec(
        "a human or programmatic identity",
        False,
        {
            "mfa": _f("bool", "MFA is on"),
            "console_access": _f("bool", "it can sign in to the console with a password"),
            "access_keys.active": _f("int", "number of active long-term API keys"),
            "access_keys.max_age_days": _f("int", "age in days of the oldest active API key (0: none)"),
            "credentials.unused_days": _f("int", "days since any credential was last used"),
            "admin": _f("bool", "it holds full administrative rights"),
        },
    ),
    "identity.service_account": KindSpec(
        "a service account or workload identity",
        False,
        {
            "user_managed_keys": _f("int", "number of user-managed keys"),
            "keys.max_age_days": _f("int", "age in days of the oldest user-managed key (0: none)"),
            "admin": _f("bool", "it holds an administrative role"),
        },
    ),
    "log.sink": KindSpec(
        "a log export, diagnostic setting or service connector",
        True,
        {
            "enabled": _f("bool", "it delivers logs"),
            "destination.locations": _f("list[str]", "where the exported logs land"),
        },
    ),
    "log.store": KindSpec(
        "a log group, log bucket or workspace",
        True,
        {
            "retention_days": _f("int", "retention in days (0: forever)"),
            "encryption.at_rest": _ENC,
            "retention.locked": _f("bool", "retention cannot be shortened"),
        },
    ),
    "audit.trail": KindSpec(
        "an audit trail",
        True,
        {
            "enabled": _f("bool", "it is logging"),
            "multi_region": _f("bool", "it records every region"),
            "log_file_validation": _f("bool", "log file integrity validation is on"),
            "encryption.at_rest": _ENC,
            "destination.locations": _f("list[str]", "where trail logs are stored"),
            "retention_days": _f("int", "retention in days"),
        },
    ),
    "backup.plan": KindSpec(
        "a backup plan, policy or schedule",
        True,
        {
            "copy.locations": _f("list[str]", "locations that backup copies are sent to"),
            "retention_days": _f("int", "retention of the backups in days"),
        },
    ),
    "web.app": KindSpec(
        "a web application service (App Service)",
        True,
        {
            "https_only": _f("bool", "HTTP is redirected to HTTPS"),
            "tls.min_version": _f("str", "minimum TLS version"),
            "public_network_access": _f("bool", "reachable from any network"),
        },
    ),
    "policy.guardrail": KindSpec(
        "a preventive guardrail: an SCP, org policy or policy assignment restricting locations",
        False,
        {
            "allowed_locations": _f("list[str]", "the locations it allows"),
            "enforced": _f("bool", "it is enforced (not audit-only)"),
        },
    ),
}


def kind_spec(kind: str) -> KindSpec | None:
    """The spec of `kind`, or None when the kind is not in the table."""
    return KINDS.get(kind)


def fact_spec(kind: str, fact: str) -> FactSpec | None:
    """The spec of `fact` on `kind` (common facts included), or None."""
    if fact in COMMON_FACTS:
        return COMMON_FACTS[fact]
    spec = KINDS.get(kind)
    return spec.facts.get(fact) if spec else None


def type_matches(spec: FactSpec, value: Any) -> bool:
    """True when `value` (not Unknown) has the spec's type."""
    if isinstance(value, Unknown):
        return True
    match spec.type:
        case "bool":
            return isinstance(value, bool)
        case "int":
            return isinstance(value, int) and not isinstance(value, bool)
        case "str":
            return isinstance(value, str)
        case "list[str]":
            return isinstance(value, list | tuple) and all(isinstance(v, str | Unknown) for v in value)
        case "list[rule]":
            return isinstance(value, list | tuple) and all(isinstance(v, FirewallRule) for v in value)
        case "map":
            return isinstance(value, Mapping)
    return False


def validate_resource_facts(kind: str, attrs: Mapping[str, Any]) -> list[str]:
    """Problems with a resource's facts against the table (used by tests, not on the hot path)."""
    problems = []
    if kind not in KINDS:
        return [f"kind {kind!r} is not in the kinds table"]
    for key, value in attrs.items():
        spec = fact_spec(kind, key)
        if spec is None:
            problems.append(f"{kind}: fact {key!r} is not in the kinds table")
        elif not type_matches(spec, value):
            problems.append(f"{kind}: fact {key!r} should be {spec.type}, got {type(value).__name__}")
    return problems

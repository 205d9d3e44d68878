"""`sakuracloud_*` Terraform resources mapped to the kinds and facts of the Sakura Cloud provider.

Location: the resource's `zone` (`tk1a`, `tk1b`, `is1a`, `is1b`, `is1c`; `tk1v` is the sandbox), else
the provider block's `zone`, else Unknown (the `SAKURACLOUD_ZONE` environment variable decides at
apply time). The enhanced load balancer has a `region` (`is1`, `tk1`, or `anycast`, a review location).
Traffic that no packet filter expression matches is treated as passed (the side that cannot hide an
exposure), so a filter that does not end with an explicit `ip` deny from any source admits everything
else; see docs/iac-clouds.md.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from providers.terraform._clouds import (
    first_unknown,
    is_set,
    key_encryption,
    known_str,
    label,
    location,
    opt,
    pointing_at,
    present,
    rule,
    rules_or_unknown,
    str_list,
    tag_map,
)
from providers.terraform.common import as_bool, blocks, build
from providers.terraform.model import TfContext, TfResource, maps
from scanner.conditions import all_of
from scanner.kinds import FirewallRule
from scanner.model import Resource, Unknown

PROVIDER = "sakura"
KINDS = ("account", "compute.instance", "compute.disk", "network.firewall", "network.vpc", "database.instance", "storage.file",
         "backup.plan", "network.loadbalancer", "cdn.distribution")

_PROTOCOLS = {"ip": "all", "tcp": "tcp", "udp": "udp", "icmp": "icmp", "fragment": "fragment"}
IMPLICIT_ALLOW = "implicit: traffic no rule matches is not filtered"


def _zone(tf: TfResource) -> str | Unknown:
    return location(tf, ("zone",), ("zone",))


def _tags(tf: TfResource) -> Any:
    return tag_map(tf.values.get("tags"))


def _name(tf: TfResource) -> str | None:
    return known_str(tf.values.get("name"))


def _router_switch(ctx: TfContext, value: Any) -> bool | Unknown:
    """True when a switch id is the switch of a router (`sakuracloud_internet.x.switch_id`): internet-facing."""
    if isinstance(value, Unknown):
        for router in ctx.of_type("sakuracloud_internet"):
            if value.source == f"{router.address}.switch_id":
                return True
        if value.source:
            return False if any(value.source.startswith(s.address + ".") for s in ctx.of_type("sakuracloud_switch")) \
                else Unknown(f"the switch {value.source} is not declared in this code")
        return Unknown(f"the switch is not known: {value.reason}")
    if isinstance(value, str) and value:
        for router in ctx.of_type("sakuracloud_internet"):
            if router.values.get("switch_id") == value:
                return True
        return Unknown(f"switch {value} is not declared in this code, so whether a router serves it is not known")
    return False


# -- Servers and disks -------------------------------------------------------------------------------
@maps("sakuracloud_server")
def server(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A server: a NIC on the shared segment (`upstream = "shared"`) needs a packet filter."""
    nics = blocks(tf, "network_interface")
    attrs: dict[str, Any]
    if isinstance(nics, Unknown):
        attrs = {"network.shared_segment": nics, "firewall.attached": nics, "public_ip": nics}
    else:
        shared = [n for n in nics if n.get("upstream") == "shared"]
        unknown = next((n.get("upstream") for n in nics if isinstance(n.get("upstream"), Unknown)
                        and not n.get("upstream").source), None)
        filtered = [is_set(n.get("packet_filter_id")) for n in nics]
        public: Any = bool(shared)
        if not shared:
            for nic in nics:
                upstream = nic.get("upstream")
                if upstream in (None, "disconnect"):
                    continue
                on_router = _router_switch(ctx, upstream)
                if on_router is True or isinstance(on_router, Unknown):
                    public = on_router
                    break
        attrs = {
            "network.shared_segment": unknown if unknown is not None else bool(shared),
            "firewall.attached": all_of(*filtered) if filtered else False,
            "public_ip": public,
        }
    yield build(tf, ctx, PROVIDER, "compute.instance", _zone(tf), attrs,
                {"network.shared_segment": "network_interface.0.upstream",
                 "firewall.attached": "network_interface.0.packet_filter_id", "public_ip": "network_interface"},
                name=_name(tf), tags=_tags(tf))


def encryption(algorithm: Any, key: Any) -> str | Unknown:
    """`none` (the default) or `aes256_xts`, with a KMS key making it customer-keyed."""
    if isinstance(algorithm, Unknown):
        return algorithm
    if str(algorithm or "none").lower() == "none":
        return "none"
    return key_encryption(key)


@maps("sakuracloud_disk")
def disk(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A disk: encryption algorithm (none by default), KMS key, and an auto-backup declared for it."""
    backups = pointing_at(ctx, tf, "sakuracloud_auto_backup", "disk_id")
    attrs = {"encryption.at_rest": encryption(tf.values.get("encryption_algorithm"), tf.values.get("kms_key_id")),
             "backup.enabled": bool(backups)}
    yield build(tf, ctx, PROVIDER, "compute.disk", _zone(tf), attrs,
                {"encryption.at_rest": "encryption_algorithm"}, name=_name(tf), tags=_tags(tf))


# -- Packet filters ----------------------------------------------------------------------------------
def _source(value: Any) -> str | Unknown:
    if isinstance(value, Unknown):
        return value
    text = str(value or "").strip()
    return text or "0.0.0.0/0"  # an empty source network matches every address


def expressions(entries: list[Mapping[str, Any]], label_: str) -> list[FirewallRule] | Unknown:
    """Packet filter expressions in order, up to the first `ip` deny from any source (nothing below it can match);
    without one, the implicit pass of unmatched traffic is added (as the live Sakura provider does)."""
    items: list[Any] = []
    for index, entry in enumerate(entries):
        protocol = entry.get("protocol")
        source = _source(entry.get("source_network"))
        allow = as_bool(entry.get("allow"), True)
        for value in (protocol, source, allow, entry.get("destination_port")):
            if isinstance(value, Unknown):
                return value
        name = str(entry.get("description") or f"{label_}[{index}]") if not isinstance(
            entry.get("description"), Unknown) else f"{label_}[{index}]"
        proto = _PROTOCOLS.get(str(protocol or "ip").lower(), str(protocol).lower())
        ports = entry.get("destination_port") if proto in ("tcp", "udp") else None
        items.append(rule(proto, ports, [str(source)], bool(allow), name))
        if proto == "all" and not allow and str(source) in ("0.0.0.0/0", "0.0.0.0"):
            break
    found = rules_or_unknown(items)
    if isinstance(found, Unknown):
        return found
    last = found[-1] if found else None
    closes = last is not None and not last.allow and last.protocol == "all" and any(
        s in ("0.0.0.0/0", "0.0.0.0") for s in last.sources)
    if not closes:
        found.append(FirewallRule("all", None, None, ("0.0.0.0/0",), True, IMPLICIT_ALLOW))
    return found


@maps("sakuracloud_packet_filter")
def packet_filter(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A packet filter with its `expression`s (inline or from `sakuracloud_packet_filter_rules`)."""
    entries = blocks(tf, "expression")
    if isinstance(entries, list):
        for joined in pointing_at(ctx, tf, "sakuracloud_packet_filter_rules", "packet_filter_id"):
            more = blocks(joined, "expression")
            entries = more if isinstance(more, Unknown) else entries + more
            if isinstance(entries, Unknown):
                break
    ingress = entries if isinstance(entries, Unknown) else expressions(entries, _name(tf) or tf.name)
    if isinstance(ingress, Unknown):
        default: Any = ingress
    else:
        default = "allow" if ingress and ingress[-1].label == IMPLICIT_ALLOW else "deny"
    attrs = {"ingress": ingress, "default_action": default, "is_default": False}
    yield build(tf, ctx, PROVIDER, "network.firewall", _zone(tf), attrs,
                {"ingress": "expression", "default_action": "expression"}, name=_name(tf), tags={})


# -- Networks ----------------------------------------------------------------------------------------
@maps("sakuracloud_switch", "sakuracloud_internet")
def switch(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A switch, or a router with its switch (スイッチ+ルータ)."""
    yield build(tf, ctx, PROVIDER, "network.vpc", _zone(tf), {"is_default": False}, name=_name(tf), tags=_tags(tf))


# -- Appliances --------------------------------------------------------------------------------------
def _nic(tf: TfResource) -> Mapping[str, Any] | Unknown:
    nics = blocks(tf, "network_interface")
    if isinstance(nics, Unknown):
        return nics
    return nics[0] if nics else {}


@maps("sakuracloud_database")
def database(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A database appliance: backups, source ranges on an internet-facing switch, disk encryption, replicas."""
    nic = _nic(tf)
    if isinstance(nic, Unknown):
        ranges: Any = nic
        facing: Any = nic
    else:
        ranges = str_list(nic.get("source_ranges", tf.values.get("source_ranges")))
        facing = _router_switch(ctx, nic.get("switch_id", tf.values.get("switch_id")))
    if isinstance(ranges, Unknown):
        public: Any = ranges
    elif facing is False:
        public = False
    else:
        anyone = not ranges or any(r.strip() in ("0.0.0.0/0", "0.0.0.0") for r in ranges)
        public = facing if isinstance(facing, Unknown) else anyone
    backup = blocks(tf, "backup")
    continuous = blocks(tf, "continuous_backup")
    if isinstance(backup, Unknown):
        enabled: Any = backup
    else:
        days = [present(b.get("weekdays")) for b in backup] + [present(continuous)]
        enabled = True if any(d is True for d in days) else (opt(first_unknown(*days), False))
    algorithm = opt(tf.get("disk.0.encryption_algorithm"), tf.values.get("encryption_algorithm"))
    key = opt(tf.get("disk.0.kms_key_id"), tf.values.get("kms_key_id"))
    replicas = [_zone(r) for r in pointing_at(ctx, tf, "sakuracloud_database_read_replica", "master_id")]
    attrs = {
        "public": public,
        "backup.enabled": enabled,
        "encryption.at_rest": encryption(algorithm, key),
        "replication.locations": replicas,
        # As the live provider: replication configured (`replica_password` on the master) is the redundancy.
        "high_availability": present(tf.values.get("replica_password")),
    }
    yield build(tf, ctx, PROVIDER, "database.instance", _zone(tf), attrs,
                {"public": "network_interface.0.source_ranges", "backup.enabled": "backup",
                 "encryption.at_rest": "disk"}, name=_name(tf), tags=_tags(tf))


@maps("sakuracloud_nfs")
def nfs(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """An NFS appliance (file storage)."""
    algorithm = tf.values.get("encryption_algorithm")
    attrs: dict[str, Any] = {}
    if algorithm is not None:
        attrs["encryption.at_rest"] = encryption(algorithm, tf.values.get("kms_key_id"))
    yield build(tf, ctx, PROVIDER, "storage.file", _zone(tf), attrs, name=_name(tf), tags=_tags(tf))


@maps("sakuracloud_auto_backup")
def auto_backup(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A disk auto-backup: archives stay in the disk's zone."""
    yield build(tf, ctx, PROVIDER, "backup.plan", _zone(tf), {"copy.locations": []}, name=_name(tf), tags=_tags(tf))


@maps("sakuracloud_load_balancer")
def load_balancer(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """A zonal load balancer appliance: internet-facing when its switch is a router's."""
    nic = _nic(tf)
    facing = nic if isinstance(nic, Unknown) else _router_switch(ctx, nic.get("switch_id"))
    yield build(tf, ctx, PROVIDER, "network.loadbalancer", _zone(tf), {"public": facing},
                {"public": "network_interface.0.switch_id"}, name=_name(tf), tags=_tags(tf))


_SSL_POLICIES = {"TLS-1-2-2019-04": "1.2", "TLS-1-2-2021-06": "1.2", "TLS-1-3-2021-06": "1.3"}


@maps("sakuracloud_proxylb")
def proxylb(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """An enhanced load balancer: region `is1` (default), `tk1` or `anycast`; HTTPS-only listeners; syslog."""
    where = tf.values.get("region")
    region: Any = where if isinstance(where, Unknown) else str(where or "is1").lower()
    binds = blocks(tf, "bind_port")
    if isinstance(binds, Unknown):
        https_only: Any = binds
        tls: Any = binds
    else:
        modes = [b.get("proxy_mode") for b in binds]
        bad = first_unknown(*modes, *(b.get("redirect_to_https") for b in binds))
        https_only = bad if bad is not None else bool(binds) and all(
            label(b.get("proxy_mode")).lower() in ("https", "tcp") or as_bool(b.get("redirect_to_https"), False) is True
            for b in binds)
        policies = [b.get("ssl_policy") for b in binds if label(b.get("proxy_mode")).lower() == "https"]
        pending = first_unknown(*policies)
        known = [_SSL_POLICIES.get(str(p)) for p in policies if p is not None and p != ""]
        tls = pending if pending is not None else min(known) if known and all(known) else Unknown(
            "the TLS policy of the HTTPS listeners is not set")
    attrs = {"public": True, "https_only": https_only, "tls.min_version": tls,
             "access_logging": present(tf.values.get("syslog"))}
    yield build(tf, ctx, PROVIDER, "network.loadbalancer", region, attrs,
                {"location": "region", "https_only": "bind_port", "tls.min_version": "bind_port",
                 "access_logging": "syslog"}, name=_name(tf), tags=_tags(tf))


@maps("sakuracloud_webaccel")
def webaccel(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """The web accelerator (CDN): a global service."""
    protocol = tf.values.get("request_protocol")
    https: Any = protocol if isinstance(protocol, Unknown) else str(protocol or "http+https") in ("https", "https-redirect")
    yield build(tf, ctx, PROVIDER, "cdn.distribution", "global", {"https_only": https},
                {"https_only": "request_protocol"}, name=_name(tf), tags={})


@maps("sakuracloud_gslb")
def gslb(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """GSLB: a global DNS-based traffic service."""
    yield build(tf, ctx, PROVIDER, "cdn.distribution", "global", {}, name=_name(tf), tags=_tags(tf))



def _notifies(monitor: TfResource) -> bool | Unknown:
    """An enabled monitor (the default) that sends e-mail (on by default) or Slack notifications."""
    enabled = as_bool(monitor.values.get("enabled"), True)
    email = as_bool(monitor.values.get("notify_email_enabled"), True)
    slack = as_bool(monitor.values.get("notify_slack_enabled"), False)
    pending = first_unknown(enabled, email, slack)
    if pending is not None:
        return pending
    return enabled is True and (email is True or slack is True)


@maps("sakuracloud_simple_monitor")
def simple_monitor(tf: TfResource, ctx: TfContext) -> Iterator[Resource]:
    """The account's monitoring, once per configuration (from the first monitor): any monitor that notifies."""
    monitors = sorted(ctx.of_type("sakuracloud_simple_monitor"), key=lambda m: m.address) or [tf]
    if monitors[0].address != tf.address:
        return
    verdicts = [_notifies(m) for m in monitors]
    configured: Any = True if any(v is True for v in verdicts) else opt(first_unknown(*verdicts), False)
    yield build(tf, ctx, PROVIDER, "account", "global", {"monitoring.configured": configured},
                {"monitoring.configured": "enabled"}, name="simple monitors", tags={},
                address="sakuracloud_simple_monitor")

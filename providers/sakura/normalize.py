"""Pure normalization of Sakura Cloud IaaS API 1.1 payloads (PascalCase JSON) into facts."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from typing import Any

from scanner.kinds import FirewallRule

ANY = "0.0.0.0/0"


def sid(value: Any) -> str:
    """IDs arrive as numbers (X-Sakura-Bigint-As-Int: 1) or as strings: always text."""
    return "" if value is None else str(value)


def truthy(value: Any) -> bool:
    """Settings booleans are the strings "True"/"False" (sometimes real booleans)."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def tags_of(item: Mapping[str, Any]) -> dict[str, str]:
    """Sakura tags are a list of words; `key=value` words become pairs, others map to ""."""
    out: dict[str, str] = {}
    for tag in item.get("Tags") or []:
        key, _, value = str(tag).partition("=")
        out[key] = value
    return out


def source_network(text: Any) -> str:
    """A packet-filter or DB source as CIDR: blank is any, a dotted mask becomes a prefix, a range stays."""
    raw = "" if text is None else str(text).strip()
    if raw in ("", "*"):
        return ANY
    if "/" in raw:
        addr, _, mask = raw.partition("/")
        if "." in mask:
            try:
                return str(ipaddress.ip_network(f"{addr}/{mask}", strict=False))
            except ValueError:
                return raw  # an address range `from/to`: a specific source, never the whole internet
        return raw
    return raw


def _ports(text: Any) -> tuple[int | None, int | None]:
    raw = "" if text is None else str(text).strip()
    if raw in ("", "*"):
        return None, None
    low, _, high = raw.partition("-")
    try:
        return int(low), int(high or low)
    except ValueError:
        return None, None


def _is_deny_all(rule: Mapping[str, Any]) -> bool:
    return (str(rule.get("Action", "")).lower() == "deny" and str(rule.get("Protocol", "")).lower() == "ip"
            and source_network(rule.get("SourceNetwork")) == ANY)


def normalize_packet_filter(pf: Mapping[str, Any]) -> dict[str, Any]:
    """Ingress rules in order, and what happens to traffic no rule matches.

    Rules are evaluated from the top and the first match decides. The manual does not promise to
    drop unmatched packets: only a final `ip` deny from any source does. Without one, govscan
    reports `default_action: allow` and adds the implicit rule that admits everything else.
    """
    rules: list[FirewallRule] = []
    closed = False
    for rule in pf.get("Expression") or []:
        protocol = str(rule.get("Protocol") or "ip").lower()
        allow = str(rule.get("Action") or "allow").lower() == "allow"
        if protocol in ("tcp", "udp"):
            low, high = _ports(rule.get("DestinationPort"))
        else:
            low, high = None, None
        normalized = {"ip": "all"}.get(protocol, protocol)
        rules.append(FirewallRule(normalized, low, high, (source_network(rule.get("SourceNetwork")),), allow,
                                  str(rule.get("Description") or "")))
        if _is_deny_all(rule):
            closed = True
            break  # rules below an any-source `ip` deny can never match
    if not closed:
        rules.append(FirewallRule("all", None, None, (ANY,), True, "implicit: traffic no rule matches is not filtered"))
    return {"ingress": rules, "default_action": "deny" if closed else "allow", "is_default": False}


def encryption_of(disk: Mapping[str, Any]) -> str | None:
    """`none`, or `aes256_xts` with a KMS key (customer_key) or without (provider_key)."""
    algorithm = disk.get("EncryptionAlgorithm")
    if algorithm is None:
        return None
    if str(algorithm).lower() in ("", "none"):
        return "none"
    key = (disk.get("EncryptionKey") or {}).get("KMSKeyID")
    return "customer_key" if key else "provider_key"


def _internet_facing(nic: Mapping[str, Any], routed_switches: set[str]) -> bool:
    switch = nic.get("Switch") or {}
    return switch.get("Scope") == "shared" or sid(switch.get("ID")) in routed_switches


def normalize_server(server: Mapping[str, Any], routed_switches: set[str] | None) -> dict[str, Any]:
    """Shared segment, packet filters on every NIC, public address."""
    nics = server.get("Interfaces") or []
    shared = any((nic.get("Switch") or {}).get("Scope") == "shared" for nic in nics)
    attrs: dict[str, Any] = {
        "network.shared_segment": shared,
        "firewall.attached": bool(nics) and all(nic.get("PacketFilter") for nic in nics),
    }
    if routed_switches is not None:
        attrs["public_ip"] = any(_internet_facing(nic, routed_switches) for nic in nics)
    return attrs


def normalize_disk(disk: Mapping[str, Any], backed_up: set[str] | None) -> dict[str, Any]:
    """Encryption and auto-backup of a disk."""
    attrs: dict[str, Any] = {}
    encryption = encryption_of(disk)
    if encryption is not None:
        attrs["encryption.at_rest"] = encryption
    if backed_up is not None:
        attrs["backup.enabled"] = sid(disk.get("ID")) in backed_up
    return attrs


def any_source(value: Any) -> bool:
    """DB `SourceNetwork` is "", [] or a list; empty or 0.0.0.0/0 means any source."""
    items = [value] if isinstance(value, str) else list(value or [])
    items = [str(i).strip() for i in items if str(i).strip()]
    return not items or any(source_network(i) == ANY for i in items)


def normalize_database(app: Mapping[str, Any], routed_switches: set[str] | None) -> dict[str, Any]:
    """Database appliance: disk encryption, backups (legacy and v2), who may connect."""
    conf = (app.get("Settings") or {}).get("DBConf") or {}
    common = conf.get("Common") or {}
    legacy = conf.get("Backup")
    v2 = conf.get("Backupv2")
    attrs: dict[str, Any] = {"backup.enabled": bool(legacy) or bool(v2)}
    encryption = encryption_of(app.get("Disk") or {})
    if encryption is not None:
        attrs["encryption.at_rest"] = encryption
    rotate = [int(b["Rotate"]) for b in (legacy, v2) if isinstance(b, Mapping) and str(b.get("Rotate", "")).isdigit()]
    if rotate:
        attrs["backup.retention_days"] = max(rotate)  # one generation per scheduled day at most
    if routed_switches is not None:
        facing = any(_internet_facing(nic, routed_switches) for nic in app.get("Interfaces") or [])
        attrs["public"] = facing and any_source(common.get("SourceNetwork"))
    replication = conf.get("Replication") or {}
    attrs["high_availability"] = bool(replication.get("Model"))
    return attrs


def normalize_proxylb(item: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """Enhanced load balancer: its region (`anycast`, `tk1`, `is1`) and whether HTTP is redirected."""
    settings = (item.get("Settings") or {}).get("ProxyLB") or {}
    region = str((item.get("Status") or {}).get("Region") or settings.get("Region") or "").lower()
    ports = settings.get("BindPorts") or []
    https_only = bool(ports) and all(str(p.get("ProxyMode", "")).lower() in ("https", "tcp")
                                     or truthy(p.get("RedirectToHTTPS")) for p in ports)
    return region, {"public": True, "https_only": https_only}


_WEBACCEL_HTTPS = {"https", "https-redirect", "1", "2"}


def normalize_webaccel(site: Mapping[str, Any]) -> dict[str, Any]:
    """Web accelerator site: viewers must use HTTPS (or are redirected to it)."""
    protocol = str(site.get("RequestProtocol", "")).lower()
    return {} if not protocol else {"https_only": protocol in _WEBACCEL_HTTPS}


def monitored_targets(items: Iterable[Mapping[str, Any]]) -> list[str]:
    """Targets of enabled simple monitors that notify someone."""
    out = []
    for item in items:
        mon = (item.get("Settings") or {}).get("SimpleMonitor") or {}
        notify = truthy((mon.get("NotifyEmail") or {}).get("Enabled")) or truthy((mon.get("NotifySlack") or {}).get("Enabled"))
        if truthy(mon.get("Enabled")) and notify:
            out.append(str((item.get("Status") or {}).get("Target") or item.get("Name")))
    return out


def normalize_bucket(encryption: Mapping[str, Any] | None, replication: Mapping[str, Any] | None,
                     sites: Mapping[str, str]) -> dict[str, Any]:
    """Object storage bucket: KMS encryption and the site it replicates to."""
    attrs: dict[str, Any] = {}
    if encryption is not None:
        attrs["encryption.at_rest"] = "customer_key" if encryption.get("kms_key_id") else "none"
    if replication is not None:
        dest = ((replication.get("dest_bucket") or {}).get("cluster_id")) if replication else None
        attrs["replication.locations"] = [sites.get(str(dest), str(dest)).lower()] if dest else []
    return attrs

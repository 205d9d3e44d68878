"""NSGs as `network.firewall`, VNets as `network.vpc` (flow logs joined from Network Watcher)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from providers.azure.common import props, resource
from scanner.kinds import FirewallRule
from scanner.model import Resource

TYPES = (
    "microsoft.network/networksecuritygroups",
    "microsoft.network/virtualnetworks",
    "microsoft.network/networkwatchers/flowlogs",
    "microsoft.network/networkinterfaces",
)
_PROTOCOLS = {"tcp": "tcp", "udp": "udp", "icmp": "icmp", "*": "all", "any": "all"}


def ingress_rules(rules: Iterable[Mapping[str, Any]]) -> list[FirewallRule]:
    """Inbound rules of an NSG as FirewallRule records (one per destination port range)."""
    out: list[FirewallRule] = []
    for rule in rules:
        p = props(rule)
        if str(p.get("direction") or "").lower() != "inbound":
            continue
        sources = [s for s in [p.get("sourceAddressPrefix"), *(p.get("sourceAddressPrefixes") or [])] if s]
        ranges = [r for r in [p.get("destinationPortRange"), *(p.get("destinationPortRanges") or [])] if r]
        protocol = _PROTOCOLS.get(str(p.get("protocol") or "*").lower(), str(p.get("protocol")).lower())
        allow = str(p.get("access") or "").lower() == "allow"
        for text in ranges or ["*"]:
            low, high = _ports(str(text))
            out.append(FirewallRule(protocol, low, high, tuple(str(s) for s in sources), allow, str(rule.get("name") or "")))
    return out


def _ports(text: str) -> tuple[int | None, int | None]:
    if text.strip() in ("*", ""):
        return None, None
    if "-" in text:
        low, high = text.split("-", 1)
        return int(low), int(high)
    return int(text), int(text)


def normalize_nsg(row: Mapping[str, Any]) -> Resource:
    """Pure: an NSG. Default rules deny inbound internet traffic, so only custom rules matter; an
    allow rule fully shadowed by a higher-priority deny from every source is left out."""
    rules = sorted((r for r in props(row).get("securityRules") or [] if isinstance(r, Mapping)), key=_priority)
    kept: list[FirewallRule] = []
    denies: list[FirewallRule] = []
    for rule in rules:
        for record in ingress_rules([rule]):
            if not record.allow:
                denies.append(record)
                kept.append(record)
            elif not any(_shadows(d, record) for d in denies):
                kept.append(record)
    return resource(row, "network.firewall", {"ingress": kept, "is_default": False, "default_action": "deny"})


def _shadows(deny: FirewallRule, allow: FirewallRule) -> bool:
    """True when `deny` (evaluated first) blocks everything `allow` would admit."""
    if not any(s.strip().lower() in ("*", "any", "internet", "0.0.0.0/0") for s in deny.sources):
        return False
    if deny.protocol != "all" and deny.protocol != allow.protocol:
        return False
    low, high = deny.from_port or 0, 65535 if deny.to_port is None else deny.to_port
    return low <= (allow.from_port or 0) and (65535 if allow.to_port is None else allow.to_port) <= high


def _priority(rule: Mapping[str, Any]) -> int:
    value = props(rule).get("priority")
    return int(value) if isinstance(value, int) else 65536


def flow_logged_targets(flow_logs: Iterable[Mapping[str, Any]]) -> set[str]:
    """Lower-cased ids of NSGs and VNets that have an enabled flow log."""
    return {
        str(props(f).get("targetResourceId") or "").lower()
        for f in flow_logs
        if props(f).get("enabled") is True
    }


def normalize_vnet(row: Mapping[str, Any], logged: set[str], nsgs_by_subnet: Mapping[str, str]) -> Resource:
    """Pure: a VNet; flow logs are on when the VNet, or the NSG of every subnet, has an enabled flow log."""
    vnet_id = str(row.get("id") or "").lower()
    subnets = [s for s in props(row).get("subnets") or [] if isinstance(s, Mapping)]
    covered = vnet_id in logged or (
        bool(subnets) and all(nsgs_by_subnet.get(str(s.get("id") or "").lower(), "") in logged for s in subnets)
    )
    return resource(row, "network.vpc", {"flow_logs": covered, "is_default": False})


def subnet_nsgs(vnet: Mapping[str, Any]) -> dict[str, str]:
    """Map each subnet id of a VNet to the id of its NSG (lower case)."""
    out = {}
    for s in props(vnet).get("subnets") or []:
        nsg = (props(s).get("networkSecurityGroup") or {}).get("id")
        if nsg:
            out[str(s.get("id") or "").lower()] = str(nsg).lower()
    return out


def public_ip_nics(nics: Iterable[Mapping[str, Any]]) -> frozenset[str]:
    """Lower-cased ids of network interfaces with a public IP on any IP configuration."""
    return frozenset(
        str(n.get("id") or "").lower()
        for n in nics
        if any(props(c).get("publicIPAddress") for c in props(n).get("ipConfigurations") or [] if isinstance(c, Mapping))
    )

"""VPC networks, subnets and firewall rules -> network.vpc, network.subnet, network.firewall."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from providers.gcp.assets import data, resource
from scanner.kinds import FirewallRule
from scanner.model import Resource

NETWORK = "compute.googleapis.com/Network"
SUBNET = "compute.googleapis.com/Subnetwork"
FIREWALL = "compute.googleapis.com/Firewall"


def _ports(spec: Any) -> list[tuple[int | None, int | None]]:
    ports = spec or []
    if not ports:
        return [(None, None)]
    out = []
    for port in ports:
        low, _, high = str(port).partition("-")
        out.append((int(low), int(high or low)))
    return out


def firewall_rules(d: Mapping[str, Any]) -> list[FirewallRule]:
    """The ingress rules of a firewall as FirewallRule records (none for egress or disabled rules)."""
    if str(d.get("direction") or "INGRESS").upper() != "INGRESS" or d.get("disabled"):
        return []
    # Cloud Asset writes `ipProtocol`, the compute API `IPProtocol`; older exports `sourceRange`.
    sources = tuple(str(s) for s in (d.get("sourceRanges") or d.get("sourceRange") or []))
    name = str(d.get("name") or "")
    rules = []
    for allow, entries in ((True, d.get("allowed") or []), (False, d.get("denied") or [])):
        for entry in entries:
            protocol = str(entry.get("ipProtocol") or entry.get("IPProtocol") or "all").lower()
            for low, high in _ports(entry.get("ports")):
                rules.append(FirewallRule(protocol, low, high, sources, allow, name))
    return rules


def normalize_firewall(asset: Mapping[str, Any]) -> Resource:
    """A firewall rule; rules of the default network keep their `default-allow-*` names."""
    d = data(asset)
    attrs = {
        "ingress": firewall_rules(d),
        "is_default": str(d.get("name") or "").startswith("default-allow-"),
    }
    return resource(asset, "network.firewall", attrs)


def normalize_network(asset: Mapping[str, Any]) -> Resource:
    """A VPC network; `default` is the network every new project used to get."""
    return resource(asset, "network.vpc", {"is_default": str(data(asset).get("name") or "") == "default"})


def normalize_subnet(asset: Mapping[str, Any]) -> Resource:
    """A subnet: flow logs and Private Google Access."""
    d = data(asset)
    log = d.get("logConfig") or {}
    attrs = {
        "flow_logs": bool(log.get("enable")) if "enable" in log else bool(d.get("enableFlowLogs")),
        "private_access": bool(d.get("privateIpGoogleAccess")),
    }
    return resource(asset, "network.subnet", attrs)

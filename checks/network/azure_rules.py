"""Azure NSG checks (CIS Azure 7.3 and 7.4) that read firewall rule records."""

from __future__ import annotations

from scanner.catalog import CheckContext, Outcome, check
from scanner.kinds import FirewallRule
from scanner.model import Resource, Unknown


def _open_to_world(resource: Resource, wanted: object) -> tuple[list[FirewallRule] | Unknown, list[FirewallRule]]:
    rules = resource.fact("ingress")
    if isinstance(rules, Unknown):
        return rules, []
    hits = [r for r in rules if isinstance(r, FirewallRule) and r.admits_any_source() and wanted(r)]  # type: ignore[operator]
    return rules, hits


def _label(rules: list[FirewallRule]) -> str:
    return ", ".join(r.label or r.protocol for r in rules)


@check("GC-NET-301")
def no_udp_from_internet(resource: Resource, ctx: CheckContext) -> Outcome:
    """No inbound rule admits UDP (or every protocol) from any source."""
    rules, hits = _open_to_world(resource, lambda r: r.protocol in ("udp", "17", "all", "*", "-1"))
    evidence = {"ingress": rules}
    if isinstance(rules, Unknown):
        return Outcome.unknown(rules, evidence)
    return Outcome.failed("exposed", evidence, rules=_label(hits)) if hits else Outcome.passed(evidence=evidence)


@check("GC-NET-302")
def no_web_from_internet(resource: Resource, ctx: CheckContext) -> Outcome:
    """No inbound rule admits HTTP or HTTPS from any source."""
    ports = [int(p) for p in ctx.param("web_ports")]
    rules, hits = _open_to_world(resource, lambda r: r.covers_any(ports))
    evidence = {"ingress": rules}
    if isinstance(rules, Unknown):
        return Outcome.unknown(rules, evidence)
    return Outcome.failed("exposed", evidence, rules=_label(hits)) if hits else Outcome.passed(evidence=evidence)

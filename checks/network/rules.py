"""Network checks that read firewall rule records."""

from __future__ import annotations

from scanner.catalog import CheckContext, Outcome, check
from scanner.kinds import FirewallRule
from scanner.model import Resource, Unknown


def _rules(resource: Resource) -> list[FirewallRule] | Unknown:
    rules = resource.fact("ingress")
    if isinstance(rules, Unknown):
        return rules
    return [r for r in rules if isinstance(r, FirewallRule)]


def _describe(rules: list[FirewallRule]) -> str:
    return ", ".join(
        f"{r.label or r.protocol} {r.protocol}/{r.from_port if r.from_port is not None else '*'}"
        f"-{r.to_port if r.to_port is not None else '*'} from {' '.join(r.sources)}"
        for r in rules
    )


@check("GC-NET-001")
def admin_ports_closed_to_internet(resource: Resource, ctx: CheckContext) -> Outcome:
    """No ingress rule admits every source address to an administrative port."""
    rules = _rules(resource)
    evidence = {"ingress": rules}
    if isinstance(rules, Unknown):
        return Outcome.unknown(rules, evidence)
    ports = [int(p) for p in ctx.param("admin_ports")]
    exposed = [r for r in rules if r.admits_any_source() and r.covers_any(ports)]
    if exposed:
        return Outcome.failed("exposed", evidence, rules=_describe(exposed), ports=ports)
    return Outcome.passed(evidence=evidence)


@check("GC-NET-002")
def no_all_ports_to_internet(resource: Resource, ctx: CheckContext) -> Outcome:
    """No ingress rule admits every source address to every port."""
    rules = _rules(resource)
    evidence = {"ingress": rules}
    if isinstance(rules, Unknown):
        return Outcome.unknown(rules, evidence)
    exposed = [r for r in rules if r.admits_any_source() and r.all_ports()]
    if exposed:
        return Outcome.failed("exposed", evidence, rules=_describe(exposed))
    return Outcome.passed(evidence=evidence)


@check("GC-NET-003")
def no_permissive_defaults(resource: Resource, ctx: CheckContext) -> Outcome:
    """A default firewall has no ingress rules; a default network is not in use."""
    is_default = resource.fact("is_default")
    evidence: dict[str, object] = {"is_default": is_default}
    if isinstance(is_default, Unknown):
        return Outcome.unknown(is_default, evidence)
    if not is_default:
        return Outcome.passed(evidence=evidence)
    if resource.kind == "network.vpc":
        return Outcome.failed("default_network", evidence)
    rules = _rules(resource)
    evidence["ingress"] = rules
    if isinstance(rules, Unknown):
        return Outcome.unknown(rules, evidence)
    allowing = [r for r in rules if r.allow]
    if allowing:
        return Outcome.failed("default_rules", evidence, rules=_describe(allowing))
    return Outcome.passed(evidence=evidence)

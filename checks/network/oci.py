"""OCI-only network checks that need more than a YAML rule."""

from __future__ import annotations

from scanner.catalog import CheckContext, Outcome, check
from scanner.model import Resource, Unknown


@check("GC-NET-401")
def default_security_list_icmp_only(resource: Resource, ctx: CheckContext) -> Outcome:
    """A VCN's default security list admits only ICMP (CIS OCI 2.5); other lists are out of scope."""
    is_default = resource.fact("is_default")
    if isinstance(is_default, Unknown):
        return Outcome.unknown(is_default, {"is_default": str(is_default)})
    if not is_default:
        return Outcome.passed("not_default")
    ingress = resource.fact("ingress")
    if isinstance(ingress, Unknown):
        return Outcome.unknown(ingress, {"ingress": str(ingress)})
    offending = [r for r in ingress if r.allow and r.protocol != "icmp"]
    evidence = {"rules": [r.as_dict() for r in offending]}
    if offending:
        shown = ", ".join(f"{r.protocol} {r.from_port}-{r.to_port} from {'/'.join(r.sources)}" for r in offending)
        return Outcome.failed("fail", evidence, rules=shown)
    return Outcome.passed(evidence=evidence)

"""Residency checks that need more than a YAML rule."""

from __future__ import annotations

from scanner.catalog import CheckContext, Outcome, check
from scanner.conditions import location_allowed
from scanner.model import Resource, Unknown


@check("GC-RES-001")
def located_in_japan(resource: Resource, ctx: CheckContext) -> Outcome:
    """The resource's own location is allowed; global and anycast locations need a review."""
    location = resource.location
    evidence = {"location": location}
    if isinstance(location, Unknown):
        return Outcome.unknown(location, evidence, key="unknown_location")
    allowed = ctx.policy.get("allowed_locations")
    if allowed is None:
        return Outcome.unknown("the policy lists no allowed locations for this provider", evidence)
    if location_allowed(location, allowed):
        return Outcome.passed(evidence=evidence, location=location)
    if location.lower() in {r.lower() for r in ctx.policy.get("review_locations") or ()}:
        return Outcome.unknown("global service", evidence, key="review", location=location)
    return Outcome.failed("outside", evidence, location=location, allowed=allowed)

"""Governance checks that read the policy."""

from __future__ import annotations

from collections.abc import Mapping

from scanner.catalog import CheckContext, Outcome, check
from scanner.model import Resource, Unknown


@check("GC-GOV-001")
def required_tags_present(resource: Resource, ctx: CheckContext) -> Outcome:
    """Every tag the policy requires is present with a non-empty value."""
    required = list(ctx.policy.get("required_tags") or ())
    tags = resource.tags
    evidence = {"tags": tags}
    if not required:
        return Outcome.passed("none_required", evidence)
    if isinstance(tags, Unknown):
        return Outcome.unknown(tags, evidence)
    present = {str(k).lower(): v for k, v in tags.items()} if isinstance(tags, Mapping) else {}
    missing = [t for t in required if not str(present.get(t.lower(), "")).strip()]
    if missing:
        return Outcome.failed("missing", evidence, missing=missing)
    return Outcome.passed(evidence=evidence)

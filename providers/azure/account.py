"""Subscriptions as `account`: Defender plans, the Allowed-locations guardrail, the Activity Log
export and management-group membership; plus `policy.guardrail` and `log.sink` resources."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from providers.azure.common import PROVIDER, props, resource
from providers.azure.locations import normalize
from scanner.model import Origin, Resource, Unknown

ALLOWED_LOCATIONS = "e56962a6-4747-49cd-b67b-bf8b01975c4c"
MCSB_INITIATIVE = "1f3afdf9-d0c9-4c3d-847f-89da613e70a8"  # Microsoft cloud security benchmark (ASC Default)
# Defender plans the CIS benchmark requires on (3.1.3.1, 3.1.5.1, 3.1.7.3, 3.1.8.1, 3.1.9.1).
REQUIRED_PLANS = ("VirtualMachines", "StorageAccounts", "SqlServers", "KeyVaults", "Arm")
PRICINGS = ("microsoft.security/pricings",)
ASSIGNMENTS = ("microsoft.authorization/policyassignments",)
CONTAINERS = ("microsoft.resources/subscriptions",)
DIAGNOSTICS = ("/providers/Microsoft.Insights/diagnosticSettings", "2021-05-01-preview")
AUDIT_CATEGORIES = {"administrative"}
CONTACTS = ("/providers/Microsoft.Security/securityContacts", "2023-12-01-preview")


def threat_detection(pricings: Iterable[Mapping[str, Any]]) -> tuple[bool, list[str]]:
    """Whether every required Defender plan is on (Standard tier), and the plans that are not."""
    tiers = {str(r.get("name") or "").lower(): str(props(r).get("pricingTier") or "").lower() for r in pricings}
    missing = [plan for plan in REQUIRED_PLANS if tiers.get(plan.lower()) != "standard"]
    return not missing, missing


def applies_to(assignment: Mapping[str, Any], subscription: str, chain: Iterable[str]) -> bool:
    """True when an assignment's scope is the subscription or one of its management groups."""
    scope = str(props(assignment).get("scope") or "").lower().rstrip("/")
    if scope == f"/subscriptions/{subscription}".lower():
        return True
    groups = {f"/providers/microsoft.management/managementgroups/{g}".lower() for g in chain}
    return scope in groups


def is_allowed_locations(assignment: Mapping[str, Any]) -> bool:
    """True for an assignment of the built-in "Allowed locations" policy."""
    return str(props(assignment).get("policyDefinitionId") or "").lower().endswith(ALLOWED_LOCATIONS)


def allowed_locations(assignment: Mapping[str, Any]) -> list[str] | Unknown:
    """The `listOfAllowedLocations` parameter, normalized."""
    parameter = (props(assignment).get("parameters") or {}).get("listOfAllowedLocations") or {}
    values = parameter.get("value") if isinstance(parameter, Mapping) else None
    if not isinstance(values, list):
        return Unknown("listOfAllowedLocations not set on the assignment (the definition's default applies)")
    return sorted({x for x in (normalize(v) for v in values) if isinstance(x, str)})


def enforced(assignment: Mapping[str, Any]) -> bool:
    """`enforcementMode` Default denies; DoNotEnforce only audits."""
    return str(props(assignment).get("enforcementMode") or "Default").lower() == "default"


def normalize_guardrail(assignment: Mapping[str, Any]) -> Resource:
    """Pure: an Allowed-locations assignment as `policy.guardrail`."""
    # A management-group assignment has no subscription: its scope is the management group.
    scope = str(assignment.get("subscriptionId") or props(assignment).get("scope") or "")
    row = {**assignment, "location": "global", "subscriptionId": scope}
    return resource(row, "policy.guardrail", {"allowed_locations": allowed_locations(assignment),
                                              "enforced": enforced(assignment)})


def audit_sinks(settings: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Diagnostic settings that export the Administrative (audit) category somewhere."""
    out = []
    for s in settings:
        p = props(s)
        logs = p.get("logs") or []
        on = any(bool(e.get("enabled")) and (str(e.get("category") or "").lower() in AUDIT_CATEGORIES
                                             or str(e.get("categoryGroup") or "").lower() in ("alllogs", "audit"))
                 for e in logs if isinstance(e, Mapping))
        if on and any(p.get(k) for k in ("storageAccountId", "workspaceId", "eventHubAuthorizationRuleId")):
            out.append(s)
    return out


def destinations(setting: Mapping[str, Any]) -> list[str]:
    """Resource ids a diagnostic setting delivers to (lower case)."""
    p = props(setting)
    ids = [p.get("storageAccountId"), p.get("workspaceId")]
    hub = p.get("eventHubAuthorizationRuleId")
    if hub:
        ids.append(str(hub).lower().split("/authorizationrules/")[0])
    return [str(i).lower() for i in ids if i]


def normalize_sink(setting: Mapping[str, Any], subscription: str, where: Mapping[str, str]) -> Resource:
    """Pure: an Activity Log diagnostic setting as `log.sink`; `where` maps destination ids to locations."""
    targets = destinations(setting)
    located = [where.get(t) for t in targets]
    dest: list[str] | Unknown = (sorted({x for x in located if x}) if all(located)
                                 else Unknown("a destination is outside the scanned subscriptions"))
    # A diagnostic setting has no region of its own: it sits where its logs land.
    where_it_lands = dest[0] if isinstance(dest, list) and len(dest) == 1 else None
    row = {**setting, "subscriptionId": subscription, "location": where_it_lands,
           "type": str(setting.get("type") or "Microsoft.Insights/diagnosticSettings")}
    return resource(row, "log.sink", {"enabled": setting in audit_sinks([setting]), "destination.locations": dest})


def normalize_account(
    subscription: Mapping[str, Any],
    chain: list[str] | Unknown,
    pricings: list[Mapping[str, Any]] | Unknown,
    assignments: list[Mapping[str, Any]] | Unknown,
    diagnostics: list[Mapping[str, Any]] | Unknown,
    contacts: list[Mapping[str, Any]] | Unknown | None = None,
) -> Resource:
    """Pure: one subscription and what was read about it (each part may be Unknown)."""
    sub = str(subscription.get("subscriptionId") or "")
    attrs: dict[str, Any] = {}
    if isinstance(pricings, Unknown):
        attrs["threat_detection.enabled"] = pricings
    else:
        attrs["threat_detection.enabled"] = threat_detection(pricings)[0]
    if isinstance(chain, Unknown):
        attrs["organization.member"] = chain
    else:
        tenant = str(subscription.get("tenantId") or "").lower()
        attrs["organization.member"] = any(g.lower() != tenant for g in chain)
    if isinstance(assignments, Unknown) or isinstance(chain, Unknown):
        gap = assignments if isinstance(assignments, Unknown) else chain
        attrs["guardrail.region_restriction"] = gap
        attrs["guardrail.allowed_locations"] = gap
        attrs["findings_aggregation.enabled"] = gap
    else:
        mine = [a for a in assignments if applies_to(a, sub, chain)]
        guards = [a for a in mine if is_allowed_locations(a) and enforced(a)]
        attrs["guardrail.region_restriction"] = bool(guards)
        lists = [allowed_locations(a) for a in guards]
        known = [set(x) for x in lists if not isinstance(x, Unknown)]
        if guards and len(known) == len(lists):
            attrs["guardrail.allowed_locations"] = sorted(set.intersection(*known))
        elif guards:
            attrs["guardrail.allowed_locations"] = Unknown("an assignment uses the definition's default list")
        else:
            attrs["guardrail.allowed_locations"] = []
        attrs["findings_aggregation.enabled"] = any(
            str(props(a).get("policyDefinitionId") or "").lower().endswith(MCSB_INITIATIVE) and enforced(a)
            for a in mine)
    if contacts is not None:
        attrs["security_contact.present"] = contacts if isinstance(contacts, Unknown) else any(
            str(props(c).get("emails") or props(c).get("email") or "").strip() for c in contacts)
    attrs["audit.enabled"] = diagnostics if isinstance(diagnostics, Unknown) else bool(audit_sinks(diagnostics))
    return Resource(PROVIDER, "account", "Microsoft.Resources/subscriptions", f"/subscriptions/{sub}",
                    str(subscription.get("displayName") or sub), sub, "global", attrs, Origin.live(), {},
                    dict(subscription))


def management_chain(container: Mapping[str, Any]) -> list[str]:
    """Management group names from a subscription's resourcecontainers row, nearest first."""
    chain = props(container).get("managementGroupAncestorsChain") or []
    return [str(g.get("name") or "") for g in chain if isinstance(g, Mapping)]

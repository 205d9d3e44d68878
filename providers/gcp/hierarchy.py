"""The resource hierarchy (organization > folders > projects): inherited org policies and audit configs.

A policy set above the scanned scope is not visible to Cloud Asset Inventory at that scope, so a
fact that depends on it is Unknown unless the answer is found at or below the scope.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scanner.model import Unknown

LOCATIONS = "constraints/gcp.resourceLocations"
_DATA_LOGS = {"DATA_READ", "DATA_WRITE"}
_ABOVE = "set above the scanned scope and not visible there; scan the organization to resolve it"


def expand_value(value: str) -> str:
    """A resourceLocations value as a location: `in:asia-northeast1-locations` -> `asia-northeast1`."""
    text = value.strip().lower()
    if text.startswith("in:"):
        text = text[3:]
    return text.removesuffix("-locations")


@dataclass(frozen=True)
class LocationPolicy:
    """The `constraints/gcp.resourceLocations` list policy on one node."""

    allowed: tuple[str, ...] = ()
    denied: tuple[str, ...] = ()
    all_values: str = ""
    inherit: bool = False
    restore_default: bool = False


def location_policy(org_policies: Sequence[Mapping[str, Any]]) -> LocationPolicy | None:
    """The resourceLocations policy among an ORG_POLICY asset's policies, or None."""
    for policy in org_policies:
        if policy.get("constraint") != LOCATIONS:
            continue
        lp = policy.get("listPolicy") or {}
        return LocationPolicy(
            allowed=tuple(expand_value(v) for v in lp.get("allowedValues") or []),
            denied=tuple(expand_value(v) for v in lp.get("deniedValues") or []),
            all_values=str(lp.get("allValues") or "").upper(),
            inherit=bool(lp.get("inheritFromParent")),
            restore_default=bool(policy.get("restoreDefault")),
        )
    return None


def data_access_on(iam_policy: Mapping[str, Any]) -> bool:
    """True when an IAM policy's audit configs turn on DATA_READ and DATA_WRITE for all services or Storage."""
    for config in iam_policy.get("auditConfigs") or []:
        if config.get("service") not in ("allServices", "storage.googleapis.com"):
            continue
        types = {str(c.get("logType")) for c in config.get("auditLogConfigs") or []}
        if types >= _DATA_LOGS:
            return True
    return False


def visible_depth(scope: str, ancestors: Sequence[str]) -> int:
    """How many of `ancestors` (nearest first) lie at or below the scanned scope."""
    return ancestors.index(scope) + 1 if scope in ancestors else 1


@dataclass
class Hierarchy:
    """What the org-policy and IAM-policy streams found, per node (only nodes that set something)."""

    scope: str
    locations: dict[str, LocationPolicy] = field(default_factory=dict)
    data_access: set[str] = field(default_factory=set)
    locations_error: str | None = None
    audit_error: str | None = None

    def guardrail(self, ancestors: Sequence[str]) -> tuple[bool | Unknown, list[str] | Unknown]:
        """The effective location guardrail of a node: (restricted?, allowed locations)."""
        if self.locations_error:
            why = Unknown(f"org policies could not be read: {self.locations_error}", "cloudasset")
            return why, why
        depth = visible_depth(self.scope, ancestors)
        merged: list[str] = []
        for i, node in enumerate(ancestors):
            if i >= depth:
                why = Unknown(f"{LOCATIONS}: {_ABOVE}", "cloudasset")
                return why, why
            policy = self.locations.get(node)
            if policy is None:
                continue
            if policy.restore_default or policy.all_values == "ALLOW":
                # Merging with "allow all" (or the default) allows every location.
                return False, Unknown("the location guardrail allows every location", "cloudasset")
            if policy.all_values == "DENY":
                return True, merged
            if policy.allowed:
                merged += [v for v in policy.allowed if v not in merged]
                if not policy.inherit:
                    return True, merged
                continue
            if policy.denied:
                why = Unknown(f"{LOCATIONS} lists denied locations only ({', '.join(policy.denied)})", "cloudasset")
                return why, why
        if merged:
            return True, merged
        return False, Unknown("no location guardrail applies", "cloudasset")

    def data_events(self, ancestors: Sequence[str]) -> bool | Unknown:
        """Data Access audit logs are on for the node (audit configs add up down the hierarchy)."""
        if self.audit_error:
            return Unknown(f"IAM policies could not be read: {self.audit_error}", "cloudasset")
        depth = visible_depth(self.scope, ancestors)
        if any(node in self.data_access for node in ancestors[:depth]):
            return True
        if depth < len(ancestors):
            return Unknown(f"Data Access audit config: {_ABOVE}", "cloudasset")
        return False

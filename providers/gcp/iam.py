"""Projects, org policies and service accounts -> account, policy.guardrail, identity.service_account."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from providers.gcp.assets import PROVIDER, data, labels, leaf
from providers.gcp.hierarchy import LOCATIONS, Hierarchy, LocationPolicy
from scanner.model import Resource, Unknown

PROJECT = "cloudresourcemanager.googleapis.com/Project"
FOLDER = "cloudresourcemanager.googleapis.com/Folder"
ORGANIZATION = "cloudresourcemanager.googleapis.com/Organization"
NODES = (ORGANIZATION, FOLDER, PROJECT)
SERVICE_ACCOUNT = "iam.googleapis.com/ServiceAccount"
SA_KEY = "iam.googleapis.com/ServiceAccountKey"
_ADMIN_ROLES = {"roles/owner", "roles/editor"}


def node_of(asset: Mapping[str, Any]) -> str:
    """`organizations/N`, `folders/N` or `projects/N` for a resource-manager asset."""
    ancestors = asset.get("ancestors") or []
    if ancestors:
        return str(ancestors[0])
    name = str(asset.get("name") or "")
    return name.split("cloudresourcemanager.googleapis.com/", 1)[-1]


def normalize_project(asset: Mapping[str, Any], tree: Hierarchy) -> Resource:
    """A project as an `account`: Admin Activity audit logs are always on; the rest comes from the hierarchy."""
    d = data(asset)
    ancestors = [str(a) for a in asset.get("ancestors") or [node_of(asset)]]
    restricted, allowed = tree.guardrail(ancestors)
    attrs: dict[str, Any] = {
        # Admin Activity audit logs cannot be turned off in Google Cloud.
        "audit.enabled": True,
        "audit.data_events": tree.data_events(ancestors),
        "guardrail.region_restriction": restricted,
        "organization.member": any(a.startswith("organizations/") for a in ancestors),
    }
    if not (isinstance(allowed, Unknown) and restricted is False):
        attrs["guardrail.allowed_locations"] = allowed
    return Resource(
        provider=PROVIDER, kind="account", native_type=str(asset.get("assetType") or PROJECT),
        id=str(asset.get("name") or ""), name=str(d.get("projectId") or leaf(str(asset.get("name") or ""))),
        scope=ancestors[0], location="global", attrs=attrs, tags=labels(asset),
    )


def normalize_guardrail(asset: Mapping[str, Any], policy: LocationPolicy) -> Resource:
    """The resourceLocations org policy set on one node, as a `policy.guardrail`."""
    node = node_of(asset)
    attrs: dict[str, Any] = {"enforced": True}
    if policy.allowed and not policy.denied:
        attrs["allowed_locations"] = list(policy.allowed)
    elif policy.all_values == "DENY":
        attrs["allowed_locations"] = []
    elif policy.all_values == "ALLOW" or policy.restore_default:
        attrs["enforced"] = False
    return Resource(
        provider=PROVIDER, kind="policy.guardrail", native_type="orgpolicy/" + LOCATIONS,
        id=f"{asset.get('name')}#{LOCATIONS}", name=f"{LOCATIONS} on {node}", scope=node,
        location="global", attrs=attrs,
    )


def admin_members(iam_policy: Mapping[str, Any]) -> set[str]:
    """Service-account emails bound to an owner, editor or *Admin role."""
    out = set()
    for binding in iam_policy.get("bindings") or []:
        role = str(binding.get("role") or "")
        if role in _ADMIN_ROLES or role.lower().endswith("admin"):
            out |= {m.split(":", 1)[1] for m in binding.get("members") or [] if m.startswith("serviceAccount:")}
    return out


def key_record(asset: Mapping[str, Any], today: dt.date) -> tuple[str, int] | None:
    """(service account email, age in days) of a user-managed key; None for Google-managed keys."""
    d = data(asset)
    if str(d.get("keyType") or "") != "USER_MANAGED" or d.get("disabled"):
        return None
    name = str(d.get("name") or asset.get("name") or "")
    email = name.split("/serviceAccounts/", 1)[-1].split("/", 1)[0]
    since = str(d.get("validAfterTime") or "")[:10]
    try:
        age = (today - dt.date.fromisoformat(since)).days
    except ValueError:
        age = 0
    return email, max(age, 0)


def normalize_service_account(asset: Mapping[str, Any], keys: tuple[int, int] | Unknown, admin: bool | Unknown) -> Resource:
    """A service account; `keys` is (user-managed key count, oldest key age in days) or Unknown."""
    d = data(asset)
    email = str(d.get("email") or leaf(str(asset.get("name") or "")))
    count, age = (keys, keys) if isinstance(keys, Unknown) else keys
    attrs: dict[str, Any] = {"user_managed_keys": count, "keys.max_age_days": age, "admin": admin}
    ancestors = asset.get("ancestors") or []
    return Resource(
        provider=PROVIDER, kind="identity.service_account", native_type=SERVICE_ACCOUNT,
        id=str(asset.get("name") or ""), name=email, scope=str(ancestors[0]) if ancestors else "unknown",
        location="global", attrs=attrs,
    )

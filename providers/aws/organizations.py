"""AWS Organizations: member accounts for an organization scan, and SCPs that restrict regions."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from providers.aws.calls import Failed, Reply, call, pages
from providers.aws.normalize import as_list, policy_document, resource, statements
from providers.aws.session import GLOBAL, Scope
from scanner.model import Resource, Unknown

SCP = "SERVICE_CONTROL_POLICY"
_REGION_KEY = "aws:requestedregion"
_NOT_EQUALS = ("StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "StringNotEqualsIfExists",
               "StringNotLikeIfExists")


def member_accounts(org_client: Any) -> list[Mapping[str, Any]]:
    """Active member accounts of the organization (ListAccounts, paged)."""
    return [a for a in pages(org_client, "list_accounts", "Accounts") if a.get("Status", "ACTIVE") == "ACTIVE"]


def region_allowlist(document: Mapping[str, Any]) -> list[str] | None:
    """Pure: the regions a policy leaves allowed when it denies every other `aws:RequestedRegion`, else None."""
    for stmt in statements(document):
        if stmt.get("Effect") != "Deny":
            continue
        for operator, block in (stmt.get("Condition") or {}).items():
            if operator not in _NOT_EQUALS or not isinstance(block, Mapping):
                continue
            for key, value in block.items():
                if key.lower() == _REGION_KEY:
                    return sorted(str(v).lower() for v in as_list(value))
    return None


def guardrails(scope: Scope) -> tuple[list[Resource], dict[str, Any], list[Failed]]:
    """SCPs attached to the account and its ancestors: guardrail resources, account facts, failures."""
    org = (scope.management or scope).client("organizations", GLOBAL)
    failures: list[Failed] = []
    described = call(org, "describe_organization")
    if isinstance(described, Failed):
        if described.code == "AWSOrganizationsNotInUseException":
            return [], {"organization.member": False, "guardrail.region_restriction": False,
                        "guardrail.allowed_locations": []}, []
        why = described.unknown()
        return [], {"organization.member": why, "guardrail.region_restriction": why,
                    "guardrail.allowed_locations": why}, [described]
    facts: dict[str, Any] = {"organization.member": True}
    targets = [scope.account]
    child = scope.account
    for _ in range(10):  # account -> OUs -> root; organizations nest at most five OUs deep
        parents = call(org, "list_parents", ChildId=child)
        if isinstance(parents, Failed) or not parents.get("Parents"):
            if isinstance(parents, Failed):
                failures.append(parents)
            break
        child = parents["Parents"][0]["Id"]
        targets.append(child)
        if parents["Parents"][0].get("Type") == "ROOT":
            break
    found: list[Resource] = []
    allowlists: list[list[str]] = []
    for target in targets:
        attached = call(org, "list_policies_for_target", TargetId=target, Filter=SCP)
        if isinstance(attached, Failed):
            failures.append(attached)
            continue
        for summary in attached.get("Policies", []):
            policy = call(org, "describe_policy", PolicyId=summary["Id"])
            if isinstance(policy, Failed):
                failures.append(policy)
                continue
            guardrail = normalize_scp(policy, scope.account)
            if guardrail is not None:
                found.append(guardrail)
                allowlists.append(list(guardrail.attrs["allowed_locations"]))
    if failures and not found:
        why = failures[0].unknown()
        facts.update({"guardrail.region_restriction": why, "guardrail.allowed_locations": why})
    else:
        facts["guardrail.region_restriction"] = bool(found)
        allowed = set(allowlists[0]) if allowlists else set()
        for other in allowlists[1:]:
            allowed &= set(other)  # several restricting SCPs: only regions all of them allow
        facts["guardrail.allowed_locations"] = sorted(allowed)
    return found, facts, failures


def normalize_scp(reply: Reply, account: str) -> Resource | None:
    """Pure: a DescribePolicy reply as `policy.guardrail` when it restricts regions, else None."""
    policy = reply.get("Policy", {})
    doc = policy_document(policy.get("Content"))
    if isinstance(doc, Unknown):
        return None
    allowed = region_allowlist(doc)
    if allowed is None:
        return None
    summary = policy.get("PolicySummary", {})
    return resource("policy.guardrail", "AWS::Organizations::Policy", summary.get("Arn", summary.get("Id", "")),
                    summary.get("Name", ""), account, GLOBAL, {"allowed_locations": allowed, "enforced": True})


def iter_guardrails(found: list[Resource]) -> Iterator[Resource]:
    """Each guardrail once (an SCP attached at several levels is one resource)."""
    seen: set[str] = set()
    for guardrail in found:
        if guardrail.id not in seen:
            seen.add(guardrail.id)
            yield guardrail

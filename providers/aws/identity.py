"""IAM users from the credential report, plus the root user's row for the account."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from providers.aws.calls import Failed, Reply, call, pages
from providers.aws.normalize import as_list, policy_document, resource, statements
from providers.aws.session import GLOBAL, Scope
from scanner.model import CollectionError, Resource, Unknown

ROOT = "<root_account>"
ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"


def credential_report(scope: Scope, attempts: int = 10) -> list[dict[str, str]] | Failed:
    """Rows of the IAM credential report (generated on demand, bounded wait)."""
    iam = scope.client("iam", GLOBAL)
    for _ in range(attempts):
        state = call(iam, "generate_credential_report")
        if isinstance(state, Failed):
            return state
        if state.get("State") == "COMPLETE":
            break
        time.sleep(0.5)
    report = call(iam, "get_credential_report")
    if isinstance(report, Failed):
        return report
    return parse_credential_report(report)


def parse_credential_report(reply: Reply) -> list[dict[str, str]]:
    """Pure: the CSV content of GetCredentialReport as rows."""
    content = reply.get("Content", b"")
    text = content.decode("utf-8") if isinstance(content, bytes) else str(content)
    return list(csv.DictReader(io.StringIO(text)))


def collect_users(scope: Scope, region: str) -> Iterator[Resource | CollectionError]:
    """IAM users as `identity.user`."""
    iam = scope.client("iam", GLOBAL)
    users = list(pages(iam, "list_users", "Users"))
    report = credential_report(scope)
    if isinstance(report, Failed):
        yield scope.error("iam", GLOBAL, report, ("identity.user",))
    admins = _admins(scope)
    if isinstance(admins, Failed):
        yield scope.error("iam", GLOBAL, admins, ("identity.user",))
    rows = {} if isinstance(report, Failed) else {r["user"]: r for r in report}
    now = datetime.now(UTC)
    for user in users:
        row: Mapping[str, str] | Failed = report if isinstance(report, Failed) else rows.get(user["UserName"], {})
        admin: bool | Unknown = admins.unknown() if isinstance(admins, Failed) else user["UserName"] in admins
        yield normalize_user(user, row, admin, scope.account, now)


def _admins(scope: Scope) -> set[str] | Failed:
    """Users holding full administrative rights (one paged GetAccountAuthorizationDetails)."""
    iam = scope.client("iam", GLOBAL)
    details: dict[str, list[Any]] = {"UserDetailList": [], "GroupDetailList": [], "Policies": []}
    try:
        for page in iam.get_paginator("get_account_authorization_details").paginate(
                Filter=["User", "Group", "LocalManagedPolicy"]):
            for key, items in details.items():
                items += page.get(key, [])
    except Exception as exc:  # a denied or failed read blurs the admin fact only
        from providers.aws.calls import error_code

        code, message = error_code(exc)
        return Failed("iam:GetAccountAuthorizationDetails", code, message)
    return admin_users(details)


def admin_users(details: Mapping[str, list[Any]]) -> set[str]:
    """Pure: users with AdministratorAccess or an `Allow * on *` policy, directly, inline or through a group."""
    admin_arns = {ADMIN_POLICY} | {p["Arn"] for p in details.get("Policies", []) if any(
        v.get("IsDefaultVersion") and _full_admin(v.get("Document")) for v in p.get("PolicyVersionList", []))}

    def holds(entity: Mapping[str, Any], inline_key: str) -> bool:
        return (any(p.get("PolicyArn") in admin_arns for p in entity.get("AttachedManagedPolicies", []))
                or any(_full_admin(p.get("PolicyDocument")) for p in entity.get(inline_key, [])))

    admin_groups = {g["GroupName"] for g in details.get("GroupDetailList", []) if holds(g, "GroupPolicyList")}
    return {u["UserName"] for u in details.get("UserDetailList", [])
            if holds(u, "UserPolicyList") or admin_groups & set(u.get("GroupList", []))}


def _full_admin(document: Any) -> bool:
    doc = document
    if isinstance(doc, str):
        doc = policy_document(unquote(doc))
    if not isinstance(doc, Mapping):
        return False
    return any(s.get("Effect") == "Allow" and "*" in as_list(s.get("Action")) and "*" in as_list(s.get("Resource"))
               for s in statements(doc))


def _date(text: str | None) -> datetime | None:
    if not text or text in ("N/A", "not_supported", "no_information"):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def normalize_user(user: Mapping[str, Any], row: Mapping[str, str] | Failed, admin: bool | Unknown, account: str,
                   now: datetime) -> Resource:
    """Pure: a ListUsers item and its credential report row."""
    attrs: dict[str, Any] = {"admin": admin}
    if isinstance(row, Failed):
        why = row.unknown()
        attrs.update({"mfa": why, "console_access": why, "access_keys.active": why, "access_keys.max_age_days": why,
                      "credentials.unused_days": why})
    elif not row:
        why = Unknown("user missing from the credential report (created after it was generated)")
        attrs.update({"mfa": why, "console_access": why, "access_keys.active": why})
    else:
        attrs.update(user_facts(row, now))
    return resource("identity.user", "AWS::IAM::User", user["Arn"], user["UserName"], account, GLOBAL, attrs)


def user_facts(row: Mapping[str, str], now: datetime) -> dict[str, Any]:
    """Pure: MFA, console access, key counts and ages, unused days from one credential report row."""
    active = [i for i in (1, 2) if row.get(f"access_key_{i}_active") == "true"]
    ages = [(now - d).days for i in active if (d := _date(row.get(f"access_key_{i}_last_rotated")))]
    console = row.get("password_enabled") == "true"
    used = [d for d in (_date(row.get("password_last_used")) if console else None,
                        *(_date(row.get(f"access_key_{i}_last_used_date")) for i in active)) if d]
    created = _date(row.get("user_creation_time"))
    last = max(used) if used else created
    facts: dict[str, Any] = {
        "mfa": row.get("mfa_active") == "true",
        "console_access": console,
        "access_keys.active": len(active),
        "access_keys.max_age_days": max(ages) if ages else 0,
    }
    if last is not None and (console or active):
        facts["credentials.unused_days"] = max(0, (now - last).days)
    elif not console and not active:
        facts["credentials.unused_days"] = 0  # no credentials at all: nothing can sit unused
    return facts


def root_facts(report: list[dict[str, str]] | Failed, summary: Reply | Failed) -> dict[str, Any]:
    """Pure: root MFA and root access keys, from the credential report or else the account summary."""
    if not isinstance(report, Failed):
        for row in report:
            if row.get("user") == ROOT:
                return {"root.mfa": row.get("mfa_active") == "true",
                        "root.access_keys": any(row.get(f"access_key_{i}_active") == "true" for i in (1, 2))}
    if isinstance(summary, Failed):
        return {"root.mfa": summary.unknown(), "root.access_keys": summary.unknown()}
    values = summary.get("SummaryMap", {})
    return {"root.mfa": values.get("AccountMFAEnabled") == 1, "root.access_keys": values.get("AccountAccessKeysPresent") == 1}


def password_policy_facts(reply: Reply | Failed) -> dict[str, Any]:
    """Pure: GetAccountPasswordPolicy as account facts (NoSuchEntity: no policy)."""
    if isinstance(reply, Failed):
        if reply.code == "NoSuchEntity":
            return {"password_policy.present": False, "password_policy.min_length": 0,
                    "password_policy.reuse_prevention": 0, "password_policy.max_age_days": 0}
        why = reply.unknown()
        return {k: why for k in ("password_policy.present", "password_policy.min_length",
                                 "password_policy.reuse_prevention", "password_policy.max_age_days")}
    policy = reply.get("PasswordPolicy", {})
    return {
        "password_policy.present": True,
        "password_policy.min_length": int(policy.get("MinimumPasswordLength", 0)),
        "password_policy.reuse_prevention": int(policy.get("PasswordReusePrevention", 0)),
        "password_policy.max_age_days": int(policy.get("MaxPasswordAge", 0)),
    }

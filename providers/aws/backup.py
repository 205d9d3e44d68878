"""AWS Backup plans as `backup.plan`: where copy actions send backups."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from providers.aws.calls import Failed, Reply, arn_region, call, pages
from providers.aws.normalize import fact, resource, sorted_unique
from providers.aws.session import Scope
from scanner.model import CollectionError, Resource, Unknown


def collect_plans(scope: Scope, region: str) -> Iterator[Resource | CollectionError]:
    """Backup plans with their copy destinations."""
    backup = scope.client("backup", region)
    for summary in pages(backup, "list_backup_plans", "BackupPlansList"):
        plan = call(backup, "get_backup_plan", BackupPlanId=summary["BackupPlanId"])
        if isinstance(plan, Failed):
            yield scope.error("backup", region, plan, ("backup.plan",))
        yield normalize_plan(summary, plan, scope.account, region)


def normalize_plan(summary: Mapping[str, Any], plan: Reply | Failed, account: str, region: str) -> Resource:
    """Pure: a ListBackupPlans item and its GetBackupPlan reply."""
    attrs: dict[str, Any] = {"copy.locations": fact(plan, copy_regions)}
    retention = fact(plan, _min_retention)
    attrs["retention_days"] = retention if retention is not None else Unknown("no rule expires its backups")
    return resource("backup.plan", "AWS::Backup::BackupPlan", summary["BackupPlanArn"],
                    summary.get("BackupPlanName", summary["BackupPlanId"]), account, region, attrs)


def copy_regions(plan: Reply) -> list[Any]:
    """Pure: regions of every copy action's destination vault (the region is in the vault ARN)."""
    rules = plan.get("BackupPlan", {}).get("Rules", [])
    return sorted_unique([arn_region(a["DestinationBackupVaultArn"]) for r in rules for a in r.get("CopyActions", [])
                          if a.get("DestinationBackupVaultArn")])


def _min_retention(plan: Reply) -> int | None:
    days = [r["Lifecycle"]["DeleteAfterDays"] for r in plan.get("BackupPlan", {}).get("Rules", [])
            if (r.get("Lifecycle") or {}).get("DeleteAfterDays")]
    return int(min(days)) if days else None

"""The AWS live provider: every enabled region of one account or of a whole organization.

Work units are account x service x region; S3, IAM, CloudFront and the account facts are global units.
boto3 is imported only when a scan plans or collects, so `govscan checks list` stays fast.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import click

from providers.aws.session import GLOBAL, HOME_REGION, Meter, Scope, Settings, new_session
from scanner.errors import UsageError
from scanner.model import CollectionError, Resource
from scanner.plugins import CollectionFailure, WorkUnit

Collector = Callable[[Scope, str], Iterator[Resource | CollectionError]]

# service -> (kinds, where it runs: "global" or "regional")
SERVICES: dict[str, tuple[tuple[str, ...], str]] = {
    "account": (("account", "policy.guardrail"), "global"),
    "s3": (("storage.bucket",), "global"),
    "iam": (("identity.user",), "global"),
    "cloudfront": (("cdn.distribution",), "global"),
    "ec2": (("compute.instance",), "regional"),
    "ebs": (("compute.disk", "compute.snapshot"), "regional"),
    "vpc": (("network.firewall", "network.vpc"), "regional"),
    "elbv2": (("network.loadbalancer",), "regional"),
    "cloudtrail": (("audit.trail",), "regional"),
    "logs": (("log.store",), "regional"),
    "kms": (("kms.key",), "regional"),
    "rds": (("database.instance",), "regional"),
    "dynamodb": (("nosql.table",), "regional"),
    "backup": (("backup.plan",), "regional"),
    "lambda": (("compute.function",), "regional"),
    "ecr": (("container.registry",), "regional"),
}


def _collectors(service: str) -> list[Collector]:
    from providers.aws import account, backup, compute, database, edge, identity, kms, logs, network, registry, storage

    table: dict[str, list[Collector]] = {
        "account": [account.collect_account],
        "s3": [storage.collect_buckets],
        "iam": [identity.collect_users],
        "cloudfront": [edge.collect_distributions],
        "ec2": [compute.collect_instances],
        "ebs": [compute.collect_volumes, compute.collect_snapshots],
        "vpc": [network.collect_security_groups, network.collect_vpcs],
        "elbv2": [network.collect_load_balancers],
        "cloudtrail": [logs.collect_trails],
        "logs": [logs.collect_log_groups],
        "kms": [kms.collect_keys],
        "rds": [database.collect_databases],
        "dynamodb": [database.collect_tables],
        "backup": [backup.collect_plans],
        "lambda": [compute.collect_functions],
        "ecr": [registry.collect_repositories],
    }
    return table[service]


def _csv(value: Any) -> list[str]:
    if not value:
        return []
    items = value if isinstance(value, list | tuple) else str(value).split(",")
    return [i.strip() for i in items if str(i).strip()]


class AwsProvider:
    """AWS accounts through boto3: standard credential chain, every enabled region, optional Organizations."""

    name = "aws"
    kinds = frozenset(k for kinds, _ in SERVICES.values() for k in kinds)
    help = ("Scan an AWS account (or every account of an organization with --org-role) in every enabled region. "
            "Credentials come from the standard AWS chain (environment, profile, SSO, instance role); "
            "AWS_ENDPOINT_URL points it at an emulator. Read-only: see docs/providers/aws.md for the IAM policy.")
    short_help = "Scan AWS accounts (all enabled regions)."
    options: list[click.Parameter] = [
        click.Option(["--profile"], default=None, help="Named profile from the AWS config files."),
        click.Option(["--regions"], default=None,
                     help="Comma-separated regions (default: every region enabled for the account)."),
        click.Option(["--org-role"], default=None,
                     help="Scan every member account of the organization by assuming this role name in each."),
        click.Option(["--accounts"], default=None, help="Comma-separated account ids to restrict the scan to."),
        click.Option(["--max-attempts"], type=int, default=5, show_default=True,
                     help="Attempts per API call (botocore adaptive retry mode)."),
        click.Option(["--timeout"], type=float, default=30.0, show_default=True, help="Read timeout per call in seconds."),
    ]

    def __init__(self) -> None:
        self.meter = Meter()
        self._scopes: dict[str, Scope] = {}
        self._failed: dict[str, CollectionFailure] = {}
        self._pending: dict[str, int] = {}
        self._lock = threading.Lock()

    @property
    def api_calls(self) -> int:
        """API calls sent so far (every logical call, counted by a botocore hook)."""
        return self.meter.calls

    def plan(self, target: Mapping[str, Any]) -> Iterable[WorkUnit]:
        """Resolve the caller's account, the enabled regions and (with --org-role) the member accounts."""
        from providers.aws.calls import Failed, call, required
        from providers.aws.organizations import member_accounts
        from providers.aws.session import enabled_regions

        settings = Settings(profile=target.get("profile"), max_attempts=int(target.get("max_attempts") or 5),
                            read_timeout=float(target.get("timeout") or 30.0),
                            retry_mode=str(target.get("retry_mode") or "adaptive"))
        session = new_session(settings, self.meter)
        home = Scope("", session, settings, ())
        identity = required(home.client("sts", HOME_REGION), "get_caller_identity")
        account_id = str(identity["Account"])
        described = call(home.client("ec2", HOME_REGION), "describe_regions", AllRegions=True)
        enabled = enabled_regions(described)
        regions = _csv(target.get("regions"))
        if not regions:
            if isinstance(described, Failed):
                raise CollectionFailure(described.operation, f"{described.code}: {described.message} (pass --regions)")
            regions = list(enabled)
        wanted = set(_csv(target.get("accounts")))
        role = target.get("org_role")
        scopes: dict[str, Scope | CollectionFailure] = {}
        management = Scope(account_id, session, settings, tuple(regions))
        if role:
            org = home.client("organizations", GLOBAL)
            sts = home.client("sts", HOME_REGION)
            for member in member_accounts(org):
                member_id = str(member["Id"])
                if wanted and member_id not in wanted:
                    continue
                if member_id == account_id:
                    scopes[member_id] = management
                    continue
                assumed = call(sts, "assume_role", RoleArn=f"arn:aws:iam::{member_id}:role/{role}",
                               RoleSessionName="govscan", DurationSeconds=3600)
                if isinstance(assumed, Failed):
                    scopes[member_id] = CollectionFailure(assumed.operation, f"{assumed.code}: {assumed.message}")
                    continue
                member_session = new_session(settings, self.meter, assumed["Credentials"])
                scopes[member_id] = Scope(member_id, member_session, settings, tuple(regions), management)
        else:
            if wanted and account_id not in wanted:
                raise UsageError(f"--accounts does not include the caller's account {account_id}; "
                                 "use --org-role to scan other accounts")
            scopes[account_id] = management
        for scope_id, scope in scopes.items():
            with self._lock:
                if isinstance(scope, CollectionFailure):
                    self._failed[scope_id] = scope
                else:
                    self._scopes[scope_id] = scope
            units = list(self._units(scope_id, regions, failed=isinstance(scope, CollectionFailure)))
            with self._lock:
                self._pending[scope_id] = self._pending.get(scope_id, 0) + len(units)
            yield from units

    def _units(self, scope: str, regions: list[str], failed: bool) -> Iterator[WorkUnit]:
        if failed:
            yield WorkUnit("aws", scope, "sts", GLOBAL, tuple(sorted(self.kinds)))
            return
        for service, (kinds, where) in SERVICES.items():
            for region in [GLOBAL] if where == "global" else regions:
                yield WorkUnit("aws", scope, service, region, kinds)

    def collect(self, unit: WorkUnit) -> Iterator[Resource | CollectionError]:
        """Run the collectors of one unit; resources stream out as they are built."""
        if unit.scope in self._failed:
            raise self._failed[unit.scope]
        scope = self._scopes[unit.scope]
        try:
            for collector in _collectors(unit.service):
                yield from collector(scope, unit.region)
        finally:
            with self._lock:
                self._pending[unit.scope] = left = self._pending.get(unit.scope, 1) - 1
            if left <= 0 and scope.management is not None:
                scope.release()  # a member account is finished; the management scope serves the others


provider = AwsProvider

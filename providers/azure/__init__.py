"""The Azure provider: a tenant's subscriptions through Azure Resource Graph, in batches of up to
1,000 subscriptions per query family."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import click

from scanner.model import CollectionError, Resource
from scanner.plugins import CollectionFailure, WorkUnit


def _split(values: Iterable[str] | None) -> list[str]:
    out: list[str] = []
    for value in values or ():
        out += [v.strip() for v in str(value).split(",") if v.strip()]
    return list(dict.fromkeys(out))


class AzureProvider:
    """Collects a tenant (or chosen subscriptions) with Resource Graph; never judges."""

    name = "azure"
    kinds = frozenset({
        "account", "policy.guardrail", "log.sink", "storage.bucket", "compute.instance", "compute.disk",
        "network.firewall", "network.vpc", "database.instance", "nosql.table", "kms.key", "web.app",
        "cdn.distribution",
    })
    help = ("Scan Azure subscriptions through Azure Resource Graph (default: every subscription the "
            "credential sees in the tenant). Credentials: DefaultAzureCredential.")
    options: list[click.Parameter] = [
        click.Option(["--subscription", "subscriptions"], multiple=True,
                     help="Subscription id (repeatable or comma-separated); default: every subscription of the tenant."),
        click.Option(["--tenant"], default=None, help="Tenant id: only subscriptions of this tenant."),
        click.Option(["--endpoint"], default=None,
                     help="Azure Resource Manager base URL (Resource Graph included); env GOVSCAN_AZURE_ENDPOINT."),
        click.Option(["--details/--no-details"], default=True,
                     help="Also read the per-resource settings Resource Graph does not index (TLS, TDE, auditing, "
                          "blob soft delete, key expiry); --no-details costs only pages, and leaves those facts unknown."),
    ]

    def __init__(self, settings: Any = None) -> None:
        from providers.azure.client import Clients, Settings

        self._settings: Settings | None = settings
        self._clients: Clients | None = Clients(settings) if settings is not None else None

    @property
    def api_calls(self) -> int:
        """HTTP requests sent so far (pages, detail GETs and retries)."""
        return self._clients.counter.value if self._clients else 0

    def _clients_for(self, target: Mapping[str, Any]) -> Any:
        from providers.azure.client import Clients, Settings

        if self._clients is None:
            self._settings = Settings.from_target(target)
            self._clients = Clients(self._settings)
        return self._clients

    def plan(self, target: Mapping[str, Any]) -> Iterable[WorkUnit]:
        """One unit per batch of subscriptions and query family."""
        from azure.core.exceptions import AzureError

        from providers.azure.errors import reason
        from providers.azure.families import FAMILIES, KINDS

        clients = self._clients_for(target)
        chosen = _split(target.get("subscriptions"))
        tenant = target.get("tenant") or clients.settings.tenant
        records: dict[str, dict[str, Any]] = {}
        try:
            for sub in clients.subscriptions.subscriptions.list():
                if tenant and str(sub.tenant_id or "").lower() != str(tenant).lower():
                    continue
                if str(sub.state or "Enabled").lower() in ("disabled", "deleted"):
                    continue
                records[sub.subscription_id] = {"subscriptionId": sub.subscription_id, "displayName": sub.display_name,
                                                "tenantId": sub.tenant_id, "state": str(sub.state or "")}
        except AzureError as exc:
            if not chosen:
                raise CollectionFailure("Microsoft.Resources/subscriptions/read", reason(exc)) from None
        subs = chosen or sorted(records)
        size = max(1, min(1000, clients.settings.batch_size))
        for start in range(0, len(subs), size):
            batch = tuple(subs[start:start + size])
            scope = batch[0] if len(batch) == 1 else f"{batch[0]}..{batch[-1]} ({len(batch)} subscriptions)"
            payload = {"subscriptions": {s: records.get(s, {"subscriptionId": s}) for s in batch}, "batch": batch}
            for family in FAMILIES:
                yield WorkUnit("azure", scope, family, "global", KINDS[family], payload)

    def collect(self, unit: WorkUnit) -> Iterator[Resource | CollectionError]:
        """Run one family's queries over one batch, yielding resources as pages arrive."""
        from providers.azure.families import FAMILIES
        from providers.azure.graph import OPERATION

        clients = self._clients_for({})
        refused: list[str] = []
        for item in FAMILIES[unit.service](clients, list(unit.payload["batch"]), unit.payload):
            if isinstance(item, CollectionError) and item.operation == OPERATION and item.service == unit.service:
                refused.append(item.scope)
            yield item
        if refused and unit.service != "account":  # the account family reports refusals as Unknown facts
            # Everything else of the batch was evaluated; the engine now marks this unit's kinds UNKNOWN.
            raise CollectionFailure(OPERATION, f"{unit.service}: Resource Graph refused subscription(s) {', '.join(refused)}")


provider = AzureProvider

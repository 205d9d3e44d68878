"""Sakura Cloud (さくらのクラウド): one account (API key) across its zones, through the IaaS API 1.1.

A thin httpx client; no SDK. Every call is a GET. httpx is imported lazily.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import click

from scanner.model import CollectionError, Resource
from scanner.plugins import CollectionFailure, WorkUnit

ZONES = ("is1a", "is1b", "is1c", "tk1a", "tk1b")
ZONAL_SERVICES = ("server", "network", "appliance")


class SakuraProvider:
    """Collects one Sakura Cloud account per target."""

    name = "sakura"
    kinds = frozenset({"account", "compute.instance", "compute.disk", "network.vpc", "network.firewall",
                       "network.loadbalancer", "database.instance", "storage.file", "cdn.distribution", "storage.bucket"})
    help = ("Scan a Sakura Cloud account (every zone). Credentials: SAKURACLOUD_ACCESS_TOKEN and "
            "SAKURACLOUD_ACCESS_TOKEN_SECRET (a read-only API key). See docs/providers/sakura.md.")
    options = [
        click.Option(["--zones"], default=None,
                     help="Comma-separated zones (default: is1a,is1b,is1c,tk1a,tk1b; tk1v is the sandbox and is flagged)."),
        click.Option(["--account-name"], default=None, help="Label of the account in reports (default: sakura)."),
        click.Option(["--endpoint"], default=None, envvar="GOVSCAN_SAKURA_ENDPOINT",
                     help="API root instead of https://secure.sakura.ad.jp/cloud/zone (for emulators)."),
        click.Option(["--read-timeout"], type=float, default=30.0, show_default=True, help="Seconds to wait for a response."),
        click.Option(["--max-attempts"], type=click.IntRange(1, 8), default=4, show_default=True,
                     help="Attempts per call when the API answers 423, 429 or 503."),
    ]

    def __init__(self) -> None:
        self.api_calls = 0
        self._clients: list[Any] = []

    def plan(self, target: Mapping[str, Any]) -> Iterable[WorkUnit]:
        """One unit per zone and resource family, the global items on is1a, and object storage."""
        from providers.sakura.client import SakuraClient
        from providers.sakura.collect import GLOBAL_ZONE, SERVICE_KINDS, AccountScan

        zones = [z.strip().lower() for z in (target.get("zones") or ",".join(ZONES)).split(",") if z.strip()]
        client = SakuraClient(target)
        self._clients.append(client)
        account = str(target.get("account_name") or "sakura")
        scan = AccountScan(client, account, zones)
        payload = {"scan": scan}
        units = [WorkUnit(self.name, account, service, zone, SERVICE_KINDS[service], payload)
                 for zone in zones for service in ZONAL_SERVICES]
        units.append(WorkUnit(self.name, account, "global", GLOBAL_ZONE, SERVICE_KINDS["global"], payload))
        units.append(WorkUnit(self.name, account, "webaccel", GLOBAL_ZONE, SERVICE_KINDS["webaccel"], payload))
        units.append(WorkUnit(self.name, account, "objectstorage", GLOBAL_ZONE, SERVICE_KINDS["objectstorage"], payload))
        return units

    def collect(self, unit: WorkUnit) -> Iterator[Resource | CollectionError]:
        """Yield the unit's resources; a failed list fails the whole unit with the operation named."""
        from providers.sakura.client import SakuraCallError

        scan = unit.payload["scan"]
        try:
            yield from getattr(scan, f"collect_{unit.service}")(unit.region)
        except SakuraCallError as exc:
            raise exc.failure() from None
        finally:
            self.api_calls = sum(c.calls for c in self._clients)


provider = SakuraProvider

__all__ = ["CollectionFailure", "SakuraProvider", "provider"]

"""Oracle Cloud Infrastructure: a tenancy, its compartment tree and every subscribed region.

Inventory comes from Resource Search per region; settings from the service clients. The SDK is
imported lazily so that `checks list` and start-up stay fast.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import click

from scanner.model import CollectionError, Resource
from scanner.plugins import CollectionFailure, WorkUnit

REGIONAL_SERVICES = ("objectstorage", "blockstorage", "compute", "network", "database", "vault", "filestorage")


class OciProvider:
    """Collects one OCI tenancy per target."""

    name = "oci"
    kinds = frozenset({"account", "identity.user", "audit.trail", "storage.bucket", "compute.disk", "compute.instance",
                       "network.vpc", "network.subnet", "network.firewall", "database.instance", "kms.key",
                       "storage.file", "backup.plan"})
    help = ("Scan an OCI tenancy (every compartment, every subscribed region). Credentials: an OCI config file "
            "profile, or --auth instance_principal|resource_principal. Read-only policy: docs/providers/oci.md.")
    options = [
        click.Option(["--config-file"], default=None, help="OCI config file (default ~/.oci/config)."),
        click.Option(["--profile"], default=None, help="Profile in the config file (default DEFAULT)."),
        click.Option(["--auth"], type=click.Choice(["config", "instance_principal", "resource_principal"]),
                     default="config", show_default=True, help="How to authenticate."),
        click.Option(["--tenancy"], default=None, help="Tenancy OCID (default: the profile's or principal's tenancy)."),
        click.Option(["--regions"], default=None, help="Comma-separated regions to scan (default: every subscribed region)."),
        click.Option(["--endpoint"], default=None, envvar="GOVSCAN_OCI_ENDPOINT",
                     help="One base URL for every OCI service ({region} is replaced); for emulators."),
        click.Option(["--read-timeout"], type=float, default=30.0, show_default=True, help="Seconds to wait for a response."),
        click.Option(["--max-attempts"], type=click.IntRange(1, 8), default=3, show_default=True,
                     help="Attempts per call (throttling and 5xx are retried with back-off)."),
    ]

    def __init__(self) -> None:
        self.api_calls = 0
        self._sessions: list[Any] = []

    def plan(self, target: Mapping[str, Any]) -> Iterable[WorkUnit]:
        """Subscribed regions and the compartment tree (home region), then one unit per service and region."""
        from providers.oci.collect import SERVICE_KINDS, TenancyScan
        from providers.oci.session import OciCallError, Session, to_dict

        session = Session(target)
        self._sessions.append(session)
        try:
            subs = to_dict(session.call("identity", session.home_region, "list_region_subscriptions", session.tenancy))
            compartments = to_dict(session.pages("identity", session.home_region, "list_compartments", session.tenancy,
                                                 compartment_id_in_subtree=True, access_level="ANY",
                                                 lifecycle_state="ACTIVE"))
        except OciCallError as exc:
            self._sync()
            raise exc.failure() from None
        scan = TenancyScan(session, subs, compartments)
        wanted = [r.strip().lower() for r in (target.get("regions") or "").split(",") if r.strip()]
        regions = [s["region_name"].lower() for s in subs if (s.get("status") or "READY") == "READY"]
        if wanted:
            regions = [r for r in wanted]
        payload = {"scan": scan}
        units = [WorkUnit(self.name, scan.tenancy, "tenancy", scan.home, SERVICE_KINDS["tenancy"], payload)]
        for region in regions:
            for service in REGIONAL_SERVICES:
                units.append(WorkUnit(self.name, scan.tenancy, service, region, SERVICE_KINDS[service], payload))
        self._sync()
        return units

    def collect(self, unit: WorkUnit) -> Iterator[Resource | CollectionError]:
        """Yield the unit's resources; a failed inventory call fails the whole unit."""
        from providers.oci.session import OciCallError

        scan = unit.payload["scan"]
        try:
            yield from getattr(scan, f"collect_{unit.service}")(unit.region)
        except OciCallError as exc:
            raise exc.failure() from None
        finally:
            self._sync()

    def _sync(self) -> None:
        self.api_calls = sum(s.calls for s in self._sessions)


provider = OciProvider

__all__ = ["CollectionFailure", "OciProvider", "provider"]

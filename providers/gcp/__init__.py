"""Google Cloud provider: Cloud Asset Inventory `list_assets` over an organization, folders or projects.

A scan costs pages, not resources: each work unit (scope x asset-type group) streams `list_assets`
pages of up to 1,000 assets into normalization. The SDK is imported only when a unit runs.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import click

from scanner.errors import UsageError
from scanner.model import CollectionError, Resource
from scanner.plugins import WorkUnit

_PREFIX = {"organization": "organizations/", "folder": "folders/", "project": "projects/"}


def _split(values: Any) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    return [v.strip() for value in values for v in str(value).split(",") if v.strip()]


def scopes(target: Mapping[str, Any]) -> list[str]:
    """The parents to scan (`organizations/N`, `folders/N`, `projects/ID`), in option order, without repeats."""
    out: list[str] = []
    for key, prefix in _PREFIX.items():
        for value in _split(target.get(key)):
            parent = value if value.startswith(prefix) else prefix + value
            if parent not in out:
                out.append(parent)
    return out


class GcpProvider:
    """Collects Google Cloud resources through Cloud Asset Inventory (read-only: cloudasset.assets.list*)."""

    name = "gcp"
    help = ("Scan Google Cloud through Cloud Asset Inventory. Give --organization, --folder or --project "
            "(repeatable or comma lists). Credentials: Application Default Credentials.")
    options = [
        click.Option(["--organization"], multiple=True, help="Organization id to scan (every project under it)."),
        click.Option(["--folder"], multiple=True, help="Folder id to scan (every project under it)."),
        click.Option(["--project"], multiple=True, help="Project id or number to scan."),
        click.Option(["--endpoint"], default=None,
                     help="Cloud Asset API base URL (default: the public endpoint; env GOVSCAN_GCP_ENDPOINT)."),
    ]

    def __init__(self) -> None:
        from providers.gcp.collect import SERVICES

        self.kinds = frozenset(k for kinds, _ in SERVICES.values() for k in kinds)
        self._listers: dict[Any, Any] = {}
        self._lock = threading.Lock()

    @property
    def api_calls(self) -> int:
        """HTTP requests made to Cloud Asset Inventory (pages, retries included)."""
        return sum(lister.calls for lister in self._listers.values())

    def plan(self, target: Mapping[str, Any]) -> Iterable[WorkUnit]:
        """One unit per scope and asset-type group."""
        from providers.gcp.client import Settings
        from providers.gcp.collect import SERVICES

        parents = scopes(target)
        if not parents:
            raise UsageError("gcp: give --organization, --folder or --project")
        settings = Settings.from_target(dict(target))
        for parent in parents:
            for service, (kinds, _) in SERVICES.items():
                yield WorkUnit(self.name, parent, service, "global", kinds, {"settings": settings})

    def _lister(self, settings: Any) -> Any:
        from providers.gcp.client import AssetLister

        with self._lock:
            if settings not in self._listers:
                self._listers[settings] = AssetLister(settings)
            return self._listers[settings]

    def collect(self, unit: WorkUnit) -> Iterator[Resource | CollectionError]:
        """Stream the unit's assets as normalized resources."""
        from providers.gcp.client import Settings
        from providers.gcp.collect import SERVICES

        settings = unit.payload.get("settings") or Settings.from_target({})
        _, collector = SERVICES[unit.service]
        yield from collector(self._lister(settings), unit)


provider = GcpProvider

"""Plugin contracts and discovery: providers, report writers and catalog packages, all by entry point."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from typing import Any, Protocol, runtime_checkable

from scanner.errors import PluginError
from scanner.model import CollectionError, Resource, ScanResult

PROVIDERS = "govscan.providers"
REPORTS = "govscan.reports"
CHECKS = "govscan.checks"


@dataclass(frozen=True)
class WorkUnit:
    """One independent piece of collection: a scope x service x region, with the kinds it yields."""

    provider: str
    scope: str
    service: str
    region: str
    kinds: tuple[str, ...]
    payload: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def label(self) -> str:
        """`provider/scope/service/region`, for progress and errors."""
        return f"{self.provider}/{self.scope}/{self.service}/{self.region}"


class CollectionFailure(Exception):
    """Raised by a provider when a whole unit cannot be collected; names the operation."""

    def __init__(self, operation: str, reason: str) -> None:
        super().__init__(f"{operation}: {reason}")
        self.operation = operation
        self.reason = reason


@runtime_checkable
class Provider(Protocol):
    """A source of resources: a cloud API or a kind of infrastructure code. Collects; never judges."""

    name: str
    kinds: frozenset[str]

    def plan(self, target: Mapping[str, Any]) -> Iterable[WorkUnit]:
        """The work units for a target (options from the CLI or the scan config)."""
        ...

    def collect(self, unit: WorkUnit) -> Iterator[Resource | CollectionError]:
        """Yield resources as they are built, and collection errors for partial failures."""
        ...


Writer = Callable[[ScanResult, str], bytes]

# The file each format writes into --output-dir.
FILE_NAMES = {
    "json": "govscan.json",
    "sarif": "govscan.sarif",
    "csv": "govscan.csv",
    "html": "govscan.html",
    "junit": "govscan.junit.xml",
    "ocsf": "govscan.ocsf.jsonl",
    "markdown": "govscan.md",
}


# Entry-point-free hook for tests and local experiments: GOVSCAN_EXTRA_PROVIDERS="name=module:attr,..."
# registers providers that are not installed (a slow fake organization for crash and scale-out tests).
EXTRA_PROVIDERS_ENV = "GOVSCAN_EXTRA_PROVIDERS"


def _extra(name: str) -> dict[str, EntryPoint]:
    spec = os.environ.get(EXTRA_PROVIDERS_ENV, "") if name == PROVIDERS else ""
    out = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        ep_name, _, value = item.partition("=")
        if ep_name and ":" in value:
            out[ep_name.strip()] = EntryPoint(name=ep_name.strip(), value=value.strip(), group=name)
    return out


def _group(name: str) -> dict[str, EntryPoint]:
    return {**{ep.name: ep for ep in entry_points(group=name)}, **_extra(name)}


def provider_names() -> list[str]:
    """Installed provider names, without importing them."""
    return sorted(_group(PROVIDERS))


def report_names() -> list[str]:
    """Installed report format names, without importing them."""
    return sorted(_group(REPORTS))


def catalog_packages() -> list[str]:
    """Packages that hold catalog folders."""
    eps = _group(CHECKS)
    return [eps[name].value for name in sorted(eps)] or ["checks"]


def _load(group: str, name: str) -> Any:
    eps = _group(group)
    if name not in eps:
        known = ", ".join(sorted(eps)) or "none"
        raise PluginError(f"no {group.split('.')[-1][:-1]} named {name!r} is installed (installed: {known})")
    ep = eps[name]
    try:
        return ep.load()
    except ImportError as exc:
        dist = ep.dist.name if ep.dist else "?"
        raise PluginError(
            f"{group} entry point {name!r} of distribution {dist} cannot be imported: {exc}. "
            f"Install its extra, e.g. pip install 'govscan[{name}]'"
        ) from None


def load_provider(name: str) -> Provider:
    """Load and validate the provider `name`."""
    factory = _load(PROVIDERS, name)
    # The entry point names a class (or factory); instantiating it must not touch the network.
    provider = factory() if isinstance(factory, type) or not hasattr(factory, "plan") else factory
    if not isinstance(provider, Provider):
        raise PluginError(f"provider {name!r} does not implement plan() and collect() with name and kinds")
    return provider


def load_writer(name: str) -> Writer:
    """Load and validate the report writer `name`."""
    writer = _load(REPORTS, name)
    if not callable(writer):
        raise PluginError(f"report {name!r} is not a callable render(result, lang) -> bytes")
    return writer  # type: ignore[no-any-return]

"""Global services (Front Door, CDN, Traffic Manager, DNS) as `cdn.distribution` at location `global`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from providers.azure.common import resource
from scanner.model import Resource

TYPES = (
    "microsoft.cdn/profiles",
    "microsoft.network/frontdoors",
    "microsoft.network/trafficmanagerprofiles",
    "microsoft.network/dnszones",
)


def normalize_global(row: Mapping[str, Any]) -> Resource:
    """Pure: a global service. Its location is `global`, whatever else it reports: residency needs review."""
    return resource({**row, "location": "global"}, "cdn.distribution", {})

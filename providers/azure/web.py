"""App Service sites as `web.app`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from providers.azure.common import props, resource, tls_version
from scanner.model import Resource, Unknown

TYPES = ("microsoft.web/sites",)
CONFIG = ("/config/web", "2023-12-01")


def normalize_site(row: Mapping[str, Any], config: Mapping[str, Any] | Unknown) -> Resource:
    """Pure: a site and its config/web reply (or Unknown when it could not be read)."""
    p = props(row)
    attrs: dict[str, Any] = {}
    if isinstance(p.get("httpsOnly"), bool):
        attrs["https_only"] = p["httpsOnly"]
    network = str(p.get("publicNetworkAccess") or "").lower()
    if network:
        attrs["public_network_access"] = network != "disabled"
    attrs["tls.min_version"] = config if isinstance(config, Unknown) else tls_version(props(config).get("minTlsVersion"))
    return resource(row, "web.app", attrs)

"""BigQuery datasets -> analytics.dataset."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from providers.gcp.assets import PUBLIC_MEMBERS, data, encryption, location_of, resource
from scanner.model import Resource, Unknown

DATASET = "bigquery.googleapis.com/Dataset"


def public_access(entries: Any) -> bool:
    """True when an access entry grants anything to allUsers or allAuthenticatedUsers."""
    return any(entry.get("specialGroup") in PUBLIC_MEMBERS or entry.get("iamMember") in PUBLIC_MEMBERS for entry in entries or [])


def normalize_dataset(asset: Mapping[str, Any]) -> Resource:
    """A dataset: location (`US` is the default and leaves Japan), default CMEK and public access entries."""
    d = data(asset)
    key = (d.get("defaultEncryptionConfiguration") or {}).get("kmsKeyName")
    attrs: dict[str, Any] = {"encryption.at_rest": encryption(key)}
    attrs["public"] = public_access(d["access"]) if "access" in d else Unknown("no access entries in the asset", "bigquery")
    location = str(d.get("location") or "").lower() or location_of(asset)
    return resource(asset, "analytics.dataset", attrs, location=location)

"""Cloud Storage buckets -> storage.bucket."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from providers.gcp.assets import as_int, data, encryption, location_of, lower_all, resource
from scanner.model import Resource, Unknown

BUCKET = "storage.googleapis.com/Bucket"
# The predefined dual-regions and the regions that hold their data.
DUAL_REGIONS = {"asia1": ["asia-northeast1", "asia-northeast2"], "eur4": ["europe-north1", "europe-west4"],
                "nam4": ["us-central1", "us-east1"]}


def placement(asset: Mapping[str, Any]) -> tuple[str | Unknown, list[str]]:
    """The bucket's location and every location that holds a copy of its data.

    A configurable dual-region (customPlacementConfig) is written as a multi-region code (`ASIA`) but
    stores data only in its `dataLocations`; its location is the first data location.
    """
    d = data(asset)
    custom = lower_all((d.get("customPlacementConfig") or {}).get("dataLocations") or [])
    if custom:
        return custom[0], custom
    location = location_of(asset)
    if isinstance(location, Unknown):
        return location, [location]  # type: ignore[list-item]
    kind = str(d.get("locationType") or "").lower()
    if location in DUAL_REGIONS:
        return location, list(DUAL_REGIONS[location])
    if kind == "multi-region":
        return location, [location]
    return location, []


def normalize_bucket(asset: Mapping[str, Any], public: bool | Unknown) -> Resource:
    """A bucket; `public` comes from its IAM policy (Unknown when the IAM listing failed)."""
    d = data(asset)
    iam = d.get("iamConfiguration") or {}
    prevention = str(iam.get("publicAccessPrevention") or "").lower()
    location, copies = placement(asset)
    attrs: dict[str, Any] = {
        "encryption.at_rest": encryption((d.get("encryption") or {}).get("defaultKmsKeyName")),
        "replication.locations": copies,
        "versioning": bool((d.get("versioning") or {}).get("enabled"))
        or (as_int((d.get("softDeletePolicy") or {}).get("retentionDurationSeconds")) or 0) > 0,
        "access_logging": bool((d.get("logging") or {}).get("logBucket")),
        "retention.locked": bool((d.get("retentionPolicy") or {}).get("isLocked")),
        "public_access_block": prevention == "enforced",
        # Enforced public access prevention overrides any allUsers binding.
        "public": False if prevention == "enforced" else public,
    }
    if "uniformBucketLevelAccess" in iam:
        attrs["uniform_access"] = bool(iam["uniformBucketLevelAccess"].get("enabled"))
    return resource(asset, "storage.bucket", attrs, location=location)

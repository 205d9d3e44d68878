"""Cloud KMS crypto keys -> kms.key."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from providers.gcp.assets import as_int, data, location_of, resource
from scanner.model import Resource, Unknown

KEY = "cloudkms.googleapis.com/CryptoKey"
KEY_RING = "cloudkms.googleapis.com/KeyRing"
_MULTI = {"global", "asia", "eur4", "eur5", "nam4", "europe", "us", "nam-eur-asia1"}


def key_ring_of(key_name: str) -> str:
    """The key ring's resource name for a crypto key's name."""
    return key_name.split("/cryptoKeys/", 1)[0]


def normalize_key(asset: Mapping[str, Any], public: bool | Unknown) -> Resource:
    """A crypto key; `public` comes from the IAM policies of the key and its key ring."""
    d = data(asset)
    location = location_of(asset)
    attrs: dict[str, Any] = {"public": public}
    if str(d.get("purpose") or "ENCRYPT_DECRYPT") == "ENCRYPT_DECRYPT":
        seconds = as_int(d.get("rotationPeriod"))
        attrs["rotation.enabled"] = bool(seconds)
        if seconds:
            attrs["rotation.period_days"] = seconds // 86400
    else:
        why = Unknown("automatic rotation does not apply to asymmetric or MAC keys", "cloudkms")
        attrs["rotation.enabled"] = why
    if isinstance(location, str):
        attrs["replication.locations"] = [location] if location in _MULTI else []
    return resource(asset, "kms.key", attrs, location=location)

"""Cloud Logging sinks and log buckets -> log.sink, log.store."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from providers.gcp.assets import as_int, data, encryption, location_in_name, location_of, resource
from scanner.model import Resource, Unknown

SINK = "logging.googleapis.com/LogSink"
BUCKET = "logging.googleapis.com/LogBucket"


def destination_location(destination: str) -> str | Unknown:
    """The location of a sink destination when its name carries it (log buckets), else Unknown."""
    if destination.startswith("logging.googleapis.com/"):
        where = location_in_name(destination)
        if where:
            return where
    service = destination.split("/", 1)[0] or "unknown"
    return Unknown(f"the location of {service} destinations is not in the sink; see that resource's own location",
                   "logging")


def normalize_sink(asset: Mapping[str, Any]) -> Resource:
    """A sink: enabled unless disabled; its location is its destination's when that is known."""
    d = data(asset)
    where = destination_location(str(d.get("destination") or ""))
    attrs: dict[str, Any] = {"enabled": not bool(d.get("disabled")), "destination.locations": [where]}
    location = where if isinstance(where, str) else location_of(asset)
    return resource(asset, "log.sink", attrs, location=location)


def normalize_log_bucket(asset: Mapping[str, Any]) -> Resource:
    """A log bucket: location (`global` by default for _Default and _Required), retention and lock."""
    d = data(asset)
    attrs: dict[str, Any] = {
        "encryption.at_rest": encryption((d.get("cmekSettings") or {}).get("kmsKeyName")),
        "retention.locked": bool(d.get("locked")),
    }
    days = as_int(d.get("retentionDays"))
    if days is not None:
        attrs["retention_days"] = days
    location = location_in_name(str(d.get("name") or "")) or location_of(asset)
    return resource(asset, "log.store", attrs, location=location)

"""Artifact Registry, Pub/Sub and GKE -> container.registry, messaging.topic, kubernetes.cluster."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from providers.gcp.assets import data, encryption, location_in_name, location_of, lower_all, resource
from scanner.model import Resource

REPOSITORY = "artifactregistry.googleapis.com/Repository"
TOPIC = "pubsub.googleapis.com/Topic"
CLUSTER = "container.googleapis.com/Cluster"
# Artifact Registry multi-regions: each spans several countries.
_AR_MULTI = {"asia", "europe", "us"}


def normalize_repository(asset: Mapping[str, Any]) -> Resource:
    """A repository: a multi-region (`asia`) copies images across countries."""
    d = data(asset)
    location = location_in_name(str(d.get("name") or "")) or location_of(asset)
    attrs: dict[str, Any] = {
        "encryption.at_rest": encryption(d.get("kmsKeyName")),
        "immutable_tags": bool((d.get("dockerConfig") or {}).get("immutableTags")),
    }
    if isinstance(location, str):
        attrs["replication.locations"] = [location] if location in _AR_MULTI else []
    return resource(asset, "container.registry", attrs, location=location)


def normalize_topic(asset: Mapping[str, Any]) -> Resource:
    """A topic; without a message storage policy Pub/Sub may store messages in any region (`global`)."""
    d = data(asset)
    regions = lower_all((d.get("messageStoragePolicy") or {}).get("allowedPersistenceRegions") or [])
    attrs: dict[str, Any] = {
        "encryption.at_rest": encryption(d.get("kmsKeyName")),
        "allowed_persistence_locations": regions or ["global"],
    }
    return resource(asset, "messaging.topic", attrs, location=regions[0] if regions else "global")


def normalize_cluster(asset: Mapping[str, Any]) -> Resource:
    """A GKE cluster: private endpoint, network policy (or Dataplane V2) and application-layer secrets encryption."""
    d = data(asset)
    private = d.get("privateClusterConfig") or {}
    policy = d.get("networkPolicy") or {}
    dataplane = str((d.get("networkConfig") or {}).get("datapathProvider") or "")
    attrs = {
        "private_endpoint": bool(private.get("enablePrivateEndpoint")),
        "network_policy": bool(policy.get("enabled")) or dataplane == "ADVANCED_DATAPATH",
        "secrets_encryption": str((d.get("databaseEncryption") or {}).get("state") or "") == "ENCRYPTED",
    }
    location = str(d.get("location") or "").lower() or location_of(asset)
    return resource(asset, "kubernetes.cluster", attrs, location=location)

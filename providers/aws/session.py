"""Sessions, clients and the per-account scope: credentials from the standard chain, retries, timeouts,
endpoint overrides (AWS_ENDPOINT_URL) and the API-call counter."""

from __future__ import annotations

import os
import re
import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from providers.aws.calls import Failed, call
from scanner.model import CollectionError, Unknown

JAPAN = ("ap-northeast-1", "ap-northeast-3")
HOME_REGION = "ap-northeast-1"
GLOBAL = "global"


@dataclass(frozen=True)
class Settings:
    """How clients talk to AWS."""

    profile: str | None = None
    max_attempts: int = 5
    retry_mode: str = "adaptive"
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    max_pool: int = 32

    def config(self) -> Any:
        """The botocore Config every client uses."""
        from botocore.config import Config

        return Config(
            retries={"mode": self.retry_mode, "total_max_attempts": self.max_attempts},  # type: ignore[typeddict-item]
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
            max_pool_connections=self.max_pool,
        )


class Meter:
    """Counts API calls (every attempt that is sent) and remembers which operations were called."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.calls = 0
        self.operations: Counter[str] = Counter()

    def hook(self, model: Any = None, **_: Any) -> None:
        """botocore `before-call` handler: one logical API call."""
        name = f"{model.service_model.service_name}:{model.name}" if model is not None else "unknown"
        with self._lock:
            self.calls += 1
            self.operations[name] += 1


_HOST_PREFIX = re.compile(r"^(https?://)\d{12}\.")


def _strip_account_host_prefix(request: Any, **_: Any) -> None:
    # s3control puts the account id in front of the host; an emulator on 127.0.0.1 cannot resolve it.
    request.url = _HOST_PREFIX.sub(r"\1", request.url)


_LOADER: Any = None
_LOADER_LOCK = threading.Lock()


def _shared_loader() -> Any:
    # One model loader for every session: an organization scan then parses each service model once,
    # not once per member account.
    global _LOADER
    with _LOADER_LOCK:
        if _LOADER is None:
            from botocore.loaders import create_loader

            _LOADER = create_loader()
        return _LOADER


def new_session(settings: Settings, meter: Meter, credentials: Mapping[str, str] | None = None) -> Any:
    """A boto3 session (standard credential chain, or the given temporary credentials) wired to `meter`."""
    import boto3
    import botocore.session

    core = botocore.session.Session(profile=None if credentials else settings.profile)
    core.register_component("data_loader", _shared_loader())
    if credentials:
        session = boto3.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials.get("SessionToken"),
            botocore_session=core,
        )
    else:
        session = boto3.Session(botocore_session=core)
    events = session._session.get_component("event_emitter")
    events.register("before-call", meter.hook)
    if os.environ.get("AWS_ENDPOINT_URL") or os.environ.get("AWS_ENDPOINT_URL_S3_CONTROL"):
        events.register("before-send.s3-control", _strip_account_host_prefix)
    return session


def enabled_regions(reply: Any) -> list[str] | Unknown:
    """Pure: the regions DescribeRegions(AllRegions=True) reports as enabled (opt-in not required or opted in)."""
    if isinstance(reply, Failed):
        return reply.unknown()
    return sorted(r["RegionName"] for r in reply.get("Regions", [])
                  if r.get("OptInStatus", "opt-in-not-required") in ("opt-in-not-required", "opted-in"))


@dataclass
class Scope:
    """One account being scanned: its session, clients (cached, thread-safe creation) and regions."""

    account: str
    session: Any
    settings: Settings
    regions: tuple[str, ...]
    management: Scope | None = None  # in an organization scan, the account that can read SCPs for members
    _clients: dict[tuple[str, str], Any] = field(default_factory=dict)
    _keys: dict[tuple[str, str], str | Unknown] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def release(self) -> None:
        """Drop the cached clients once every unit of the scope is done (memory bounded by open scopes)."""
        with self._lock:
            self._clients.clear()
            self._keys.clear()

    def client(self, service: str, region: str) -> Any:
        """A client for `service` in `region` (global services use their home region)."""
        region = HOME_REGION if region == GLOBAL else region
        key = (service, region)
        with self._lock:  # boto3 sessions are not safe for concurrent client creation
            if key not in self._clients:
                self._clients[key] = self.session.client(service, region_name=region, config=self.settings.config())
            return self._clients[key]

    @property
    def japan_regions(self) -> tuple[str, ...]:
        """The Japanese regions among the scanned ones."""
        return tuple(r for r in self.regions if r in JAPAN)

    def error(self, service: str, region: str, failed: Failed, kinds: tuple[str, ...] = ()) -> CollectionError:
        """A collection error for one failed detail call."""
        return CollectionError("aws", self.account, service, region, failed.operation,
                               f"{failed.code}: {failed.message}" if failed.message else failed.code, kinds)

    def key_manager(self, region: str, key_id: str) -> str | Unknown:
        """`CUSTOMER` or `AWS` for a KMS key id or ARN (cached); Unknown when it cannot be read."""
        key_region = key_id.split(":")[3] if key_id.startswith("arn:") else region
        cache_key = (key_region, key_id)
        with self._lock:
            if cache_key in self._keys:
                return self._keys[cache_key]
        reply = call(self.client("kms", key_region), "describe_key", KeyId=key_id)
        value: str | Unknown = reply.unknown() if isinstance(reply, Failed) else str(reply["KeyMetadata"].get("KeyManager", ""))
        if value == "":
            value = Unknown("describe_key gave no KeyManager")
        with self._lock:
            self._keys[cache_key] = value
        return value

    def at_rest(self, region: str, encrypted: Any, key_id: str | None) -> str | Unknown:
        """`encryption.at_rest` from an encrypted flag and an optional KMS key id."""
        if encrypted is None:
            return Unknown("encryption flag not returned")
        if not encrypted:
            return "none"
        if not key_id:
            return "provider_key"
        manager = self.key_manager(region, key_id)
        if isinstance(manager, Unknown):
            return manager
        return "customer_key" if manager == "CUSTOMER" else "provider_key"

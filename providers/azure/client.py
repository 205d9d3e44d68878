"""Azure management clients: credential, endpoint, bounded retries and timeouts, call counting."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

ENDPOINT_ENV = "GOVSCAN_AZURE_ENDPOINT"
ANONYMOUS_ENV = "GOVSCAN_AZURE_ANONYMOUS"
DEFAULT_ENDPOINT = "https://management.azure.com"
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass
class Settings:
    """How the clients talk to Azure: endpoint, credential and the bounds on every call."""

    endpoint: str = DEFAULT_ENDPOINT
    tenant: str | None = None
    credential: Any = None  # a TokenCredential; None means DefaultAzureCredential (or the anonymous token)
    retry_total: int = 4
    retry_backoff_factor: float = 0.8
    retry_backoff_max: float = 30.0
    max_retry_after: float = 60.0  # a Retry-After above this is clamped: a scan never sleeps unbounded
    connection_timeout: float = 10.0
    read_timeout: float = 60.0
    batch_size: int = 1000  # Resource Graph accepts up to 1,000 subscriptions per request
    page_size: int = 1000
    max_pages: int = 100_000  # a skip token that never ends is cut off here
    subscription_workers: int = 8  # per-subscription ARM GETs in flight at once
    details: bool = True  # the per-resource ARM GETs for settings Resource Graph does not index
    extra_policies: list[Any] = field(default_factory=list)

    @classmethod
    def from_target(cls, target: Mapping[str, Any]) -> Settings:
        """Settings from CLI options and the environment."""
        endpoint = target.get("endpoint") or os.environ.get(ENDPOINT_ENV) or DEFAULT_ENDPOINT
        details = target.get("details")
        return cls(endpoint=str(endpoint).rstrip("/"), tenant=target.get("tenant") or None,
                   details=True if details is None else bool(details))


class StaticToken:
    """A fixed dummy TokenCredential for emulators (GOVSCAN_AZURE_ANONYMOUS=1); real Azure refuses it."""

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessToken

        return AccessToken("anonymous", int(time.time()) + 3600)


class Counter:
    """Counts every HTTP request sent (retries included), across threads."""

    def __init__(self) -> None:
        self.value = 0
        self._lock = threading.Lock()

    def add(self) -> None:
        with self._lock:
            self.value += 1


def credential(settings: Settings) -> Any:
    """The credential to use: the injected one, the anonymous token, or DefaultAzureCredential."""
    if settings.credential is not None:
        return settings.credential
    if os.environ.get(ANONYMOUS_ENV) == "1":
        return StaticToken()
    from azure.identity import DefaultAzureCredential

    extra = {"additionally_allowed_tenants": [settings.tenant]} if settings.tenant else {}
    return DefaultAzureCredential(exclude_interactive_browser_credential=True, **extra)


def _policies(settings: Settings, counter: Counter) -> dict[str, Any]:
    from azure.core.pipeline.policies import RetryPolicy, SansIOHTTPPolicy

    class _Count(SansIOHTTPPolicy):  # type: ignore[type-arg]
        def on_request(self, request: Any) -> None:
            counter.add()

    class _AllowLoopbackHttp(SansIOHTTPPolicy):  # type: ignore[type-arg]
        # A bearer token may travel over plain http only to an emulator on this machine.
        def on_request(self, request: Any) -> None:
            if urlsplit(request.http_request.url).hostname in _LOOPBACK:
                request.context["enforce_https"] = False

    class _BoundedRetry(RetryPolicy):  # type: ignore[type-arg]
        def get_retry_after(self, response: Any) -> float | None:
            after = super().get_retry_after(response)
            return None if after is None else min(after, settings.max_retry_after)

    return {
        "per_call_policies": [_AllowLoopbackHttp()],
        "per_retry_policies": [_Count(), *settings.extra_policies],
        "retry_policy": _BoundedRetry(
            retry_total=settings.retry_total,
            retry_backoff_factor=settings.retry_backoff_factor,
            retry_backoff_max=settings.retry_backoff_max,
        ),
        "connection_timeout": settings.connection_timeout,
        "read_timeout": settings.read_timeout,
    }


@dataclass
class Clients:
    """The three management clients the provider uses, built lazily and shared by work units."""

    settings: Settings
    counter: Counter = field(default_factory=Counter)
    _built: dict[str, Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _build(self, name: str) -> Any:
        with self._lock:
            if name not in self._built:
                kwargs = {"base_url": self.settings.endpoint, **_policies(self.settings, self.counter)}
                cred = credential(self.settings)
                if name == "graph":
                    from azure.mgmt.resourcegraph import ResourceGraphClient

                    self._built[name] = ResourceGraphClient(cred, **kwargs)
                elif name == "subscriptions":
                    from azure.mgmt.resource.subscriptions import SubscriptionClient

                    self._built[name] = SubscriptionClient(cred, **kwargs)
                else:
                    from azure.mgmt.resource.resources import ResourceManagementClient

                    # The subscription id only builds URLs of operations we never call.
                    self._built[name] = ResourceManagementClient(cred, "00000000-0000-0000-0000-000000000000", **kwargs)
            return self._built[name]

    @property
    def graph(self) -> Any:
        """ResourceGraphClient."""
        return self._build("graph")

    @property
    def subscriptions(self) -> Any:
        """SubscriptionClient."""
        return self._build("subscriptions")

    @property
    def arm(self) -> Any:
        """ResourceManagementClient, for the few ARM GETs Resource Graph cannot answer."""
        return self._build("arm")

    def get_json(self, path: str, api_version: str) -> Any:
        """GET an ARM path and return its JSON body, raising the SDK's error on failure."""
        return self.arm.resources.get_by_id(
            path, api_version=api_version, cls=lambda response, deserialized, headers: response.http_response.json()
        )

"""OCI authentication, clients per region, bounded retries and timeouts, counted calls and bounded paging."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from typing import Any

from scanner.plugins import CollectionFailure

# Paging stops after this many pages of one list: a page token that never ends must not hang a scan.
MAX_PAGES = 500

_CLIENTS = {
    "identity": ("oci.identity", "IdentityClient"),
    "search": ("oci.resource_search", "ResourceSearchClient"),
    "objectstorage": ("oci.object_storage", "ObjectStorageClient"),
    "blockstorage": ("oci.core", "BlockstorageClient"),
    "compute": ("oci.core", "ComputeClient"),
    "network": ("oci.core", "VirtualNetworkClient"),
    "database": ("oci.database", "DatabaseClient"),
    "vault": ("oci.key_management", "KmsVaultClient"),
    "kms": ("oci.key_management", "KmsManagementClient"),
    "cloudguard": ("oci.cloud_guard", "CloudGuardClient"),
    "audit": ("oci.audit", "AuditClient"),
    "logging": ("oci.logging", "LoggingManagementClient"),
    "filestorage": ("oci.file_storage", "FileStorageClient"),
    "identitydomains": ("oci.identity_domains", "IdentityDomainsClient"),
}


class OciCallError(Exception):
    """One OCI call that failed after its retries: which service, region and operation, and why."""

    def __init__(self, service: str, region: str, operation: str, reason: str) -> None:
        super().__init__(f"{service}/{region}/{operation}: {reason}")
        self.service = service
        self.region = region
        self.operation = operation
        self.reason = reason

    def failure(self) -> CollectionFailure:
        """The engine's unit-level failure for this call."""
        return CollectionFailure(self.operation, f"{self.service} in {self.region}: {self.reason}")


def describe(exc: BaseException) -> str:
    """A short reason for a failed call, built from structured fields (never from request headers)."""
    import oci
    from oci._vendor import requests  # the SDK raises its vendored requests' exceptions

    if isinstance(exc, oci.exceptions.ServiceError):
        message = str(exc.message or "")[:200]
        return f"HTTP {exc.status} {exc.code}: {message}"
    if isinstance(exc, oci.exceptions.RequestException | oci.exceptions.ConnectTimeout | requests.exceptions.RequestException):
        # The SDK wraps the requests exception as its first argument.
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
        name = type(inner).__name__
        if isinstance(inner, requests.exceptions.Timeout):
            return f"{name}: no response within the timeout"
        if isinstance(inner, requests.exceptions.ChunkedEncodingError | requests.exceptions.ContentDecodingError):
            return f"{name}: the response body was cut short"
        return f"{name}: connection failed or was reset"
    if isinstance(exc, ValueError | TypeError | KeyError | AttributeError):
        # The SDK hands an unparsable body to its model deserializer, which fails in one of these ways.
        return f"malformed response body or rejected request ({type(exc).__name__})"
    return f"{type(exc).__name__}: {str(exc)[:200]}"


class NoopSigner:
    """A signer that signs nothing: only a local emulator accepts it (GOVSCAN_OCI_ANONYMOUS=1 and tests)."""

    def __call__(self, request: Any) -> Any:
        request.headers["authorization"] = 'Signature version="1",keyId="anonymous",algorithm="rsa-sha256",signature="-"'
        return request

    @property
    def without_content_headers(self) -> NoopSigner:
        return self


def _anonymous_config(tenancy: str, region: str) -> dict[str, str]:
    return {"user": "ocid1.user.oc1..anonymous", "tenancy": tenancy, "region": region,
            "fingerprint": "00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00", "key_content": "unused"}


class Session:
    """Credentials, endpoint and client settings for one tenancy; counts every API call it makes."""

    def __init__(self, target: Mapping[str, Any]) -> None:
        import oci

        self.endpoint: str | None = target.get("endpoint") or os.environ.get("GOVSCAN_OCI_ENDPOINT") or None
        self.timeout = (float(target.get("connect_timeout") or 5), float(target.get("read_timeout") or 30))
        attempts = int(target.get("max_attempts") or 3)
        self.retry = oci.retry.RetryStrategyBuilder(
            max_attempts_check=True, max_attempts=attempts,
            total_elapsed_time_check=True, total_elapsed_time_seconds=float(target.get("retry_seconds") or 60),
            retry_base_sleep_time_seconds=float(target.get("retry_base_seconds") or 1),
            retry_max_wait_between_calls_seconds=float(target.get("retry_max_wait_seconds") or 10),
            backoff_type=oci.retry.BACKOFF_FULL_JITTER_EQUAL_ON_THROTTLE_VALUE,
        ).get_retry_strategy() if attempts > 1 else oci.retry.NoneRetryStrategy()
        self.signer: Any = target.get("signer")
        config: dict[str, Any] | None = dict(target["config"]) if target.get("config") else None
        auth = target.get("auth") or "config"
        tenancy = target.get("tenancy")
        if self.signer is None:
            if os.environ.get("GOVSCAN_OCI_ANONYMOUS") == "1":
                if not tenancy:
                    raise CollectionFailure("configure", "GOVSCAN_OCI_ANONYMOUS=1 needs --tenancy")
                self.signer = NoopSigner()
            elif auth == "instance_principal":
                self.signer = oci.auth.signers.InstancePrincipalsSecurityTokenSigner()
                tenancy = tenancy or self.signer.tenancy_id
            elif auth == "resource_principal":
                self.signer = oci.auth.signers.get_resource_principals_signer()
                tenancy = tenancy or self.signer.tenancy_id
            elif config is None:
                try:
                    config = oci.config.from_file(target.get("config_file") or oci.config.DEFAULT_LOCATION,
                                                  target.get("profile") or "DEFAULT")
                except Exception as exc:  # missing file or profile: a configuration problem, not a crash
                    raise CollectionFailure("configure", f"cannot read the OCI config: {type(exc).__name__}") from None
        if config is None:
            config = _anonymous_config(str(tenancy or "ocid1.tenancy.oc1..unknown"), "ap-tokyo-1")
        self.config = config
        self.tenancy: str = str(tenancy or config.get("tenancy") or "")
        if not self.tenancy:
            raise CollectionFailure("configure", "no tenancy OCID (give --tenancy or a config profile)")
        self.home_region: str = str(config.get("region") or "ap-tokyo-1")
        self.max_pages = int(target.get("max_pages") or MAX_PAGES)
        self.calls = 0
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, str, str, int], Any] = {}

    def client(self, service: str, region: str, endpoint: str | None = None) -> Any:
        """A client of `service` for `region` (one per thread: requests sessions are not shared)."""
        import importlib

        key = (service, region, endpoint or "", threading.get_ident())
        if key not in self._clients:
            module, name = _CLIENTS[service]
            cls = getattr(importlib.import_module(module), name)
            config = dict(self.config, region=region)
            kwargs: dict[str, Any] = {"retry_strategy": self.retry, "timeout": self.timeout,
                                      "circuit_breaker_strategy": _no_breaker()}
            if self.signer is not None:
                kwargs["signer"] = self.signer
            base = endpoint or (self.endpoint.replace("{region}", region) if self.endpoint else None)
            if base:
                kwargs["service_endpoint"] = base
            self._clients[key] = cls(config, **kwargs)
        return self._clients[key]

    def call(self, service: str, region: str, operation: str, *args: Any, endpoint: str | None = None,
             **kwargs: Any) -> Any:
        """`operation` on the service client; returns the response data or raises OciCallError."""
        method: Callable[..., Any] = getattr(self.client(service, region, endpoint), operation)
        self._count()
        try:
            return method(*args, **kwargs).data
        except Exception as exc:
            raise OciCallError(service, region, operation, describe(exc)) from None

    def pages(self, service: str, region: str, operation: str, *args: Any, endpoint: str | None = None,
              **kwargs: Any) -> list[Any]:
        """Every item of a paged list (`opc-next-page`), bounded by MAX_PAGES and repeated tokens."""
        method: Callable[..., Any] = getattr(self.client(service, region, endpoint), operation)
        items: list[Any] = []
        page: str | None = None
        seen: set[str] = set()
        for _ in range(self.max_pages):
            self._count()
            try:
                response = method(*args, **({**kwargs, "page": page} if page else kwargs))
            except Exception as exc:
                raise OciCallError(service, region, operation, describe(exc)) from None
            data = response.data
            items.extend(getattr(data, "items", data) or [])
            page = response.next_page
            if not page:
                return items
            if page in seen:
                raise OciCallError(service, region, operation, f"page token {page[:20]!r} repeated: paging stopped")
            seen.add(page)
        raise OciCallError(service, region, operation, f"more than {self.max_pages} pages: paging stopped")

    def _count(self) -> None:
        with self._lock:
            self.calls += 1


def _no_breaker() -> Any:
    import oci

    return oci.circuit_breaker.NoCircuitBreakerStrategy()


def to_dict(model: Any) -> Any:
    """An SDK model (or list of them) as snake_case dicts."""
    import oci

    return oci.util.to_dict(model)

"""The Cloud Asset client: REST transport, bounded retries that honour Retry-After, paged streaming."""

from __future__ import annotations

import functools
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from scanner.plugins import CollectionFailure

# The Cloud Asset API's enum values (the REST transport sends them as integers).
CONTENT_TYPES = {"RESOURCE": 1, "IAM_POLICY": 2, "ORG_POLICY": 4}
_SCOPE = "https://www.googleapis.com/auth/cloud-platform"


@dataclass(frozen=True)
class Settings:
    """How to reach Cloud Asset Inventory: endpoint, credentials mode and the bounds on every call."""

    endpoint: str | None = None
    anonymous: bool = False
    page_size: int = 1000
    timeout: float = 30.0  # seconds for one HTTP request
    retry_deadline: float = 60.0  # seconds for one page including every retry
    max_pages: int = 100_000  # 100 million assets per stream: a token that never ends stops here

    @classmethod
    def from_target(cls, target: dict[str, Any]) -> Settings:
        """Settings from the CLI target, then GOVSCAN_GCP_* environment variables, then defaults."""
        env = os.environ

        def pick(key: str, var: str, default: Any, cast: Callable[[Any], Any]) -> Any:
            value = target.get(key)
            if value in (None, ""):
                value = env.get(var)
            return default if value in (None, "") else cast(value)

        return cls(
            endpoint=pick("endpoint", "GOVSCAN_GCP_ENDPOINT", None, str),
            anonymous=pick("anonymous", "GOVSCAN_GCP_ANONYMOUS", False, _truthy),
            page_size=pick("page_size", "GOVSCAN_GCP_PAGE_SIZE", 1000, int),
            timeout=pick("timeout", "GOVSCAN_GCP_TIMEOUT", 30.0, float),
            retry_deadline=pick("retry_deadline", "GOVSCAN_GCP_RETRY_DEADLINE", 60.0, float),
            max_pages=pick("max_pages", "GOVSCAN_GCP_MAX_PAGES", 100_000, int),
        )


def _truthy(value: Any) -> bool:
    return value is True or str(value).strip().lower() in ("1", "true", "yes", "on")


def retry_after(exc: BaseException | None) -> float | None:
    """Seconds from a Retry-After header on the HTTP response behind an API error, if any."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    value = headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None  # an HTTP date: fall back to exponential back-off


def _transient(exc: Exception) -> bool:
    from google.api_core import exceptions as gexc
    from requests import exceptions as rexc

    return isinstance(exc, gexc.TooManyRequests | gexc.ServiceUnavailable | gexc.InternalServerError
                      | gexc.GatewayTimeout | gexc.BadGateway | rexc.ConnectionError | rexc.Timeout)


def bounded_retry(deadline: float, count: Callable[[], None]) -> Any:
    """A google-api-core Retry bounded by `deadline` seconds that waits as long as Retry-After asks.

    When Retry-After asks for longer than the time left, api-core gives up at once (RetryError):
    throttling past the bound ends the page instead of stalling the scan.
    """
    from google.api_core.retry import Retry, exponential_sleep_generator, retry_target

    class _Bounded(Retry):
        def __call__(self, func: Callable[..., Any], on_error: Callable[[Exception], Any] | None = None) -> Any:
            @functools.wraps(func)
            def wrapped(*args: Any, **kwargs: Any) -> Any:
                last: list[Exception] = []

                def target() -> Any:
                    count()
                    return func(*args, **kwargs)

                def sleeps() -> Iterator[float]:
                    for delay in exponential_sleep_generator(self._initial, self._maximum, self._multiplier):
                        hint = retry_after(last[-1] if last else None)
                        yield delay if hint is None else max(delay, hint)

                return retry_target(target, self._predicate, sleeps(), timeout=self._timeout, on_error=last.append)

            return wrapped

    return _Bounded(predicate=_transient, initial=0.2, maximum=8.0, multiplier=2.0, timeout=deadline)


_STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
           429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 502: "BAD_GATEWAY", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}
_URL_PREFIX = re.compile(r"^(GET|POST) \S+: ")


def describe_error(exc: BaseException) -> str:
    """A short, credential-free reason for an SDK or transport error (compared by type and code)."""
    from google.api_core import exceptions as gexc

    if isinstance(exc, gexc.RetryError):
        cause = exc.cause
        inner = describe_error(cause) if cause is not None else "no response"
        return f"gave up after retries within the deadline: {inner}"
    if isinstance(exc, gexc.GoogleAPICallError):
        status = getattr(exc, "grpc_status_code", None)
        name = _STATUS.get(int(exc.code or 0)) or (status.name if status is not None else type(exc).__name__)
        # The REST transport prefixes the message with the method and URL; keep only the server's text.
        return f"HTTP {exc.code} {name}: {_URL_PREFIX.sub('', str(exc.message))}"
    return f"{type(exc).__name__}: {exc}"


class AssetLister:
    """Streams `list_assets` pages for one parent, counting every HTTP request as an API call."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.calls = 0
        self._lock = threading.Lock()
        self._local = threading.local()

    def count(self) -> None:
        """One more HTTP request."""
        with self._lock:
            self.calls += 1

    def client(self) -> Any:
        """The AssetServiceClient of this thread (REST transport; ADC unless anonymous)."""
        client = getattr(self._local, "client", None)
        if client is None:
            from google.api_core.client_options import ClientOptions
            from google.cloud import asset_v1

            credentials = None
            if self.settings.anonymous:
                from google.auth.credentials import AnonymousCredentials

                credentials = AnonymousCredentials()
            options = ClientOptions(api_endpoint=self.settings.endpoint, scopes=[_SCOPE]) if self.settings.endpoint \
                else ClientOptions(scopes=[_SCOPE])
            client = asset_v1.AssetServiceClient(credentials=credentials, transport="rest", client_options=options)
            self._local.client = client
        return client

    def assets(self, parent: str, content_type: str, asset_types: Sequence[str]) -> Iterator[dict[str, Any]]:
        """Every asset of `parent` for a content type, as camelCase JSON dicts, page by page.

        Raises CollectionFailure naming ListAssets, the content type and the asset types.
        """
        from google.protobuf.json_format import MessageToDict

        operation = f"ListAssets({content_type}: {', '.join(asset_types)})"
        request = {"parent": parent, "content_type": CONTENT_TYPES[content_type],
                   "asset_types": list(asset_types), "page_size": self.settings.page_size}
        retry = bounded_retry(self.settings.retry_deadline, self.count)
        seen_tokens: set[str] = set()
        pages = 0
        started = time.monotonic()
        try:
            pager = self.client().list_assets(request=request, retry=retry, timeout=self.settings.timeout)
            for page in pager.pages:
                pages += 1
                for asset in page.assets:
                    yield MessageToDict(asset._pb)
                token = page.next_page_token
                if token and token in seen_tokens:
                    raise CollectionFailure(operation, f"the page token {token[:32]!r} repeats after {pages} pages")
                if token and pages >= self.settings.max_pages:
                    raise CollectionFailure(operation, f"more than {self.settings.max_pages} pages: paging stopped")
                seen_tokens.add(token)
        except CollectionFailure:
            raise
        except Exception as exc:  # SDK, transport or parse error: the unit names the operation
            took = time.monotonic() - started
            raise CollectionFailure(operation, f"{describe_error(exc)} (page {pages + 1}, after {took:.1f}s)") from None

"""A thin read-only client for the Sakura Cloud IaaS API 1.1 (httpx): paging, rate limits, counted calls."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from scanner.plugins import CollectionFailure

DEFAULT_ROOT = "https://secure.sakura.ad.jp/cloud/zone"
PAGE = 100
# A `Total` that keeps growing must not page forever.
MAX_PAGES = 200
RETRY_STATUSES = {423, 429, 503}


class SakuraCallError(Exception):
    """One failed call: which service, zone and operation, and why."""

    def __init__(self, service: str, zone: str, operation: str, reason: str) -> None:
        super().__init__(f"{service}/{zone}/{operation}: {reason}")
        self.service = service
        self.zone = zone
        self.operation = operation
        self.reason = reason

    def failure(self) -> CollectionFailure:
        """The engine's unit-level failure for this call."""
        return CollectionFailure(self.operation, f"{self.service} in {self.zone}: {self.reason}")


def credentials(target: Mapping[str, Any]) -> tuple[str, str]:
    """The API key from the target or the environment names the Sakura tools use; never logged."""
    token = target.get("token") or os.environ.get("SAKURACLOUD_ACCESS_TOKEN") or os.environ.get("SAKURA_ACCESS_TOKEN")
    secret = (target.get("secret") or os.environ.get("SAKURACLOUD_ACCESS_TOKEN_SECRET")
              or os.environ.get("SAKURA_ACCESS_TOKEN_SECRET"))
    if not token or not secret:
        raise CollectionFailure("configure", "set SAKURACLOUD_ACCESS_TOKEN and SAKURACLOUD_ACCESS_TOKEN_SECRET")
    return str(token), str(secret)


class SakuraClient:
    """GET-only access to one Sakura account; counts every HTTP request it sends."""

    def __init__(self, target: Mapping[str, Any]) -> None:
        import httpx

        token, secret = credentials(target)
        self.root = str(target.get("endpoint") or os.environ.get("GOVSCAN_SAKURA_ENDPOINT") or DEFAULT_ROOT).rstrip("/")
        self.max_attempts = int(target.get("max_attempts") or 4)
        self.max_wait = float(target.get("max_wait_seconds") or 10)
        self.backoff = float(target.get("backoff_seconds") or 1)
        self.page_size = int(target.get("page_size") or PAGE)
        timeout = httpx.Timeout(float(target.get("read_timeout") or 30), connect=float(target.get("connect_timeout") or 5))
        self._http = httpx.Client(auth=httpx.BasicAuth(token, secret), timeout=timeout, headers={
            "X-Sakura-Bigint-As-Int": "1", "Accept": "application/json", "X-Requested-With": "XMLHttpRequest",
            "X-Sakura-No-Authenticate-Header": "1", "User-Agent": "govscan"})
        self.calls = 0
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def get(self, service: str, zone: str, path: str, operation: str, query: Mapping[str, Any] | None = None,
            missing_ok: bool = False) -> Any:
        """One GET below the API root (`{root}/{zone}/api/...`), retried on 423/429/503 within bounds."""
        import httpx

        url = f"{self.root}/{zone}/{path}"
        if query is not None:
            url += "?" + quote(json.dumps(query, separators=(",", ":")))
        for attempt in range(1, self.max_attempts + 1):
            with self._lock:
                self.calls += 1
            try:
                response = self._http.get(url)
            except httpx.TimeoutException as exc:
                raise SakuraCallError(service, zone, operation, f"{type(exc).__name__}: no response within the timeout") from None
            except httpx.TransportError as exc:
                # A GET is idempotent: a dropped keep-alive connection is retried within the same bound.
                if attempt < self.max_attempts:
                    time.sleep(min(self.backoff * 2 ** (attempt - 1), self.max_wait))
                    continue
                what = ("the response body was truncated" if isinstance(exc, httpx.RemoteProtocolError)
                        else "connection failed or was reset")
                raise SakuraCallError(service, zone, operation, f"{type(exc).__name__}: {what}") from None
            if response.status_code in RETRY_STATUSES and attempt < self.max_attempts:
                time.sleep(self._wait(response, attempt))
                continue
            if missing_ok and response.status_code == 404:
                return None
            if response.status_code >= 400:
                raise SakuraCallError(service, zone, operation, _error_reason(response))
            try:
                return response.json()
            except ValueError:
                raise SakuraCallError(service, zone, operation, "malformed or truncated response body") from None
        raise AssertionError("unreachable")

    def _wait(self, response: Any, attempt: int) -> float:
        header = response.headers.get("Retry-After")
        try:
            wait = float(header) if header is not None else self.backoff * 2 ** (attempt - 1)
        except ValueError:
            wait = self.backoff * 2 ** (attempt - 1)
        return min(max(wait, 0.0), self.max_wait)

    def find(self, service: str, zone: str, resource: str, envelope: str,
             flt: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Every item of a list, paged with Count/From until Total; a lying Total stops at an empty page."""
        items: list[dict[str, Any]] = []
        seen: set[str] = set()
        start = 0
        operation = f"GET {resource}" + (f" ({next(iter(flt.values()))})" if flt else "")
        for _ in range(MAX_PAGES):
            query: dict[str, Any] = {"Count": self.page_size, "From": start}
            if flt:
                query["Filter"] = dict(flt)
            body = self.get(service, zone, f"api/cloud/1.1/{resource}", operation, query)
            if not isinstance(body, Mapping) or not isinstance(body.get(envelope, []), list):
                raise SakuraCallError(service, zone, operation, f"malformed response body (no {envelope} list)")
            page = body.get(envelope) or []
            ids = {str(i.get("ID")) for i in page if isinstance(i, Mapping)}
            if page and ids and ids <= seen:
                raise SakuraCallError(service, zone, operation, "paging did not advance (Total does not match the items)")
            seen |= ids
            items.extend(page)
            start += len(page)
            # Trust a short page over `Total`: a Total that lies high must not page forever, and one that
            # lies low must not hide the rest (a full page is always followed by one more request).
            if len(page) < self.page_size:
                return items
        raise SakuraCallError(service, zone, operation, f"more than {MAX_PAGES} pages: paging stopped")


def _error_reason(response: Any) -> str:
    """`HTTP 401 unauthorized: ...` from Sakura's error envelope (never the request headers)."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    code = body.get("error_code") if isinstance(body, Mapping) else None
    message = body.get("error_msg") if isinstance(body, Mapping) else None
    return f"HTTP {response.status_code}" + (f" {code}" if code else "") + (f": {str(message)[:200]}" if message else "")

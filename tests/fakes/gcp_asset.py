"""A local fake of the Cloud Asset Inventory REST API (`GET /v1/{parent}/assets`) for tests and benchmarks.

It serves real-shaped assets from a store, pages them with `nextPageToken`, logs every request and
can inject faults. Bound to 127.0.0.1 on an ephemeral port, HTTP/1.1 with TCP_NODELAY.
"""

from __future__ import annotations

import json
import re
import socket
import struct
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "gcp"
CONTENT = {"1": "RESOURCE", "2": "IAM_POLICY", "4": "ORG_POLICY", "RESOURCE": "RESOURCE",
           "IAM_POLICY": "IAM_POLICY", "ORG_POLICY": "ORG_POLICY"}
_ROUTE = re.compile(r"^/v1/(?P<parent>(?:organizations|folders|projects)/[^/]+)/assets$")


class FixtureStore:
    """Assets from the JSON fixtures, filtered by parent, content type and asset types."""

    def __init__(self, directory: Path = FIXTURES) -> None:
        self.assets = {
            "RESOURCE": json.loads((directory / "resources.json").read_text(encoding="utf-8")),
            "IAM_POLICY": json.loads((directory / "iam_policies.json").read_text(encoding="utf-8")),
            "ORG_POLICY": json.loads((directory / "org_policies.json").read_text(encoding="utf-8")),
        }
        self.project_numbers = {
            a["resource"]["data"]["projectId"]: f"projects/{a['resource']['data']['projectNumber']}"
            for a in self.assets["RESOURCE"] if a["assetType"] == "cloudresourcemanager.googleapis.com/Project"
        }

    def select(self, parent: str, content: str, types: Sequence[str]) -> Sequence[dict[str, Any]]:
        """The assets under `parent` of the content type and asset types, in a stable order."""
        if parent.startswith("projects/"):
            parent = self.project_numbers.get(parent.removeprefix("projects/"), parent)
        wanted = set(types)
        return [a for a in self.assets[content]
                if parent in (a.get("ancestors") or []) and (not wanted or a["assetType"] in wanted)]


@dataclass
class Fault:
    """A fault for requests that match: `kind` is one of 429 503 slow reset 403 malformed truncated
    endless endless_new; `times` limits how often it fires (None: always)."""

    kind: str
    parent: str | None = None
    content: str | None = None
    asset_type: str | None = None
    times: int | None = None
    retry_after: float = 1.0
    delay: float = 2.0
    fired: int = 0

    def matches(self, parent: str, content: str, types: Sequence[str]) -> bool:
        """True when this fault applies to the request and has not used up its `times`."""
        if self.times is not None and self.fired >= self.times:
            return False
        return ((self.parent is None or parent == self.parent) and (self.content is None or content == self.content)
                and (self.asset_type is None or self.asset_type in types))


@dataclass
class FakeAssetServer:
    """The fake server; `requests` logs (parent, content type, asset types, page token) of each call."""

    store: Any = field(default_factory=FixtureStore)
    page_cap: int | None = None
    faults: list[Fault] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    on_page: Callable[[], None] | None = None

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        """`http://127.0.0.1:PORT`."""
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeAssetServer:
        """Serve in a daemon thread."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> FakeAssetServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def fault_for(self, parent: str, content: str, types: Sequence[str]) -> Fault | None:
        """The first matching fault, counted as fired."""
        with self._lock:
            for fault in self.faults:
                if fault.matches(parent, content, types):
                    fault.fired += 1
                    return fault
        return None

    def log(self, entry: dict[str, Any]) -> None:
        """Record one request."""
        with self._lock:
            self.requests.append(entry)


def _handler(server: FakeAssetServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, code: int, body: bytes, headers: dict[str, str] | None = None, length: int | None = None) -> None:
            self.send_response(code)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(body) if length is None else length))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        def _error(self, code: int, status: str, message: str, headers: dict[str, str] | None = None) -> None:
            body = json.dumps({"error": {"code": code, "message": message, "status": status}}).encode()
            self._send(code, body, headers)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            match = _ROUTE.match(unquote(url.path))
            if not match:
                self._error(404, "NOT_FOUND", f"no route {url.path}")
                return
            parent = match["parent"]
            content = CONTENT.get(query.get("contentType", ["0"])[0], "RESOURCE")
            types = query.get("assetTypes", [])
            token = query.get("pageToken", [""])[0]
            size = int(query.get("pageSize", ["100"])[0])
            if server.page_cap:
                size = min(size, server.page_cap)
            server.log({"method": "GET", "parent": parent, "content_type": content, "asset_types": types,
                        "page_token": token, "page_size": size})
            fault = server.fault_for(parent, content, types)
            if fault is not None and self._inject(fault, parent, content, types, token, size):
                return
            self._page(parent, content, types, token, size)

        def _page(self, parent: str, content: str, types: Sequence[str], token: str, size: int) -> None:
            items = server.store.select(parent, content, types)
            start = int(token or 0)
            body: dict[str, Any] = {"assets": list(items[start:start + size]), "readTime": "2026-11-27T00:00:00Z"}
            if start + size < len(items):
                body["nextPageToken"] = str(start + size)
            if server.on_page:
                server.on_page()
            self._send(200, json.dumps(body).encode())

        def _inject(self, fault: Fault, parent: str, content: str, types: Sequence[str], token: str, size: int) -> bool:
            kind = fault.kind
            if kind == "429":
                self._error(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'List assets requests'",
                            {"Retry-After": str(fault.retry_after)})
            elif kind == "503":
                self._error(503, "UNAVAILABLE", "The service is currently unavailable.")
            elif kind == "403":
                self._error(403, "PERMISSION_DENIED",
                            f"The caller does not have permission cloudasset.assets.list on {parent}")
            elif kind == "slow":
                time.sleep(fault.delay)
                return False
            elif kind == "reset":
                # SO_LINGER 0 makes close() send a TCP RST instead of a FIN.
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
                self.close_connection = True
            elif kind == "malformed":
                self._send(200, b"{\"assets\": [{\"name\": \"//storage.googleapis.com/x\", <html>oops")
            elif kind == "truncated":
                items = server.store.select(parent, content, types)
                whole = json.dumps({"assets": list(items[:size]), "nextPageToken": "x"}).encode()
                self._send(200, whole[: len(whole) // 2])
            elif kind == "endless":
                self._send(200, json.dumps({"assets": [], "nextPageToken": "same-token-forever"}).encode())
            elif kind == "endless_new":
                self._send(200, json.dumps({"assets": [], "nextPageToken": f"t{int(token.lstrip('t') or 0) + 1}"}).encode())
            else:
                return False
            return True

    return Handler

"""A local fake of Azure Resource Manager and Resource Graph for tests and benchmarks.

It serves real-shaped payloads from `tests/fixtures/azure/` (or rows given by the caller) on
http://127.0.0.1 (ephemeral port, HTTP/1.1 keep-alive, Nagle off): the subscriptions list paged
with absolute `nextLink` URLs, Resource Graph queries paged with `$skipToken`, and plain ARM GETs.
It logs every request with the RBAC action it needs, and injects faults on demand.
"""

from __future__ import annotations

import json
import re
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "azure"
GRAPH_PATH = "/providers/microsoft.resourcegraph/resources"


def load_fixtures(root: Path = FIXTURES) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """Subscriptions, Resource Graph rows (with their `_table`) and ARM documents by path."""
    subs = json.loads((root / "subscriptions.json").read_text(encoding="utf-8"))
    rows = json.loads((root / "graph_rows.json").read_text(encoding="utf-8"))
    arm = json.loads((root / "arm.json").read_text(encoding="utf-8"))
    return subs, rows, arm


def action_of(method: str, path: str) -> str:
    """The RBAC action a request needs: provider namespace, resource types, then read."""
    path = urlsplit(path).path
    if path.lower() == GRAPH_PATH:
        return "Microsoft.ResourceGraph/resources/read"
    if path.rstrip("/").lower() == "/subscriptions":
        return "Microsoft.Resources/subscriptions/read"
    parts = [p for p in path.split("/") if p]
    if "providers" not in parts:
        return f"Microsoft.Resources/{method}"
    rest = parts[len(parts) - 1 - parts[::-1].index("providers") + 1:]
    namespace, names = rest[0], rest[1:]
    types = names[0::2]
    verb = "read" if method == "GET" else method.lower()
    return "/".join([namespace, *types, verb])


@dataclass
class Fault:
    """One injected fault: `kind` on requests that `match`, at most `times` times (None: always)."""

    kind: str  # 429, 500, 503, slow, reset, 403, malformed, truncated, endless, repeat_token
    match: Callable[[str, str, Mapping[str, Any]], bool]
    times: int | None = None
    retry_after: str = "1"
    delay: float = 3.0
    hits: int = 0


@dataclass
class FakeAzure:
    """The fake's state: tenant data, faults, the request log and the page size."""

    subscriptions: list[dict[str, Any]]
    rows: list[dict[str, Any]]
    arm: dict[str, Any]
    page_size: int = 1000
    subscription_page: int = 2
    faults: list[Fault] = field(default_factory=list)
    log: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    by_table: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.index()

    def index(self) -> None:
        """Group rows by (table, type) once, so each query only scans what it asks for."""
        self.by_table = {}
        for row in self.rows:
            self.by_table.setdefault((row.get("_table", "resources"), row["type"].lower()), []).append(row)
        self.arm = {k.lower(): v for k, v in self.arm.items()}

    def fault_for(self, method: str, path: str, body: Mapping[str, Any]) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if (fault.times is None or fault.hits < fault.times) and fault.match(method, path, body):
                    fault.hits += 1
                    return fault
        return None

    def record(self, method: str, path: str, body: Mapping[str, Any], status: int, auth: str = "") -> None:
        with self.lock:
            self.log.append({"method": method, "path": path, "action": action_of(method, path), "auth": auth,
                             "subscriptions": list(body.get("subscriptions") or []), "status": status,
                             "query": str(body.get("query") or "")})

    def query(self, body: Mapping[str, Any]) -> tuple[list[dict[str, Any]], int]:
        """Rows a Resource Graph query selects (table, `type in~`, `id in~`, subscriptions)."""
        text = str(body.get("query") or "")
        table = text.split("|", 1)[0].strip().lower()
        subs = {s.lower() for s in body.get("subscriptions") or []}
        types = _listed(text, "type")
        ids = _listed(text, "id")
        if types is not None:
            candidates: Iterable[dict[str, Any]] = [r for t in sorted(types) for r in self.by_table.get((table, t), [])]
        else:
            candidates = [r for (tab, _), rs in self.by_table.items() if tab == table for r in rs]
        out = []
        for row in candidates:
            sub = str(row.get("subscriptionId") or "").lower()
            # management-group assignments carry no subscription: the fake shows them to every query
            if subs and sub and sub not in subs:
                continue
            if ids is not None and row["id"].lower() not in ids:
                continue
            out.append({k: v for k, v in row.items() if k != "_table"})
        if ids is not None:
            out = [{"id": r["id"], "location": r["location"]} for r in out]
        out.sort(key=lambda r: r["id"].lower())
        return out, len(out)


def listed_types(query: str) -> set[str]:
    """The resource types a Resource Graph query reads (`type in~ (...)`)."""
    return _listed(query, "type") or set()


def _listed(text: str, column: str) -> set[str] | None:
    found = re.search(rf"\b{column} in~ \(([^)]*)\)", text)
    if not found:
        return None
    return {v.strip().strip("'").lower() for v in found.group(1).split(",") if v.strip()}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    fake: FakeAzure

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, status: int, body: Any, headers: Mapping[str, str] | None = None, raw: bytes | None = None,
              length: int | None = None) -> None:
        data = raw if raw is not None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(length if length is not None else len(data)))
        self.send_header("x-ms-request-id", "fake-request")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def _error(self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> None:
        self._send(status, {"error": {"code": code, "message": message}}, headers)

    def _base(self) -> str:
        return f"http://{self.headers['Host']}"

    def _inject(self, fault: Fault) -> bool:
        """Apply a fault; True when the request is answered (or dropped) by it."""
        if fault.kind == "429":
            self._error(429, "RateLimiting", "Please retry later", {"Retry-After": fault.retry_after})
        elif fault.kind in ("500", "503"):
            self._error(int(fault.kind), "ServerBusy", "The service is busy")
        elif fault.kind == "403":
            self._error(403, "AuthorizationFailed", "The client does not have authorization to perform action.")
        elif fault.kind == "malformed":
            self._send(200, None, raw=b'{"totalRecords": 3, "data": [ {"id": "/subscriptions/x", oops')
        elif fault.kind == "truncated":
            self._send(200, None, raw=b'{"value": [{"id": "/subscriptions/', length=4096)
            self.close_connection = True
        elif fault.kind == "reset":
            # RST instead of FIN: SO_LINGER with a zero timeout, then close.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
        elif fault.kind == "slow":
            time.sleep(fault.delay)
            return False
        else:
            return False
        return True

    def _body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw or b"{}")
        except ValueError:
            return {}

    def do_GET(self) -> None:
        self._handle("GET", {})

    def do_POST(self) -> None:
        self._handle("POST", self._body())

    def do_PUT(self) -> None:
        self._handle("PUT", self._body())

    def do_DELETE(self) -> None:
        self._handle("DELETE", {})

    def _handle(self, method: str, body: dict[str, Any]) -> None:
        fake = self.fake
        url = urlsplit(self.path)
        fault = fake.fault_for(method, url.path, body)
        status = int(fault.kind) if fault and fault.kind.isdigit() else 200
        fake.record(method, self.path, body, status, self.headers.get("Authorization") or "")
        if fault and self._inject(fault):
            return
        if method != "GET" and url.path.lower() != GRAPH_PATH:
            return self._error(405, "MethodNotAllowed", "the fake is read-only")
        if url.path.lower() == GRAPH_PATH:
            return self._graph(body, fault)
        if url.path.rstrip("/").lower() == "/subscriptions":
            return self._subscriptions(parse_qs(url.query))
        doc = fake.arm.get(url.path.rstrip("/").lower())
        if doc is None:
            return self._error(404, "ResourceNotFound", f"{url.path} was not found")
        return self._send(200, doc)

    def _subscriptions(self, query: Mapping[str, list[str]]) -> None:
        fake = self.fake
        start = int((query.get("$skiptoken") or ["0"])[0])
        page = fake.subscriptions[start:start + fake.subscription_page]
        body: dict[str, Any] = {"value": page}
        if start + fake.subscription_page < len(fake.subscriptions):
            version = (query.get("api-version") or ["2022-12-01"])[0]
            body["nextLink"] = f"{self._base()}/subscriptions?api-version={version}&%24skiptoken={start + fake.subscription_page}"
        self._send(200, body)

    def _graph(self, body: Mapping[str, Any], fault: Fault | None) -> None:
        fake = self.fake
        options = body.get("options") or {}
        top = min(int(options.get("$top") or 100), fake.page_size)
        token = str(options.get("$skipToken") or "")
        start = int(token.split(":")[-1]) if token else 0
        rows, total = fake.query(body)
        if fault and fault.kind == "endless":
            start = 0  # the same first page again and again, each time with a fresh token
        page = rows[start:start + top]
        reply: dict[str, Any] = {"totalRecords": total, "count": len(page), "resultTruncated": "false",
                                 "facets": [], "data": page}
        if fault and fault.kind == "endless":
            reply["$skipToken"] = f"endless:{time.monotonic_ns()}:{top}"
        elif fault and fault.kind == "repeat_token":
            reply["$skipToken"] = "stuck:0"
        elif start + top < total:
            reply["$skipToken"] = f"ew0KICAi:{start + top}"
        self._send(200, reply, {"x-ms-user-quota-remaining": "14", "x-ms-user-quota-resets-after": "00:00:05"})


class FakeAzureServer:
    """Runs a FakeAzure on 127.0.0.1 with an ephemeral port in a background thread."""

    def __init__(self, fake: FakeAzure) -> None:
        self.fake = fake
        handler = type("Handler", (_Handler,), {"fake": fake})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        # A client that gave up (timeout, reset) leaves a broken pipe behind: not the fake's error.
        self.httpd.handle_error = lambda request, address: None  # type: ignore[method-assign]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """Base URL of the fake."""
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> FakeAzureServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def from_fixtures(**kwargs: Any) -> FakeAzure:
    """A FakeAzure holding the recorded tenant of `tests/fixtures/azure/`."""
    subs, rows, arm = load_fixtures()
    return FakeAzure(subs, rows, arm, **kwargs)

"""A local Sakura Cloud emulator: the IaaS API 1.1 of every zone, webaccel and object storage, on 127.0.0.1.

The API root is `http://127.0.0.1:PORT/cloud/zone`; below it Sakura's own paths are kept
(`/{zone}/api/cloud/1.1/{resource}?{json}`). Payloads are PascalCase JSON from
`tests/fixtures/sakura/account.json`. Find queries page with Count/From and answer Total; IDs are
numbers only with `X-Sakura-Bigint-As-Int: 1`. Requests are logged; faults can be injected.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from tests.fakes.wire import reset, truncated

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "sakura" / "account.json"
TOKEN, SECRET = "00000000-0000-4000-8000-fakefaketoken", "fake-secret-never-real"
ENVELOPES = {"server": "Servers", "disk": "Disks", "switch": "Switches", "internet": "Internet",
             "packetfilter": "PacketFilters", "appliance": "Appliances", "commonserviceitem": "CommonServiceItems",
             "zone": "Zones"}
FIXTURE_KEYS = {"server": "servers", "disk": "disks", "switch": "switches", "internet": "internet",
                "packetfilter": "packetfilters", "appliance": "appliances", "commonserviceitem": "commonserviceitems"}



def load_state() -> dict[str, Any]:
    """A fresh copy of the fixture account."""
    state: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return state


@dataclass
class Fault:
    """One injected fault: what it hits (operation substring, zone) and what it does."""

    kind: str  # 429, 503, 500, 401, 403, slow, reset, malformed, truncated, lying_total
    operation: str | None = None
    zone: str | None = None
    times: int | None = None
    delay: float = 0.0

    def matches(self, operation: str, zone: str) -> bool:
        return ((self.operation is None or self.operation in operation) and (self.zone is None or self.zone == zone)
                and (self.times is None or self.times > 0))


def _ids_as_strings(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: (str(v) if (k == "ID" or k.endswith("ID")) and isinstance(v, int) else _ids_as_strings(v))
                for k, v in obj.items()}
    if isinstance(obj, list):
        return [_ids_as_strings(x) for x in obj]
    return obj


def _matches(item: dict[str, Any], flt: dict[str, Any]) -> bool:
    for key, want in (flt or {}).items():
        cur: Any = item
        for part in key.split("."):
            cur = cur.get(part) if isinstance(cur, dict) else None
        if cur not in (want if isinstance(want, list) else [want]):
            return False
    return True


class FakeSakura:
    """The emulator; `start()` returns the API root."""

    def __init__(self, state: dict[str, Any] | None = None) -> None:
        self.state = state or load_state()
        self.faults: list[Fault] = []
        self.log: list[dict[str, Any]] = []
        self.credentials = (TOKEN, SECRET)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> str:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = _QuietServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_address[1]}/cloud/zone"

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def operations(self) -> list[str]:
        """Operation names the log recorded, in order."""
        return [r["operation"] for r in self.log]

    # -- routing ---------------------------------------------------------------------------------
    def route(self, path: str, query: str) -> tuple[str, str, Any, dict[str, Any] | None]:
        """(zone, operation, body or None for 404, find condition) for a GET."""
        parts = [unquote(p) for p in path.split("/") if p]
        # cloud / zone / {zone} / api / {service} / {version} / ...
        if len(parts) < 6 or parts[:2] != ["cloud", "zone"] or parts[3] != "api":
            return "", f"GET {path}", None, None
        zone, service, rest = parts[2], parts[4], parts[6:]
        if service == "cloud" and len(rest) == 1:
            resource = rest[0]
            condition = json.loads(unquote(query)) if query else {}
            return zone, f"GET cloud/1.1/{resource}", self._find(zone, resource, condition), condition
        if service == "webaccel" and rest == ["site"]:
            sites = self.state["webaccel"] if zone == "is1a" else []
            return zone, "GET webaccel/1.0/site", {"Count": len(sites), "From": 0, "Total": len(sites), "Sites": sites}, None
        if service == "objectstorage":
            store = self.state["objectStorage"]
            if rest == ["fed", "v1", "clusters"]:
                return zone, "GET objectstorage/1.0/fed/v1/clusters", {"data": store["sites"]}, None
            if len(rest) >= 3 and rest[1:3] == ["v2", "buckets"]:
                site = rest[0]
                if len(rest) == 3:
                    return zone, "GET objectstorage/1.0/{site}/v2/buckets", {"data": store["buckets"].get(site, [])}, None
                if len(rest) == 5 and rest[4] in ("encryption", "replication"):
                    data = store[rest[4]].get(rest[3])
                    return zone, f"GET objectstorage/1.0/{{site}}/v2/buckets/{{name}}/{rest[4]}", (
                        None if data is None else {"data": data}), None
        return zone, f"GET {path}", None, None

    def _find(self, zone: str, resource: str, condition: dict[str, Any]) -> Any:
        if resource == "zone":
            items = self.state["zoneList"]
        elif resource in FIXTURE_KEYS:
            zone_state = self.state["zones"].get(zone)
            if zone_state is None:
                return None
            items = list(zone_state.get(FIXTURE_KEYS[resource], []))
            if resource == "commonserviceitem" and zone == "is1a":
                items += self.state["global"]  # global items are served through is1a only
        else:
            return None
        items = [i for i in items if _matches(i, condition.get("Filter") or {})]
        start, count = int(condition.get("From", 0)), int(condition.get("Count", 0) or len(items) or 1)
        page = items[start:start + count]
        return {"From": start, "Count": len(page), "Total": len(items), ENVELOPES[resource]: page, "is_ok": True}


class _QuietServer(ThreadingHTTPServer):
    """Clients that time out or reset leave broken pipes behind: expected under fault injection."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    fake: FakeSakura

    def log_message(self, *args: Any) -> None:
        pass

    def _authorized(self) -> bool:
        header = self.headers.get("Authorization") or ""
        if not header.startswith("Basic "):
            return False
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        return (user, password) == self.fake.credentials

    def do_GET(self) -> None:
        fake = self.fake
        parts = urlsplit(self.path)
        zone, operation, body, condition = fake.route(parts.path, parts.query)
        fault = None
        with fake._lock:
            for f in fake.faults:
                if f.matches(operation, zone):
                    fault = f
                    if f.times is not None:
                        f.times -= 1
                    break
            fake.log.append({"method": "GET", "path": parts.path, "zone": zone, "operation": operation,
                             "condition": condition, "fault": fault.kind if fault else None,
                             "bigint": self.headers.get("X-Sakura-Bigint-As-Int") == "1"})
        if not self._authorized():
            return self._error(401, "unauthorized", "認証に失敗しました / authentication failed")
        if fault is not None and fault.kind not in ("slow", "lying_total"):
            return self._fault(fault)
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.delay or 3.0)
        if body is None:
            return self._error(404, "not_found", "対象が見つかりません / not found")
        if fault is not None and fault.kind == "lying_total" and isinstance(body, dict) and "Total" in body:
            first = fake._find(zone, operation.rsplit("/", 1)[-1], {**(condition or {}), "From": 0})
            body = {**first, "Total": 10**6}  # ignores From and claims a million items
        if self.headers.get("X-Sakura-Bigint-As-Int") != "1":
            body = _ids_as_strings(body)
        self._send(200, body)

    def do_POST(self) -> None:
        self._refuse()

    def do_PUT(self) -> None:
        self._refuse()

    def do_DELETE(self) -> None:
        self._refuse()

    def _refuse(self) -> None:
        with self.fake._lock:
            self.fake.log.append({"method": self.command, "path": self.path, "zone": "", "operation": f"{self.command} {self.path}"})
        self._error(405, "method_not_allowed", "read-only emulator")

    def _fault(self, fault: Fault) -> None:
        if fault.kind == "429":
            return self._error(429, "too_many_requests", "リクエスト数が多すぎます", {"Retry-After": "1"})
        if fault.kind in ("500", "503"):
            return self._error(int(fault.kind), "service_unavailable", "injected server error", {"Retry-After": "1"})
        if fault.kind == "401":
            return self._error(401, "unauthorized", "認証に失敗しました / authentication failed")
        if fault.kind == "403":
            return self._error(403, "forbidden", "権限がありません / permission denied")
        if fault.kind == "malformed":
            return self._raw(200, b'{"From": 0, "Count": 1, "Total": 1, "Servers": [{"ID": 1, "Name": ')
        if fault.kind == "truncated":
            return truncated(self, b'{"From": 0, "Count": 1, "Total": 1, "Disks": [{"ID": 11310000',
                             "application/json; charset=UTF-8", 500)
        if fault.kind == "reset":
            return reset(self)
        raise ValueError(fault.kind)

    def _error(self, code: int, error_code: str, message: str, headers: dict[str, str] | None = None) -> None:
        self._send(code, {"is_fatal": True, "serial": "fake-serial", "status": f"{code}", "error_code": error_code,
                          "error_msg": message}, headers)

    def _send(self, code: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self._raw(code, json.dumps(body, ensure_ascii=False).encode(), headers)

    def _raw(self, code: int, raw: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(raw)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(raw)

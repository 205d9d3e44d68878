"""A local OCI emulator: one http.server on 127.0.0.1 serving every service path the scanner calls.

The base URL is `http://127.0.0.1:PORT/{region}`: the first path segment names the region, the
rest is the SDK's own path (`/20160918/...`, `/n/...`, `/20180608/...`). Payloads are camelCase
JSON from `tests/fixtures/oci/`; lists page through the `opc-next-page` header. Every request is
logged with its operation name, and faults can be injected per operation or region.
"""

from __future__ import annotations

import copy
import functools
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.fakes.wire import reset, truncated

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "oci"



def load_state() -> dict[str, Any]:
    """A fresh copy of the fixture tenancy: `tenancy` and one dict per region."""
    tenancy = json.loads((FIXTURES / "tenancy.json").read_text(encoding="utf-8"))
    regions = {s["regionName"]: json.loads((FIXTURES / f"{s['regionName']}.json").read_text(encoding="utf-8"))
               for s in tenancy["regionSubscriptions"] if (FIXTURES / f"{s['regionName']}.json").exists()}
    return {"tenancy": tenancy, "regions": regions}


@dataclass
class Fault:
    """One injected fault: what it hits and what it does."""

    kind: str  # 429, 500, 503, 401, 404, slow, reset, malformed, truncated, endless
    operation: str | None = None
    region: str | None = None
    times: int | None = None  # None: every matching request
    delay: float = 0.0

    def matches(self, operation: str, region: str) -> bool:
        return ((self.operation is None or self.operation == operation) and (self.region is None or self.region == region)
                and (self.times is None or self.times > 0))


# Search resource types and the fixture lists they come from.
SEARCH_TYPES = {
    "Bucket": "buckets", "Volume": "volumes", "BootVolume": "bootVolumes", "Instance": "instances", "Vcn": "vcns",
    "Subnet": "subnets", "SecurityList": "securityLists", "NetworkSecurityGroup": "networkSecurityGroups",
    "AutonomousDatabase": "autonomousDatabases", "Database": "databases", "Vault": "vaults", "LogGroup": "logGroups",
    "FileSystem": "fileSystems",
}


def search_items(region_state: dict[str, Any]) -> list[dict[str, Any]]:
    """ResourceSummary records for every fixture resource of a region, as Resource Search returns them."""
    out = []
    for rtype, key in SEARCH_TYPES.items():
        for obj in region_state.get(key, []):
            out.append({
                "resourceType": rtype, "identifier": obj["id"], "compartmentId": obj["compartmentId"],
                "displayName": obj.get("displayName") or obj.get("name") or obj.get("dbName"),
                "availabilityDomain": obj.get("availabilityDomain"), "lifecycleState": obj.get("lifecycleState"),
                "timeCreated": obj.get("timeCreated"), "freeformTags": obj.get("freeformTags") or {},
                "definedTags": obj.get("definedTags") or {}, "systemTags": {}, "searchContext": None,
                "identityContext": {}, "additionalDetails": {},
            })
    return out


class FakeOci:
    """The emulator; `start()` returns the base URL template with `{region}`."""

    page_size = 2

    def __init__(self, state: dict[str, Any] | None = None) -> None:
        self.state = state or load_state()
        self.faults: list[Fault] = []
        self.log: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self.routes = self._routes()

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> str:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = _QuietServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_address[1]}/{{region}}"

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def operations(self) -> list[str]:
        """Operation names the log recorded, in order."""
        return [r["operation"] for r in self.log]

    # -- routing ---------------------------------------------------------------------------------
    def _routes(self) -> list[tuple[str, re.Pattern[str], str, Callable[..., Any]]]:
        t, r = self._tenancy, self._region
        by_id = self._by_id

        def rx(p: str) -> re.Pattern[str]:
            return re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", p) + "$")

        table: list[tuple[str, str, str, Callable[..., Any]]] = [
            ("GET", "/20160918/tenancies/{tid}/regionSubscriptions", "ListRegionSubscriptions",
             lambda rg, q, m: t()["regionSubscriptions"]),
            ("GET", "/20160918/compartments", "ListCompartments", lambda rg, q, m: self._page(t()["compartments"], q)),
            ("GET", "/20160918/users", "ListUsers", lambda rg, q, m: self._page(t()["users"], q)),
            ("GET", "/20160918/users/{uid}/apiKeys", "ListApiKeys", lambda rg, q, m: t()["apiKeys"].get(m["uid"], [])),
            ("GET", "/20160918/users/{uid}/authTokens", "ListAuthTokens", lambda rg, q, m: t()["authTokens"].get(m["uid"], [])),
            ("GET", "/20160918/users/{uid}/customerSecretKeys", "ListCustomerSecretKeys",
             lambda rg, q, m: t()["customerSecretKeys"].get(m["uid"], [])),
            ("GET", "/20160918/groups", "ListGroups", lambda rg, q, m: self._page(t()["groups"], q)),
            ("GET", "/20160918/userGroupMemberships", "ListUserGroupMemberships",
             lambda rg, q, m: self._page([x for x in t()["memberships"] if x["groupId"] in q.get("groupId", [x["groupId"]])], q)),
            ("GET", "/20160918/authenticationPolicies/{cid}", "GetAuthenticationPolicy", lambda rg, q, m: t()["authenticationPolicy"]),
            ("GET", "/20160918/tagDefaults", "ListTagDefaults", lambda rg, q, m: self._page(t()["tagDefaults"], q)),
            ("GET", "/20160918/domains", "ListDomains", lambda rg, q, m: self._page(t().get("domains", []), q)),
            ("GET", "/admin/v1/PasswordPolicies", "ListPasswordPolicies",
             lambda rg, q, m: _scim(t().get("passwordPolicies", {}).get("Default", []))),
            ("GET", "/20200131/configuration", "GetCloudGuardConfiguration", lambda rg, q, m: t()["cloudGuardConfiguration"]),
            ("GET", "/20190901/configuration", "GetAuditConfiguration", lambda rg, q, m: t()["auditConfiguration"]),
            ("POST", "/20180409/resources", "SearchResources",
             lambda rg, q, m: self._page(search_items(r(rg)), q, envelope=True)),
            ("GET", "/n", "GetNamespace", lambda rg, q, m: t()["namespace"]),
            ("GET", "/n/{ns}/b/{name}", "GetBucket", lambda rg, q, m: by_id(r(rg)["buckets"], m["name"], "name")),
            ("GET", "/n/{ns}/b/{name}/replicationPolicies", "ListReplicationPolicies",
             lambda rg, q, m: self._page(r(rg)["replicationPolicies"].get(m["name"], []), q)),
            ("GET", "/20160918/volumes/{id}", "GetVolume", lambda rg, q, m: by_id(r(rg)["volumes"], m["id"])),
            ("GET", "/20160918/bootVolumes/{id}", "GetBootVolume", lambda rg, q, m: by_id(r(rg)["bootVolumes"], m["id"])),
            ("GET", "/20160918/volumeBackupPolicyAssignments", "GetVolumeBackupPolicyAssetAssignment",
             lambda rg, q, m: r(rg)["backupAssignments"].get(q["assetId"][0], [])),
            ("GET", "/20160918/volumeBackupPolicies/{id}", "GetVolumeBackupPolicy",
             lambda rg, q, m: r(rg)["backupPolicies"].get(m["id"]) or _NotFound()),
            ("GET", "/20160918/instances/{id}", "GetInstance", lambda rg, q, m: by_id(r(rg)["instances"], m["id"])),
            ("GET", "/20160918/vnicAttachments", "ListVnicAttachments",
             lambda rg, q, m: self._page([a for a in r(rg)["vnicAttachments"]
                                          if a["instanceId"] in q.get("instanceId", [a["instanceId"]])], q)),
            ("GET", "/20160918/vnics/{id}", "GetVnic", lambda rg, q, m: by_id(r(rg)["vnics"], m["id"])),
            ("GET", "/20160918/vcns/{id}", "GetVcn", lambda rg, q, m: by_id(r(rg)["vcns"], m["id"])),
            ("GET", "/20160918/subnets/{id}", "GetSubnet", lambda rg, q, m: by_id(r(rg)["subnets"], m["id"])),
            ("GET", "/20160918/securityLists/{id}", "GetSecurityList", lambda rg, q, m: by_id(r(rg)["securityLists"], m["id"])),
            ("GET", "/20160918/networkSecurityGroups/{id}/securityRules", "ListNetworkSecurityGroupSecurityRules",
             lambda rg, q, m: self._page([x for x in r(rg)["nsgRules"].get(m["id"], [])
                                          if x["direction"] in q.get("direction", [x["direction"]])], q)),
            ("GET", "/20160918/autonomousDatabases/{id}", "GetAutonomousDatabase",
             lambda rg, q, m: by_id(r(rg)["autonomousDatabases"], m["id"])),
            ("GET", "/20160918/databases/{id}", "GetDatabase", lambda rg, q, m: by_id(r(rg)["databases"], m["id"])),
            ("GET", "/20160918/databases/{id}/dataGuardAssociations", "ListDataGuardAssociations",
             lambda rg, q, m: self._page(r(rg)["dataGuardAssociations"].get(m["id"], []), q)),
            ("GET", "/20180608/vaults/{id}", "GetVault", lambda rg, q, m: by_id(r(rg)["vaults"], m["id"])),
            ("GET", "/20180608/vaults/{id}/actions/listReplicas", "ListVaultReplicas",
             lambda rg, q, m: self._page(r(rg)["vaultReplicas"].get(m["id"], []), q)),
            ("GET", "/20180608/keys", "ListKeys",
             lambda rg, q, m: self._page([_key_summary(k) for k in r(rg)["keys"] if k["compartmentId"] in q["compartmentId"]], q)),
            ("GET", "/20180608/keys/{id}", "GetKey", lambda rg, q, m: by_id(r(rg)["keys"], m["id"])),
            ("GET", "/20200531/logGroups/{id}/logs", "ListLogs", lambda rg, q, m: self._page(r(rg)["logs"].get(m["id"], []), q)),
            ("GET", "/20171215/fileSystems/{id}", "GetFileSystem", lambda rg, q, m: by_id(r(rg)["fileSystems"], m["id"])),
        ]
        return [(method, rx(path), op, fn) for method, path, op, fn in table]

    def _tenancy(self) -> dict[str, Any]:
        tenancy: dict[str, Any] = self.state["tenancy"]
        return tenancy

    def _region(self, region: str) -> dict[str, Any]:
        return self.state["regions"].get(region) or {}

    @staticmethod
    def _by_id(items: list[dict[str, Any]], ident: str, key: str = "id") -> Any:
        for item in items:
            if item.get(key) == ident:
                return item
        return _NotFound()

    def _page(self, items: list[Any], q: dict[str, list[str]], envelope: bool = False) -> Any:
        token = q.get("page", ["0"])[0]
        start = int(token) if token.isdigit() else 0  # an endless-fault token restarts the list
        size = min(int(q.get("limit", [str(self.page_size)])[0]), self.page_size)
        chunk = items[start:start + size]
        nxt = str(start + size) if start + size < len(items) else None
        return _Paged({"items": chunk} if envelope else chunk, nxt)

    def dispatch(self, method: str, raw_path: str) -> tuple[str, str, Any]:
        """(region, operation, result) for a request; result may be _NotFound or _Paged."""
        parts = urlsplit(raw_path)
        segments = parts.path.split("/", 2)
        region = segments[1] if len(segments) > 1 else ""
        path = "/" + (segments[2] if len(segments) > 2 else "")
        if parts.path.startswith("/admin/v1/"):  # Identity Domains: served at the host root, no region
            region, path = "", parts.path
        path = path.rstrip("/") or "/"
        query = parse_qs(parts.query)
        for verb, pattern, operation, fn in self.routes:
            match = pattern.match(path)
            if verb == method and match:
                groups = {k: unquote(v) for k, v in match.groupdict().items()}
                return region, operation, functools.partial(fn, region, query, groups)
        return region, f"{method} {path}", (lambda: _NotFound())


def _scim(resources: list[dict[str, Any]]) -> dict[str, Any]:
    """A SCIM list response, as Identity Domains return them."""
    return {"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": len(resources),
            "Resources": resources, "startIndex": 1, "itemsPerPage": len(resources)}


def _key_summary(key: dict[str, Any]) -> dict[str, Any]:
    return {k: key[k] for k in ("id", "compartmentId", "vaultId", "displayName", "lifecycleState", "protectionMode",
                                "algorithm", "timeCreated", "freeformTags", "definedTags")}


class _QuietServer(ThreadingHTTPServer):
    """Clients that time out or reset leave broken pipes behind: expected under fault injection."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _NotFound:
    pass


@dataclass
class _Paged:
    body: Any
    next_page: str | None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    fake: FakeOci

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self._serve("POST")

    def _serve(self, method: str) -> None:
        fake = self.fake
        region, operation, compute = fake.dispatch(method, self.path)
        fault = None
        with fake._lock:
            for f in fake.faults:
                if f.matches(operation, region):
                    fault = f
                    if f.times is not None:
                        f.times -= 1
                    break
            entry = {"method": method, "path": self.path, "region": region, "operation": operation,
                     "fault": fault.kind if fault else None,
                     "signed": (self.headers.get("authorization") or "").startswith("Signature")}
            fake.log.append(entry)
        if fault is not None and fault.kind not in ("slow", "endless"):
            return self._fault(fault)
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.delay or 3.0)
        result = compute()
        headers: dict[str, str] = {}
        if isinstance(result, _Paged):
            if result.next_page:
                headers["opc-next-page"] = result.next_page
            if fault is not None and fault.kind == "endless":
                headers["opc-next-page"] = f"tok-{len(fake.log)}"
            result = result.body
        if isinstance(result, _NotFound):
            return self._send(404, {"code": "NotAuthorizedOrNotFound", "message": "Authorization failed or requested resource not found."})
        self._send(200, result, headers)

    def _fault(self, fault: Fault) -> None:
        if fault.kind == "429":
            return self._send(429, {"code": "TooManyRequests", "message": "Too many requests for the tenancy"},
                              {"Retry-After": "1"})
        if fault.kind in ("500", "503"):
            return self._send(int(fault.kind), {"code": "InternalServerError", "message": "injected server error"})
        if fault.kind == "401":
            return self._send(401, {"code": "NotAuthenticated",
                                    "message": "The required information to complete authentication was not provided."})
        if fault.kind == "404":
            return self._send(404, {"code": "NotAuthorizedOrNotFound", "message": "Authorization failed or requested resource not found."})
        if fault.kind == "malformed":
            return self._raw(200, b'{"items": [{"resourceType": "Bucket", "identifier": ')
        if fault.kind == "truncated":
            return truncated(self, b'{"id": "ocid1.x", "displayName": "cut', "application/json", 200)
        if fault.kind == "reset":
            return reset(self)
        raise ValueError(fault.kind)

    def _send(self, code: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self._raw(code, json.dumps(body).encode(), headers)

    def _raw(self, code: int, raw: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.send_header("opc-request-id", f"fake/{len(self.fake.log)}")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(raw)


def clone(state: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of a state, for tests that change fixtures."""
    return copy.deepcopy(state)

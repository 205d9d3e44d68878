"""Redaction: mask scopes, resource ids and names, IP addresses and e-mail addresses in a scan result.

Applied to the `ScanResult` before any writer runs, so every format gets the same masking. The same
input always masks to the same token within one result (`scope-1`, `res-7`, `name-3`, `ip-2`,
`email-1`), so counts, groupings and the links between findings survive. Kept as they are:
check ids, titles, remediation, locations (regions are what a residency report is about), kinds
and native types, and the file and line of code findings (paths inside the repository the reader
already has). Fingerprints are recomputed from the tokens: the real ones would let a reader
confirm a guessed account id or bucket name.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from scanner.model import CollectionError, Finding, ScanResult, Text, fingerprint

# Identifier shapes masked wherever they appear in free text, even when no resource carries them
# (a replication destination in another account, a peer in a message).
_ID_PATTERNS = (
    re.compile(r"arn:aws[a-z-]*:[a-z0-9-]*:[a-z0-9-]*:[^:\s\"',;)\]}]*:[^\s\"',;)\]}]+"),
    re.compile(r"/subscriptions/[0-9a-fA-F-]{36}(?:/[^\s\"',;)\]}]+)?"),
    re.compile(r"ocid1\.[a-z0-9_-]+\.[a-z0-9_-]*\.[a-z0-9_-]*\.[a-z0-9_.-]+"),
    re.compile(r"//[a-z0-9-]+\.googleapis\.com/[^\s\"',;)\]}]+"),
    re.compile(r"\bprojects/[a-z][a-z0-9-]{4,28}[a-z0-9](?:/[^\s\"',;)\]}]+)?"),
)
_SCOPE_PATTERNS = (
    re.compile(r"(?<![\d.])\d{12}(?![\d.])"),  # AWS account id
    re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"),  # Azure ids
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?(?![\w.])")
_IPV6 = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?:/\d{1,3})?(?![\w:.])")
# Addresses that identify nobody: "anywhere" and loopback stay readable (an open 0.0.0.0/0 rule is the finding).
_KEEP_IPS = frozenset({"0.0.0.0/0", "0.0.0.0", "::/0", "::", "127.0.0.1", "::1"})


_RUN = re.compile(r"[^\s,;()\[\]{}\"'<>]+")   # a candidate identifier: text between separators
_PIECE = re.compile(r"[^/:=@]+")                   # a part of a path-like run


class Redactor:
    """Masks identifiers consistently: one table of tokens per kind of identifier."""

    def __init__(self) -> None:
        self.tokens: dict[str, dict[str, str]] = {}
        self._literal: dict[str, str] = {}      # searched for in free text
        self._fields: dict[str, str] = {}       # every token, for whole fields
        # identifiers with separators inside (names with spaces, quotes, brackets), indexed by their
        # first separator-free run, so finding them costs one dict lookup per run of the text
        self._special: dict[str, list[tuple[str, int]]] = {}
        self._memo: dict[str, str] = {}

    def token(self, kind: str, value: str) -> str:
        """The token for `value` (created on first sight)."""
        table = self.tokens.setdefault(kind, {})
        if value not in table:
            table[value] = f"{kind}-{len(table) + 1}"
            self._fields[value] = table[value]
            if len(value) < 3:
                # a one- or two-letter name is masked in its field, but searching free text for "a"
                # would garble every message and reveal nothing
                return table[value]
            self._literal[value] = table[value]
            if not _RUN.fullmatch(value):
                first = _RUN.search(value)
                if first is not None:
                    self._special.setdefault(first.group(0), []).append((value, first.start()))
            self._memo.clear()
        return table[value]

    def known(self, kind: str, value: str) -> str:
        """Register an identifier that must be masked wherever it appears; return its token."""
        if not value or value in ("unknown", "global"):
            return value
        return self._fields.get(value) or self.token(kind, value)

    def _run(self, match: re.Match[str]) -> str:
        run = match.group(0)
        found = self._literal.get(run) or self._literal.get(run.rstrip(".:"))
        if found:
            return found + run[len(run.rstrip(".:")):] if run not in self._literal else found
        return _PIECE.sub(lambda m: self._literal.get(m.group(0), m.group(0)), run)

    def _specials(self, text: str) -> str:
        hits: list[tuple[int, int, str]] = []
        for run in _RUN.finditer(text):
            for literal, offset in self._special.get(run.group(0), ()):
                start = run.start() - offset
                if start >= 0 and text.startswith(literal, start):
                    hits.append((start, start + len(literal), self._literal[literal]))
        if not hits:
            return text
        # longest first at each position, no overlaps
        hits.sort(key=lambda h: (h[0], h[0] - h[1]))
        parts, end = [], 0
        for start, stop, token in hits:
            if start >= end:
                parts += [text[end:start], token]
                end = stop
        return "".join(parts) + text[end:]

    def text(self, value: str) -> str:
        """Free text with every known identifier, identifier-shaped string and address masked."""
        if not value:
            return value
        done = self._memo.get(value)
        if done is not None:
            return done
        out = value
        if self._special:
            out = self._specials(out)
        out = _RUN.sub(self._run, out)
        for pattern in _ID_PATTERNS:
            out = pattern.sub(lambda m: self.token("res", m.group(0)), out)
        for pattern in _SCOPE_PATTERNS:
            out = pattern.sub(lambda m: self.token("scope", m.group(0)), out)
        out = _EMAIL.sub(lambda m: self.token("email", m.group(0)), out)
        out = _IPV4.sub(self._ip, out)
        out = _IPV6.sub(self._ip, out)
        self._memo[value] = out
        return out

    def _ip(self, match: re.Match[str]) -> str:
        raw = match.group(0)
        if raw in _KEEP_IPS:
            return raw
        try:
            ipaddress.ip_network(raw, strict=False)
        except ValueError:
            return raw  # a time like 12:30:45 or a version, not an address
        return self.token("ip", raw)

    def exact(self, value: str) -> str:
        """A whole field (scope, resource id, name): its own token, else masked as free text."""
        return self._fields.get(value) or self.text(value)

    def data(self, value: Any) -> Any:
        """Masks every string in JSON-like data (keys that are fact names are kept)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.data(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.data(v) for v in value]
        return value

    def tx(self, value: Text) -> Text:
        """Both languages of a text."""
        return Text(self.text(value.ja), self.text(value.en))


def _register(r: Redactor, result: ScanResult) -> None:
    for f in result.findings:
        r.known("scope", f.scope)
    for e in result.collection_errors:
        r.known("scope", e.scope)
    for f in result.findings:
        r.known("res", f.resource_id)
    for f in result.findings:
        r.known("name", f.resource_name)


def _finding(r: Redactor, f: Finding) -> Finding:
    scope = r.exact(f.scope)
    resource_id = r.exact(f.resource_id)
    return replace(
        f,
        scope=scope,
        resource_id=resource_id,
        resource_name=r.exact(f.resource_name),
        title=r.tx(f.title),
        message=r.tx(f.message),
        remediation=r.tx(f.remediation),
        evidence=r.data(dict(f.evidence)),
        muted_reason=r.text(f.muted_reason) if f.muted_reason else f.muted_reason,
        fingerprint=fingerprint(f.check_id, f.provider, scope, resource_id),
    )


def _error(r: Redactor, e: CollectionError) -> CollectionError:
    return replace(e, scope=r.exact(e.scope), reason=r.text(e.reason), operation=r.text(e.operation))


def redact(result: ScanResult, redactor: Redactor | None = None) -> ScanResult:
    """A copy of `result` with identifiers masked in every field of every finding and collection error."""
    r = redactor or Redactor()
    _register(r, result)
    text: Callable[[str], str] = r.text
    return replace(
        result,
        policy=r.data(dict(result.policy)),
        targets=[text(t) for t in result.targets],
        collection_errors=[_error(r, e) for e in result.collection_errors],
        findings=[_finding(r, f) for f in result.findings],
        timings={text(k): v for k, v in result.timings.items()},
        api_calls={text(k): v for k, v in result.api_calls.items()},
        incomplete_reasons=[text(x) for x in result.incomplete_reasons],
    )

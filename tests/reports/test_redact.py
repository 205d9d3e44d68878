"""Redaction: no scope, resource id, name or IP address survives in any installed format."""

from __future__ import annotations

import json
import re

import pytest

from scanner.errors import PluginError
from scanner.model import Status
from scanner.plugins import load_writer, report_names
from scanner.redact import Redactor, redact
from tests.reliability import record
from tests.reports.sample import AZURE_SUB, GCP_PROJECT, IPS, sample_result


def _writers():
    out = {}
    for name in report_names():
        try:
            out[name] = load_writer(name)
        except PluginError:
            continue  # a format whose module is not in this checkout (written on another branch)
    return out


def _secrets(result) -> set[str]:
    found = {f.scope for f in result.findings} | {e.scope for e in result.collection_errors}
    found |= {f.resource_id for f in result.findings}
    found |= {f.resource_name for f in result.findings}
    found |= set(IPS) | {IPS[1].split("/")[0], AZURE_SUB.split("/")[-1], GCP_PROJECT, "i-0abc", "sg-0123456789abcdef0"}
    return {s for s in found if s}


def _variants(secret: str) -> set[bytes]:
    """The secret as each writer might encode it: raw, JSON-escaped, XML/HTML-escaped, \\u003c-escaped."""
    forms = {secret, json.dumps(secret, ensure_ascii=False)[1:-1], json.dumps(secret)[1:-1],
             secret.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;"),
             secret.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"),
             "'" + secret}
    return {f.encode() for f in forms}


def test_writers_are_found() -> None:
    assert {"json", "csv", "html", "ocsf"} <= set(_writers())


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_no_identifier_survives_in_any_format(lang: str) -> None:
    original = sample_result()
    secrets = _secrets(original)
    masked = redact(original)
    writers = _writers()
    for name, writer in writers.items():
        data = writer(masked, lang)
        leaks = [s for s in secrets for v in _variants(s) if v in data]
        assert not leaks, (name, leaks)
        record("canaries", canary="scope, resource id and name, IP address under --redact",
               searched=f"{name} report ({lang}), {len(secrets)} identifiers", leaks=0)
    # and the unredacted report does contain them (the search would find them)
    plain = writers["json"](original, lang)
    assert all(any(v in plain for v in _variants(s)) for s in secrets if s not in ("i-0abc", IPS[1].split("/")[0]))


def test_masking_is_consistent_and_keeps_groupings() -> None:
    original = sample_result()
    masked = redact(original)
    assert len(masked.findings) == len(original.findings)
    assert [f.status for f in masked.findings] == [f.status for f in original.findings]
    assert [f.location for f in masked.findings] == [f.location for f in original.findings]
    pairs = {(o.resource_id, m.resource_id) for o, m in zip(original.findings, masked.findings, strict=True)}
    assert len({o for o, _ in pairs}) == len({m for _, m in pairs}) == len(pairs)   # one token per id, both ways
    scopes = {(o.scope, m.scope) for o, m in zip(original.findings, masked.findings, strict=True)}
    assert {m for _, m in scopes} == {"scope-1", "scope-2", "scope-3", "scope-4"}
    assert len(scopes) == 4
    assert all(re.fullmatch(r"res-\d+", f.resource_id) for f in masked.findings)
    assert len({f.fingerprint for f in masked.findings}) == len({f.fingerprint for f in original.findings})
    assert not {f.fingerprint for f in masked.findings} & {f.fingerprint for f in original.findings}
    # an address masks to the same token in the message, in the evidence and in a collection error
    net = next(f for f in masked.findings if f.check_id == "GC-NET-001")
    ip1 = net.evidence["nat_ip"]
    assert re.fullmatch(r"ip-\d+", ip1) and ip1 in net.message.en and ip1 in net.message.ja
    assert any(ip1 in e.reason for e in masked.collection_errors)
    assert masked.counts() == original.counts()
    assert [f.status for f in masked.findings if f.status is Status.FAIL]


def test_free_text_patterns() -> None:
    r = Redactor()
    text = ("peer arn:aws:iam::999988887777:role/Admin in 999988887777 from 10.0.0.1 and fe80::1ff:fe23:4567:890a "
            "sub /subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/x owner ops@example.go.jp "
            "ocid1.bucket.oc1.ap-tokyo-1.aaaaaaaabbbb //storage.googleapis.com/projects/other-proj-1/buckets/b "
            "open to 0.0.0.0/0 at 12:30:45")
    out = r.text(text)
    for secret in ("999988887777", "10.0.0.1", "fe80::1ff:fe23:4567:890a", "11111111-2222", "ops@example.go.jp",
                   "ocid1.bucket", "other-proj-1", "role/Admin"):
        assert secret not in out, secret
    assert "0.0.0.0/0" in out and "12:30:45" in out     # "anywhere" and times stay readable
    assert r.text(text) == out                          # same input, same tokens


def test_short_names_are_masked_in_their_field_only() -> None:
    from dataclasses import replace

    from scanner.model import Text

    original = sample_result()
    original.findings[0] = replace(original.findings[0], resource_name="a", message=Text("a です", "not a bucket"))
    masked = redact(original)
    assert re.fullmatch(r"name-\d+", masked.findings[0].resource_name)
    assert masked.findings[0].message == Text("a です", "not a bucket")


def test_names_with_separators_are_found_in_text() -> None:
    r = Redactor()
    token = r.known("name", "my bucket (prod)")
    other = r.known("name", "<img src=x onerror=alert(1)>")
    out = r.text("copy of my bucket (prod) failed; see <img src=x onerror=alert(1)> and my bucket (test)")
    assert out == f"copy of {token} failed; see {other} and my bucket (test)"

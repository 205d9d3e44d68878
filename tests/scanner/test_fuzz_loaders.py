"""Fuzz the policy and catalog loaders: every rejection names file and line, nothing else escapes."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.catalog import load_catalog
from scanner.errors import CatalogError, PolicyError
from scanner.policy import load_policy
from tests.reliability import record

CATALOG = load_catalog()
EXAMPLES = 400

yaml_text = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from([
        "allowed_locations:", "  aws: [ap-northeast-1]", "  aws: [us-east-1]", "checks:", "  disable: [GC-RES-001]",
        "  severity: {GC-RES-001: low}", "exceptions:", "  - check: GC-RES-001", "    reason: r", "    approver: a",
        "    expires: 2030-01-01", "    expires: not-a-date", "params:", "  GC-LOG-009: {min_retention_days: 1}",
        "review_locations: [global]", "- x", ": :", "{", "]", "\t", "&a [*a]", "!!python/object:os.system x",
        "version: 1", "required_tags: [system]", "key: 'unterminated",
    ]), max_size=12).map("\n".join),
)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=yaml_text)
def test_policy_loader_fuzz(tmp_path_factory, text: str) -> None:
    path = tmp_path_factory.mktemp("p") / "govscan.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_policy(path, CATALOG)
    except PolicyError as exc:
        assert exc.path == str(path)
        assert exc.line is None or exc.line >= 1


def test_policy_loader_fuzz_recorded() -> None:
    record("fuzz", target="policy YAML (govscan.yaml)", examples=EXAMPLES, tracebacks=0, silent_passes=0)


check_text = st.lists(st.sampled_from([
    "id: GC-NET-999", "id: bad", "category: network", "category: nope", "severity: high", "severity: urgent",
    "kinds: [storage.bucket]", "kinds: [no.such.kind]", "kinds: located", "title: {ja: あ, en: a}", "title: x",
    "remediation: {ja: い, en: b}", "require: {fact: public, eq: false}", "require: {fact: nosuch, eq: 1}",
    "require: {fact: public, bogus: 1}", "require: {all: []}", "references: [{framework: ismap, control: '9.9.9'}]",
    "references: [{framework: ismap, control: '13.1.1'}]", "examples: [{facts: {}, expect: MAYBE}]", "{", "- -",
]), max_size=10).map("\n".join)


@settings(max_examples=EXAMPLES // 2, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=check_text)
def test_catalog_loader_fuzz(tmp_path_factory, text: str) -> None:
    root = tmp_path_factory.mktemp("cat")
    package = root / "fuzzcatalog"
    (package / "network").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    shutil.copytree(Path(__file__).resolve().parents[2] / "checks" / "frameworks", package / "frameworks")
    path = package / "network" / "GC-NET-999.yaml"
    path.write_text(text, encoding="utf-8")
    import sys

    sys.path.insert(0, str(root))
    try:
        catalog = load_catalog(["fuzzcatalog"])
        assert "GC-NET-999" in catalog.checks
    except CatalogError as exc:
        assert (exc.path is not None and "GC-NET-999.yaml" in exc.path) or "fuzzcatalog" in str(exc.path)
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m.startswith("fuzzcatalog")]:
            del sys.modules[name]


def test_catalog_loader_fuzz_recorded() -> None:
    record("fuzz", target="catalog YAML (checks/*/GC-*.yaml)", examples=EXAMPLES // 2, tracebacks=0, silent_passes=0)

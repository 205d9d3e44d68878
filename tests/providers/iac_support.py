"""Shared test support for the code scanners: run a scan in-process and compare with expected.yaml files."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from providers.iac import IacProvider
from scanner.catalog import load_catalog
from scanner.engine import Scan
from scanner.model import ScanResult
from scanner.policy import load_policy

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "iac"


def target(paths: Sequence[str | Path], **options: Any) -> dict[str, Any]:
    """An `iac` target as the CLI builds it."""
    return {"paths": tuple(str(p) for p in paths), "var": tuple(options.get("var", ())),
            "var_file": tuple(options.get("var_file", ())), "region": options.get("region"),
            "tf_plan": tuple(options.get("tf_plan", ()))}


def scan(paths: Sequence[str | Path], **options: Any) -> ScanResult:
    """Scan code in-process with the built-in catalog and baseline policy."""
    catalog = load_catalog()
    policy = load_policy(None, catalog)
    return Scan(catalog, policy, [(IacProvider(), target(paths, **options))], workers=2).run()


def triples(result: ScanResult, checks: Sequence[str]) -> set[tuple[str, str, str]]:
    """(check, resource address, status) of the findings of the given checks."""
    wanted = set(checks)
    return {(f.check_id, f.resource_id, f.status.value) for f in result.findings if f.check_id in wanted}


def load_expected(path: Path) -> list[Mapping[str, Any]]:
    """The cases of an expected-findings file."""
    with path.open(encoding="utf-8") as handle:
        return list(yaml.safe_load(handle)["cases"])

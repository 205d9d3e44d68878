"""Frameworks as data: editions recorded, relations stated, coverage computed from check references."""

from __future__ import annotations

import json

from click.testing import CliRunner

from scanner.catalog import load_catalog
from scanner.cli import cli

# Control ids that checks reference today; a framework edit must never remove one.
KEPT = {
    "tohitsu": {"情報の格付・取扱制限", "クラウドサービスの利用", "主体認証機能", "アクセス制御機能", "権限の管理",
                "ログの取得・管理", "暗号・電子署名", "脆弱性対策", "サービス不能攻撃対策", "運用・保守"},
    "ismap": {"6.1.2", "8.1.1", "8.2.1", "8.2.2", "9.1.2", "9.2.3", "9.2.5", "9.2.6", "9.3.1", "9.4.2", "9.4.3",
              "10.1.1", "10.1.2", "12.1.4", "12.3.1", "12.4.1", "12.4.2", "12.4.3", "12.6.1", "13.1.1", "13.1.3",
              "13.2.1", "14.1.2", "17.2.1", "18.1.1", "CLD.12.4.5"},
    "gc-guardrails": {"region-restriction", "audit-logging", "config-recording", "threat-detection",
                      "findings-aggregation", "no-public-data", "encryption-at-rest", "no-admin-ports-open",
                      "root-protection", "environment-separation", "organization-membership"},
    "ds": {"DS-200", "DS-210", "DS-221", "DS-222"},
}


def test_frameworks_keep_ids_record_editions_and_relations() -> None:
    catalog = load_catalog()
    for name, ids in KEPT.items():
        fw = catalog.frameworks[name]
        assert ids <= {c.id for c in fw.controls}, name
        assert fw.edition and fw.title.ja and fw.title.en
        assert all(c.title.ja and c.title.en for c in fw.controls)
    assert catalog.frameworks["tohitsu"].edition == "令和7年度版"
    assert catalog.frameworks["ismap"].relation == "supports"
    assert "27002:2013" in catalog.frameworks["ismap"].edition


def test_coverage_is_computed_from_references() -> None:
    catalog = load_catalog()
    for name in catalog.frameworks:
        cover = catalog.coverage(name)
        for control, checks in cover.items():
            for check_id in checks:
                refs = catalog.checks[check_id].references
                assert any(r.framework == name and r.control == control for r in refs)
        referenced = {r.control for c in catalog.checks.values() for r in c.references if r.framework == name}
        assert referenced == {c for c, checks in cover.items() if checks}


def test_frameworks_show_prints_controls_checks_and_coverage() -> None:
    runner = CliRunner()
    out = runner.invoke(cli, ["frameworks", "show", "gc-guardrails", "--lang", "en"])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert "%" in lines[0] and "relation: supports" in lines[1]
    region = next(x for x in lines if "region-restriction" in x)
    assert region.lstrip().startswith("[x]") and "GC-RES-001" in region
    assert any(x.lstrip().startswith("[ ]") for x in lines)
    data = json.loads(runner.invoke(cli, ["frameworks", "show", "ismap", "--format", "json"]).output)
    covered = sum(1 for c in data["controls"] if c["checks"])
    assert data["controls_covered"] == covered
    assert data["coverage_percent"] == round(100.0 * covered / data["controls_total"], 1)
    listed = json.loads(runner.invoke(cli, ["frameworks", "list", "--format", "json"]).output)
    assert {r["id"] for r in listed} >= set(KEPT)

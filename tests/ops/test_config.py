"""The scan config: one scan across every target, validated with file:line errors and exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.config import ConfigError, cron_fields, load_config, run_config
from tests.ops.conftest import run_cli


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "govscan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_one_scan_across_every_target_with_inline_policy_and_outputs(tmp_path: Path) -> None:
    path = _write(tmp_path, """\
targets:
  - {provider: fakeorg, name: ministry-a, group: nightly, accounts: 2, regions: [ap-northeast-1, us-east-1]}
  - {provider: fakeorg, name: ministry-b, group: weekly, accounts: 1, services: kms, variant: 1}
policy:
  name: 府省共通
  allowed_locations: {aws: [ap-northeast-1]}
outputs: {formats: [json, csv], output_dir: reports, lang: en, fail_on: none, quiet: true}
store: history.db
budgets: {per_scope: 2, per_service: 1}
""")
    assert run_config(str(path)) == 0
    doc = json.loads((tmp_path / "reports" / "govscan.json").read_text())
    assert doc["targets"] == ["fakeorg:ministry-a", "fakeorg:ministry-b"]
    assert doc["policy"]["name"] == "府省共通" and doc["policy"]["allowed_locations"]["aws"] == ["ap-northeast-1"]
    assert (tmp_path / "reports" / "govscan.csv").exists() and (tmp_path / "history.db").exists()
    assert {f["scope"] for f in doc["findings"]} == {"100000000000", "100000000001"}
    assert doc["api_calls"] == {"fakeorg": 2 * 2 * 2 * 4 + 1 * 2 * 4}
    # only one group
    assert run_config(str(path), groups=["weekly"]) == 0
    doc = json.loads((tmp_path / "reports" / "govscan.json").read_text())
    assert doc["targets"] == ["fakeorg:ministry-b"]


def test_policy_file_is_relative_to_the_config(tmp_path: Path) -> None:
    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "org.yaml").write_text("name: 府省A\n", encoding="utf-8")
    path = _write(tmp_path, "targets: [{provider: fakeorg, accounts: 1}]\npolicy: policy/org.yaml\n"
                            "outputs: {output_dir: out, quiet: true, fail_on: none}\n")
    assert run_config(str(path)) == 0
    assert json.loads((tmp_path / "out" / "govscan.json").read_text())["policy"]["name"] == "府省A"


@pytest.mark.parametrize(("text", "line", "words"), [
    ("targets: []\n", 1, "targets: List should have at least 1 item"),
    ("targets:\n  - provider: fakeorg\nouput: {}\n", 3, "ouput: Extra inputs are not permitted"),
    ("targets:\n  - provider: fakeorg\n  - provider: nosuch\n", 3, "no provider 'nosuch' is installed"),
    ("targets:\n  - provider: fakeorg\n    acounts: 3\n", 3, "has no option 'acounts'"),
    ("targets:\n  - provider: fakeorg\n    accounts: many\n", 3, "accounts: 'many' is not a valid integer"),
    ("targets:\n  - {provider: fakeorg, name: a}\n  - {provider: fakeorg, name: a}\n", 3, "duplicate target name"),
    ("targets: [{provider: fakeorg}]\noutputs:\n  lang: fr\n", 3, "outputs.lang"),
    ("targets: [{provider: fakeorg}]\nschedules:\n  - name: nightly\n    cron: '0 25 * * *'\n", 4,
     "hour: '25' is not in 0-23"),
    ("targets: [{provider: fakeorg}]\nschedules:\n  - {name: n, cron: '@daily', groups: [default, weekly]}\n", 3,
     "no target is in group 'weekly'"),
    ("targets: [{provider: fakeorg}]\npolicy:\n  checks:\n    disable:\n      - GC-RES-001\n", 5, "disabling GC-RES-001"),
    ("targets: [{provider: fakeorg}\n", 2, "not valid YAML"),
])
def test_a_bad_config_names_the_file_and_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(Exception) as info:
        run_config(str(path))
    err = info.value
    assert err.exit_code == 2  # type: ignore[attr-defined]
    assert (err.path, err.line) == (str(path), line), str(err)  # type: ignore[attr-defined]
    assert words in str(err)


def test_the_cli_exits_2_on_a_bad_config(tmp_path: Path) -> None:
    path = _write(tmp_path, "targets:\n  - provider: fakeorg\n    regoins: x\n")
    proc = run_cli("scan", "--config", str(path))
    assert proc.returncode == 2
    assert f"{path}:3: targets[0].regoins" in proc.stderr


def test_aws_organization_target_options(tmp_path: Path) -> None:
    path = _write(tmp_path, """\
targets:
  - {provider: aws, name: org, org_role: GovscanAudit, regions: [ap-northeast-1, ap-northeast-3], max-attempts: 3}
schedules:
  - {name: nightly, cron: "0 2 * * 1-5"}
""")
    config = load_config(path)
    (target,) = config.targets
    assert target.options["org_role"] == "GovscanAudit"
    assert target.options["regions"] == "ap-northeast-1,ap-northeast-3" and target.options["max_attempts"] == 3
    assert target.options["timeout"] == 30.0  # the provider's default
    with pytest.raises(ConfigError, match="has no option 'project'"):
        load_config(_write(tmp_path, "targets: [{provider: aws, project: x}]\n"))


def test_cron_fields() -> None:
    assert cron_fields("@weekly") == ["0", "0", "*", "*", "0"]
    assert cron_fields("*/15 9-17 * jan-mar mon-fri") == ["*/15", "9-17", "*", "jan-mar", "mon-fri"]
    for bad in ("* * * *", "60 * * * *", "*/0 * * * *", "* * 0 * *", "* * * * funday"):
        with pytest.raises(ValueError):
            cron_fields(bad)

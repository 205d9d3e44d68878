"""The `iac` provider: Terraform directories, Terraform plan JSON and CloudFormation templates.

`govscan scan iac PATH...` finds the Terraform root modules, plan files and templates under each
path; each is one work unit, so one unreadable file is one collection error and the rest is scanned.
Heavy imports (tree-sitter, the mappers) happen inside `collect`, never at import.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import click

from scanner.model import CollectionError, Resource
from scanner.plugins import WorkUnit

NAME = "iac"
SKIP_DIRS = frozenset({".terraform", ".git", "node_modules", ".venv", "__pycache__", ".tox"})
TEMPLATE_EXT = (".yaml", ".yml", ".template", ".json")
CODE_KINDS = ("storage.bucket", "storage.file", "compute.instance", "compute.disk", "compute.function",
              "container.registry", "network.firewall", "network.vpc", "network.subnet", "network.loadbalancer",
              "cdn.distribution", "database.instance", "nosql.table", "kms.key", "identity.user", "log.store",
              "log.sink", "audit.trail", "backup.plan", "kubernetes.cluster", "messaging.topic", "analytics.dataset",
              "web.app", "policy.guardrail", "account")


_YAML_RESOURCES = re.compile(r"^Resources\s*:", re.M)
_YAML_AWS_TYPE = re.compile(r"Type\s*:\s*['\"]?AWS::")
_JSON_AWS_TYPE = re.compile(r'"Type"\s*:\s*"AWS::')


def sniff(path: str, head: str) -> str | None:
    """What a JSON or YAML file holds, from its first bytes: `plan`, `cloudformation` or None."""
    if path.endswith(".json"):
        if '"planned_values"' in head or ('"format_version"' in head and '"terraform_version"' in head):
            return "plan"
        if '"Resources"' in head and ('"AWSTemplateFormatVersion"' in head or _JSON_AWS_TYPE.search(head)):
            return "cloudformation"
        return None
    if _YAML_RESOURCES.search(head) and ("AWSTemplateFormatVersion" in head or _YAML_AWS_TYPE.search(head)):
        return "cloudformation"
    return None


def _display(path: str) -> str:
    relative = os.path.relpath(path)
    return os.path.normpath(path) if relative.startswith("..") else relative


class IacProvider:
    """Terraform and CloudFormation as code: the same kinds and facts as the live providers."""

    name = NAME
    kinds = frozenset(CODE_KINDS)
    help = ("Scan infrastructure code: Terraform directories (modules, tfvars, count/for_each), "
            "Terraform plan JSON (`terraform show -json`) and CloudFormation templates (YAML/JSON).")
    short_help = "Scan Terraform and CloudFormation code."
    options: list[click.Parameter] = [
        click.Argument(["paths"], nargs=-1, required=True, type=click.Path(exists=True)),
        click.Option(["--var"], "var", multiple=True, metavar="NAME=VALUE",
                     help="Set a Terraform root variable (like terraform -var); repeatable."),
        click.Option(["--var-file"], "var_file", multiple=True, type=click.Path(exists=True, dir_okay=False),
                     help="A Terraform .tfvars file (like terraform -var-file); repeatable."),
        click.Option(["--region"], default=None,
                     help="Region CloudFormation templates are deployed to (without it, residency of regional "
                          "resources in templates is UNKNOWN)."),
        click.Option(["--tf-plan"], "tf_plan", multiple=True, type=click.Path(exists=True, dir_okay=False),
                     help="A plan JSON file (`terraform show -json plan.out`); plan files among PATHS are detected "
                          "by content."),
    ]

    def __init__(self) -> None:
        self.api_calls = 0

    # -- planning ----------------------------------------------------------------------------------
    def plan(self, target: Mapping[str, Any]) -> Iterable[WorkUnit]:
        """One unit per Terraform root module, plan file and CloudFormation template under the paths."""
        paths = [str(p) for p in (target.get("paths") or ())]
        extra = {"var": tuple(target.get("var") or ()), "var_file": tuple(target.get("var_file") or ()),
                 "region": target.get("region")}
        tf_dirs: dict[str, list[str]] = {}
        units: list[WorkUnit] = []
        seen: set[str] = set()
        for plan_file in target.get("tf_plan") or ():
            units.append(self._unit("terraform-plan", str(plan_file), extra))
            seen.add(os.path.abspath(str(plan_file)))
        for path in paths:
            if os.path.isfile(path):
                if os.path.abspath(path) in seen:
                    continue
                seen.add(os.path.abspath(path))
                if path.endswith(".tf"):
                    tf_dirs.setdefault(os.path.dirname(path) or ".", [])
                    continue
                kind = sniff(path, _head(path)) or ("cloudformation" if not path.endswith(".json") else "unknown")
                service = {"plan": "terraform-plan"}.get(kind, kind)
                units.append(self._unit(service, path, extra))
                continue
            for directory, subdirs, files in os.walk(path):
                subdirs[:] = sorted(d for d in subdirs if d not in SKIP_DIRS and not d.startswith("."))
                tf = [f for f in files if f.endswith(".tf")]
                if tf:
                    tf_dirs[directory] = [os.path.join(directory, f) for f in tf]
                for name in sorted(files):
                    if not name.endswith(TEMPLATE_EXT) or name.endswith(".tfvars.json"):
                        continue
                    file = os.path.join(directory, name)
                    if os.path.abspath(file) in seen:
                        continue
                    kind = sniff(file, _head(file))
                    if kind is not None:
                        seen.add(os.path.abspath(file))
                        units.append(self._unit("terraform-plan" if kind == "plan" else kind, file, extra))
        all_tf = [f for d in tf_dirs for f in (tf_dirs[d] or sorted(glob.glob(os.path.join(glob.escape(d), "*.tf"))))]
        called = module_sources(all_tf)
        for directory in sorted(tf_dirs):
            if os.path.normpath(directory) in called:
                continue
            units.append(self._unit("terraform", directory, extra))
        return units

    def _unit(self, service: str, path: str, extra: Mapping[str, Any]) -> WorkUnit:
        scope = _display(path)
        return WorkUnit(NAME, scope, service, extra.get("region") or "", tuple(sorted(self.kinds)),
                        {"path": path, **extra})

    # -- collection --------------------------------------------------------------------------------
    def collect(self, unit: WorkUnit) -> Iterator[Resource | CollectionError]:
        """Read one root module, plan file or template and yield its resources and problems."""
        self.api_calls += 0
        if unit.service == "terraform":
            from providers.iac.collect import collect_terraform

            yield from collect_terraform(unit)
        elif unit.service == "terraform-plan":
            from providers.iac.collect import collect_plan

            yield from collect_plan(unit)
        elif unit.service == "cloudformation":
            from providers.iac.collect import collect_cloudformation

            yield from collect_cloudformation(unit)
        else:
            yield CollectionError(NAME, unit.scope, unit.service, "", f"{unit.payload['path']}:1",
                                  f"{unit.payload['path']}:1: not a Terraform plan JSON nor a CloudFormation template",
                                  ())


_MODULE_SOURCE = re.compile(r'^\s*source\s*=\s*"(\.{1,2}/[^"]*)"', re.M)


def module_sources(paths: Iterable[str]) -> set[str]:
    """Directories that the given `.tf` files call as local modules (a text scan: planning parses nothing)."""
    out = set()
    for path in paths:
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
        except OSError:
            continue
        for match in _MODULE_SOURCE.finditer(text):
            out.add(os.path.normpath(os.path.join(os.path.dirname(path), match.group(1))))
    return out


def _head(path: str, size: int = 65536) -> str:
    try:
        with open(path, "rb") as handle:
            return handle.read(size).decode("utf-8", "replace")
    except OSError:
        return ""


provider = IacProvider

"""Collection for the `iac` units: read, evaluate, map; turn every problem into a collection error."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import Any

from scanner.model import CollectionError, Resource
from scanner.plugins import WorkUnit

NAME = "iac"


def problem_error(unit: WorkUnit, file: str, line: int, message: str) -> CollectionError:
    """A collection error that names the file and line."""
    return CollectionError(NAME, unit.scope, unit.service, unit.region, f"read {file}:{line}", f"{file}:{line}: {message}", ())


def map_all(unit: WorkUnit, resources: Iterable[Any], context: Any) -> Iterator[Resource | CollectionError]:
    """Run the mapper of every resource; a mapper failure is an error naming the resource, not the unit."""
    from providers.terraform.mappers import map_resource

    for tf in resources:
        try:
            yield from map_resource(tf, context)
        except Exception as exc:  # a mapper bug costs one resource, never the scan
            yield CollectionError(NAME, unit.scope, unit.service, unit.region, f"map {tf.address}",
                                  f"{tf.file}:{tf.line}: {tf.address}: {type(exc).__name__}: {exc}", ())


def collect_terraform(unit: WorkUnit) -> Iterator[Resource | CollectionError]:
    """A Terraform root module from HCL."""
    from providers.terraform.config import load, parse_var_option

    variables: dict[str, Any] = {}
    for option in unit.payload.get("var") or ():
        try:
            name, value = parse_var_option(option)
        except ValueError as exc:
            yield CollectionError(NAME, unit.scope, unit.service, "", "--var", str(exc), ())
            continue
        variables[name] = value
    config = load(unit.payload["path"], unit.scope, unit.payload.get("var_file") or (), variables)
    for problem in config.problems:
        yield problem_error(unit, problem.file, problem.line, problem.message)
    yield from map_all(unit, config.resources, config)


def collect_plan(unit: WorkUnit) -> Iterator[Resource | CollectionError]:
    """A Terraform plan JSON file."""
    from providers.terraform.plan import PlanError, load_plan

    try:
        plan = load_plan(unit.payload["path"], unit.scope)
    except PlanError as exc:
        yield problem_error(unit, exc.file, exc.line, exc.detail)
        return
    for problem in plan.problems:
        yield problem_error(unit, problem.file, problem.line, problem.message)
    root = os.path.dirname(unit.payload["path"]) or "."
    if any(name.endswith(".tf") for name in os.listdir(root)):
        # The plan sits in its root module: give findings the declaring file and line, and its suppressions.
        from providers.terraform.config import source_positions

        positions, problems = source_positions(root)
        for problem in problems:
            yield problem_error(unit, problem.file, problem.line, problem.message)
        plan.locate(positions)
    yield from map_all(unit, plan.resources, plan)


def collect_cloudformation(unit: WorkUnit) -> Iterator[Resource | CollectionError]:
    """A CloudFormation template."""
    from providers.cloudformation.aws import map_template
    from providers.cloudformation.template import TemplateError, load_template

    try:
        template = load_template(unit.payload["path"], unit.payload.get("region"), unit.scope)
    except TemplateError as exc:
        yield problem_error(unit, exc.file, exc.line, exc.detail)
        return
    for problem in template.problems:
        yield problem_error(unit, problem.file, problem.line, problem.message)
    yield from map_template(template, unit)

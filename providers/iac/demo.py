"""`govscan demo` for code: bundled example Terraform for all five clouds and a CloudFormation template,
each with violations (a bucket in us-east-1, a replica in Oregon, an unencrypted volume, port 22 open to
the world) next to their compliant twins."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from importlib import resources
from typing import Any


@contextlib.contextmanager
def environment() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """The `iac` scan target of the demo: the bundled examples, deployed (for CloudFormation) to Tokyo."""
    root = resources.files("providers.iac") / "examples"
    with resources.as_file(root) as path:
        yield [("iac", {"paths": (str(path),), "region": "ap-northeast-1", "var": (), "var_file": (), "tf_plan": ()})]

"""Find the mappers: every function marked with `@maps` in the modules of `providers/terraform/`."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from functools import lru_cache

from providers.terraform.model import Mapper, TfContext, TfResource
from scanner.model import Resource

# Modules of this package that hold readers, not mappers.
_NOT_MAPPERS = frozenset({"model", "hcl", "evaluate", "config", "plan", "mappers", "common"})


@lru_cache(maxsize=1)
def registry() -> dict[str, Mapper]:
    """Terraform resource type -> mapper, by scanning the package's modules for `__govscan_maps__`."""
    import providers.terraform as package

    out: dict[str, Mapper] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name in _NOT_MAPPERS or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"providers.terraform.{info.name}")
        for value in vars(module).values():
            types = getattr(value, "__govscan_maps__", None)
            if not callable(value) or not types:
                continue
            for type_ in types:
                out.setdefault(type_, value)
    return out


def mapped_kinds() -> frozenset[str]:
    """Kinds the mappers may emit (declared by each mapper module as `KINDS`, when it does)."""
    import providers.terraform as package

    kinds: set[str] = set()
    for info in pkgutil.iter_modules(package.__path__):
        if info.name in _NOT_MAPPERS or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"providers.terraform.{info.name}")
        kinds.update(getattr(module, "KINDS", ()))
    return frozenset(kinds)


def map_resource(resource: TfResource, context: TfContext) -> Iterator[Resource]:
    """The normalized resources of one Terraform resource (none when no mapper knows its type)."""
    mapper = registry().get(resource.type)
    if mapper is None:
        return iter(())
    return iter(mapper(resource, context))

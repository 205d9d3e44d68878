"""The contract between the Terraform readers (HCL, plan JSON) and the per-cloud mappers.

Readers turn every `resource` block into a `TfResource` whose `values` look like the planned values
of `terraform show -json`: attributes evaluated, nested blocks as lists of dicts, and `Unknown` for
anything that cannot be known statically. A reference to another resource's attribute that is only
known after apply is `Unknown(reason, source="<address>.<attr>")`, so mappers can join resources.
Mappers (`providers/terraform/<cloud>.py`) turn a `TfResource` into normalized `Resource`s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from scanner.model import Mute, Resource, Unknown


@dataclass(frozen=True)
class TfResource:
    """One `resource` block instance (after count/for_each expansion), with evaluated values."""

    address: str  # module.net.aws_security_group.web[0]
    type: str  # aws_security_group
    name: str  # web
    values: Mapping[str, Any]
    file: str
    line: int
    attr_lines: Mapping[str, int] = field(default_factory=dict)  # "ingress.0.cidr_blocks" -> line
    provider_config: Mapping[str, Any] = field(default_factory=dict)  # values of the provider block in force
    module: str = ""  # module path, "" for the root module
    mutes: tuple[Mute, ...] = ()

    def get(self, path: str, default: Any = None) -> Any:
        """The value at a dotted path (`rule.0.apply_server_side_encryption_by_default.kms_master_key_id`).

        A missing attribute returns `default`; an Unknown on the way is returned as it is.
        """
        current: Any = self.values
        for part in path.split("."):
            if isinstance(current, Unknown):
                return current
            if isinstance(current, Mapping):
                if part not in current:
                    return default
                current = current[part]
            elif isinstance(current, list) and part.isdigit():
                index = int(part)
                if index >= len(current):
                    return default
                current = current[index]
            else:
                return default
        return current

    def line_of(self, path: str) -> int:
        """The line of an attribute, else of the block."""
        return self.attr_lines.get(path, self.line)


class TfContext(Protocol):
    """What a mapper may ask about the rest of the configuration."""

    scope: str

    def of_type(self, type_: str) -> list[TfResource]:
        """Every resource of a type in the configuration."""
        ...

    def linked(self, target: TfResource, type_: str, by: str) -> list[TfResource]:
        """Resources of `type_` whose attribute `by` refers to `target` (by reference or by literal name/id)."""
        ...


Mapper = Callable[[TfResource, TfContext], Iterable[Resource]]


def maps(*types: str) -> Callable[[Mapper], Mapper]:
    """Mark a function as the mapper of these Terraform resource types (found by module scan)."""

    def mark(function: Mapper) -> Mapper:
        function.__govscan_maps__ = types  # type: ignore[attr-defined]
        return function

    return mark

"""Helpers shared by the Google Cloud, Azure, OCI and Sakura mappers: locations and rule records.

Not a mapper module (the leading underscore keeps the registry from scanning it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from providers.terraform.model import TfContext, TfResource
from scanner.kinds import FirewallRule
from scanner.model import Unknown

NO_REGION = "no region set; the provider default decides"
# Sources of an Unknown that are not another resource (a variable or local without a value may be null).
_NOT_RESOURCES = ("var.", "local.", "each.", "count.", "path.", "terraform.")


def lower(value: str) -> str:
    """`ASIA-NORTHEAST1` -> `asia-northeast1`."""
    return value.strip().lower()


def azure_location(value: str) -> str:
    """`Japan East`, `japan east` and `japaneast` are the same place."""
    return "".join(value.split()).lower()


def location(tf: TfResource, own: Iterable[str], provider: Iterable[str] = (),
             normalize: Callable[[str], str] = lower) -> str | Unknown:
    """The resource's own location attribute, else the provider block's, else Unknown. Never a guess."""
    for attr in own:
        value = tf.values.get(attr)
        if isinstance(value, Unknown):
            return Unknown(f"{attr} is not known: {value.reason}", value.source)
        if isinstance(value, str) and value.strip():
            return normalize(value)
    for attr in provider:
        value = tf.provider_config.get(attr)
        if isinstance(value, Unknown):
            return Unknown(f"the provider {attr} is not known: {value.reason}", value.source)
        if isinstance(value, str) and value.strip():
            return normalize(value)
    return Unknown(NO_REGION)


def known_str(value: Any) -> str | None:
    """A known, non-empty string, else None."""
    return value if isinstance(value, str) and value else None


def refers_to(value: Any, target: TfResource, attrs: Iterable[str] = ("id", "name", "self_link")) -> bool:
    """True when `value` is a reference to `target` or one of its known identifying values."""
    if isinstance(value, Unknown):
        return value.source == target.address or value.source.startswith(target.address + ".")
    if isinstance(value, str) and value:
        return any(value == target.values.get(a) for a in attrs)
    return False


def pointing_at(ctx: TfContext, target: TfResource, type_: str, by: str,
                attrs: Iterable[str] = ("id", "name", "self_link")) -> list[TfResource]:
    """Resources of `type_` whose `by` attribute refers to `target` (reference or literal id/name)."""
    names = tuple(attrs)
    out = []
    for candidate in ctx.of_type(type_):
        value = candidate.get(by)
        values = value if isinstance(value, list) else [value]
        if any(refers_to(v, target, names) for v in values):
            out.append(candidate)
    return out


def resolve(ctx: TfContext, value: Any, types: Iterable[str],
            attrs: Iterable[str] = ("id", "name", "self_link")) -> TfResource | None:
    """The declared resource that `value` refers to, among `types`, or None."""
    names = tuple(attrs)
    for type_ in types:
        for candidate in ctx.of_type(type_):
            if refers_to(value, candidate, names):
                return candidate
    return None


def port_range(text: Any) -> tuple[int | None, int | None] | None:
    """`22` -> (22, 22); `1000-2000` -> (1000, 2000); `*`, empty or None -> every port; None when unreadable."""
    if text is None:
        return None, None
    if isinstance(text, int) and not isinstance(text, bool):
        return text, text
    if not isinstance(text, str):
        return None
    raw = text.strip()
    if raw in ("", "*"):
        return None, None
    try:
        if "-" in raw:
            low, high = raw.split("-", 1)
            return int(low), int(high)
        return int(raw), int(raw)
    except ValueError:
        return None


def rule(protocol: str, ports: Any, sources: Iterable[str], allow: bool, label: str) -> FirewallRule | Unknown:
    """One FirewallRule, or Unknown when the port text cannot be read."""
    span = port_range(ports)
    if span is None:
        return Unknown(f"rule {label}: unreadable port range {ports!r}")
    return FirewallRule(protocol, span[0], span[1], tuple(sources), allow, label)


def rules_or_unknown(items: list[FirewallRule | Unknown]) -> list[FirewallRule] | Unknown:
    """The rules, or the first Unknown among them (a partly unreadable rule set is not a clean one)."""
    for item in items:
        if isinstance(item, Unknown):
            return item
    return [i for i in items if isinstance(i, FirewallRule)]


def str_list(value: Any) -> list[str] | Unknown:
    """A list of known strings (empty when absent), Unknown when any element is not known."""
    if value is None:
        return []
    if isinstance(value, Unknown):
        return value
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        return Unknown(f"not a list: {value!r}")
    for item in value:
        if isinstance(item, Unknown):
            return item
    return [str(v) for v in value if v is not None]


def tag_map(value: Any) -> Mapping[str, str] | Unknown:
    """Labels/tags as strings: a map, or (Sakura) a list of tag words."""
    if value is None:
        return {}
    if isinstance(value, Unknown):
        return value
    if isinstance(value, list):
        for item in value:
            if isinstance(item, Unknown):
                return Unknown(f"a tag is not known: {item.reason}", item.source)
        return {str(v): "" for v in value}
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if isinstance(item, Unknown):
                return Unknown(f"tag {key} is not known: {item.reason}", item.source)
            out[str(key)] = "" if item is None else str(item)
        return out
    return Unknown("tags are not a map")


def opt(value: Any, default: Any) -> Any:
    """`value`, or `default` when it is absent (None). Unlike `value or default`, an Unknown stays Unknown."""
    return default if value is None else value


def present(value: Any) -> bool | Unknown:
    """Whether a block or value is set: Unknown stays Unknown, an empty list or None is False."""
    if isinstance(value, Unknown):
        return value
    return bool(value)


def label(value: Any, default: str = "") -> str:
    """A display text (names, descriptions): an Unknown shows as its reason."""
    return default if value is None else str(value)


def first_unknown(*values: Any) -> Unknown | None:
    """The first Unknown among `values`, else None."""
    return next((v for v in values if isinstance(v, Unknown)), None)


def join_keys_unknown(ctx: TfContext, target: TfResource, type_: str, by: str,
                      attrs: Iterable[str] = ("name", "id")) -> Unknown | None:
    """Unknown when `target`'s names are not known and a `type_` resource names its target by a literal:
    whether that resource applies to `target` cannot be decided."""
    keys = [target.values.get(a) for a in attrs]
    if any(isinstance(k, str) and k for k in keys):
        return None
    for candidate in ctx.of_type(type_):
        value = candidate.get(by)
        if isinstance(value, str) and value:
            return Unknown(f"{candidate.address}.{by} names {value!r}, and this resource's name is not known")
    return None


def key_encryption(value: Any) -> str | Unknown:
    """`encryption.at_rest` from a customer key argument: set -> customer_key, absent or empty -> provider_key.

    A reference to a key resource or data source (Unknown whose source is that resource) is set; a
    variable, a local or an expression that could not be evaluated may still be null, so the fact
    stays Unknown.
    """
    if isinstance(value, Unknown):
        if value.source and not value.source.startswith(_NOT_RESOURCES):
            return "customer_key"
        return Unknown(f"the key argument is not known: {value.reason}", value.source)
    return "customer_key" if value not in (None, "") else "provider_key"


def is_set(value: Any) -> bool | Unknown:
    """Whether an optional argument is set: a reference to another resource counts as set (its value comes
    at apply time); a variable or local without a value, or an unevaluated expression, stays Unknown."""
    if isinstance(value, Unknown):
        if value.source and not value.source.startswith(_NOT_RESOURCES):
            return True
        return Unknown(f"whether it is set is not known: {value.reason}", value.source)
    return value not in (None, "", [])



"""Helpers the mappers share: building a code `Resource`, reading tags, names and regions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from providers.terraform.model import TfContext, TfResource
from scanner.model import Origin, Resource, Unknown


def region_of(tf: TfResource, attr: str = "region") -> str | Unknown:
    """The AWS-style region in force: the resource's own `region`, else its provider configuration's."""
    own = tf.values.get(attr)
    if isinstance(own, str) and own:
        return own.lower()
    # AWS provider v5 plans show a computed `region` as unknown; v6 makes it an argument defaulting to the provider's.
    region = tf.provider_config.get("region")
    if isinstance(region, str) and region:
        return region.lower()
    if isinstance(own, Unknown):
        return own
    if isinstance(region, Unknown):
        return Unknown(f"the provider region is not known: {region.reason}", region.source)
    return Unknown("the provider configuration sets no region (AWS_REGION or the profile decides at apply time)")


def zone_region(zone: Any) -> str | None:
    """`ap-northeast-1` from the availability zone `ap-northeast-1a`."""
    if isinstance(zone, str) and len(zone) > 1 and zone[-1].isalpha() and zone[-2].isdigit():
        return zone[:-1].lower()
    return None


def tags_of(tf: TfResource, attr: str = "tags") -> Mapping[str, str] | Unknown:
    """The resource's tags as strings (Unknown when they cannot be evaluated)."""
    tags = tf.values.get(attr)
    if tags is None:
        return {}
    if isinstance(tags, Unknown):
        return tags
    if not isinstance(tags, Mapping):
        return Unknown(f"{attr} is not a map")
    out = {}
    for key, value in tags.items():
        if isinstance(value, Unknown):
            return Unknown(f"tag {key} is not known: {value.reason}", value.source)
        out[str(key)] = "" if value is None else str(value)
    return out


def text(value: Any, default: str) -> str:
    """A display string: the value when it is a known string, else the default."""
    return value if isinstance(value, str) and value else default


def build(tf: TfResource, ctx: TfContext, provider: str, kind: str, location: str | Unknown, attrs: Mapping[str, Any],
          lines: Mapping[str, str] | None = None, name: str | None = None, tags: Any = None,
          address: str | None = None) -> Resource:
    """A code Resource for `tf`: the address is its id, `lines` maps facts to the attributes that set them."""
    attr_lines = {}
    for fact, attr in (lines or {}).items():
        attr_lines[fact] = tf.line_of(attr)
    if "location" not in attr_lines:
        for attr in ("region", "location", "availability_zone", "zone", "provider"):
            if attr in tf.attr_lines:
                attr_lines["location"] = tf.attr_lines[attr]
                break
    return Resource(
        provider=provider,
        kind=kind,
        native_type=tf.type,
        id=address or tf.address,
        name=name or tf.name,
        scope=ctx.scope,
        location=location,
        attrs={k: v for k, v in attrs.items() if v is not None},
        origin=Origin.code(tf.file, tf.line, attr_lines, tf.module or None),
        tags=tags_of(tf) if tags is None else tags,
        mutes=tf.mutes,
    )


def as_bool(value: Any, default: bool | Unknown | None) -> bool | Unknown | None:
    """A bool attribute: the value, the provider's documented default when absent, Unknown when not known."""
    if value is None:
        return default
    if isinstance(value, bool | Unknown):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return Unknown(f"not a bool: {value!r}")


def as_int(value: Any) -> int | Unknown | None:
    """An int attribute, None when absent."""
    if value is None or isinstance(value, Unknown):
        return value
    if isinstance(value, bool):
        return Unknown(f"not a number: {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return Unknown(f"not a number: {value!r}")


def blocks(tf: TfResource | Mapping[str, Any], name: str) -> list[Mapping[str, Any]] | Unknown:
    """A nested block list: empty when absent; Unknown when the list or any block in it is not known."""
    values = tf.values if isinstance(tf, TfResource) else tf
    found = values.get(name)
    if found is None:
        return []
    if isinstance(found, Unknown):
        return found
    if isinstance(found, Mapping):
        return [found]
    if isinstance(found, list):
        unknown = next((item for item in found if isinstance(item, Unknown)), None)
        return unknown if unknown is not None else [b for b in found if isinstance(b, Mapping)]
    return Unknown(f"{name} is not a block")

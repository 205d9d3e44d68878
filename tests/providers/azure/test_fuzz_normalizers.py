"""Hypothesis: recorded Resource Graph rows with any part replaced by arbitrary JSON never raise out
of a normalizer; they give a resource whose facts fit the kinds table, or an error naming the row."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from providers.azure import account, compute, databases, edge, keyvault, network, storage, web
from providers.azure.families import _guard
from scanner.kinds import validate_resource_facts
from scanner.model import CollectionError, Resource, Unknown
from tests.fakes.azure_arm import load_fixtures
from tests.reliability import record

_, ROWS, _ = load_fixtures()
NOT_READ = Unknown("not read")
NORMALIZERS: dict[str, Any] = {
    "microsoft.storage/storageaccounts": lambda r: storage.normalize_storage_account(r, {"properties": {}}),
    "microsoft.compute/disks": lambda r: compute.normalize_disk(r, frozenset()),
    "microsoft.compute/virtualmachines": lambda r: compute.normalize_vm(r, frozenset(), frozenset()),
    "microsoft.network/networksecuritygroups": network.normalize_nsg,
    "microsoft.network/virtualnetworks": lambda r: network.normalize_vnet(r, set(), network.subnet_nsgs(r)),
    databases.SQL_SERVER: lambda r: databases.normalize_sql_server(r, {}, NOT_READ),
    databases.SQL_DATABASE: lambda r: databases.normalize_sql_database(r, NOT_READ),
    databases.POSTGRES: lambda r: databases.normalize_flexible_server(r, NOT_READ),
    databases.COSMOS: databases.normalize_cosmos,
    "microsoft.keyvault/vaults": lambda r: keyvault.normalize_vault(r, []),
    "microsoft.web/sites": lambda r: web.normalize_site(r, NOT_READ),
    "microsoft.cdn/profiles": edge.normalize_global,
    "microsoft.authorization/policyassignments": account.normalize_guardrail,
}
TEMPLATES = [r for r in ROWS if r["type"] in NORMALIZERS]
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 70000) | st.text(max_size=12)
    | st.sampled_from(["Enabled", "Disabled", "TLS1_2", "*", "22-23", "Japan East"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
EXAMPLES = 400
COUNT = {"examples": 0}


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            out += _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            out += _paths(inner, (*prefix, index))
    return out


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(template=st.sampled_from(TEMPLATES), data=st.data())
def _normalizers_never_raise(template: dict, data: st.DataObject) -> None:
    row = copy.deepcopy(template)
    paths = _paths(row)
    for path in data.draw(st.lists(st.sampled_from(paths), max_size=4)):
        target: Any = row
        try:
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = data.draw(JSON)
        except (KeyError, IndexError, TypeError):
            continue
    made = _guard("fuzz", row, NORMALIZERS[template["type"]], row)
    COUNT["examples"] += 1
    assert isinstance(made, Resource | CollectionError)
    if isinstance(made, Resource):
        assert validate_resource_facts(made.kind, made.attrs) == [], (made.attrs, row)
    else:
        assert made.operation.startswith("normalize") and made.reason


def test_normalizers_never_raise() -> None:
    _normalizers_never_raise()
    record("fuzz", target="azure normalizers (Resource Graph rows, mutated)", examples=COUNT["examples"],
           tracebacks=0, silent_passes=0)

"""Normalizers on the recorded Resource Graph rows and ARM replies: facts as the kinds table says."""

from __future__ import annotations

import copy

import pytest

from providers.azure import account, compute, databases, edge, keyvault, network, storage, web
from providers.azure.locations import normalize, paired
from scanner.kinds import FirewallRule, validate_resource_facts
from scanner.model import Unknown
from tests.fakes.azure_arm import load_fixtures

SUBS, ROWS, ARM = load_fixtures()
ARM_BY_PATH = {k.lower(): v for k, v in ARM.items()}


def _row(name: str) -> dict:
    (found,) = [r for r in ROWS if r["name"] == name]
    return found


def _arm(path: str) -> dict:
    return ARM_BY_PATH[path.lower()]


def test_locations_are_one_spelling() -> None:
    assert normalize("Japan East") == normalize("japaneast") == "japaneast"
    assert normalize(" Southeast Asia ") == "southeastasia"
    assert isinstance(normalize(""), Unknown)
    assert paired("japaneast") == "japanwest" and paired("japanwest") == "japaneast"
    assert paired("southeastasia") == "eastasia"
    assert isinstance(paired("mars"), Unknown)


def test_geo_redundant_storage_copies_to_the_pair_or_the_reported_secondary() -> None:
    good = storage.normalize_storage_account(_row("govdataa01"), _arm(_row("govdataa01")["id"] + "/blobServices/default"))
    assert good.attrs["replication.locations"] == ["japanwest"]
    assert good.attrs["encryption.at_rest"] == "customer_key" and good.attrs["infrastructure_encryption"] is True
    assert good.attrs["tls_only"] is True and good.attrs["tls.min_version"] == "1.2"
    assert good.attrs["public"] is False and good.attrs["network.default_deny"] is True
    assert good.attrs["versioning"] is True and good.attrs["shared_key_access"] is False
    abroad = storage.normalize_storage_account(_row("govbackupb02"))
    assert abroad.location == "southeastasia"
    assert abroad.attrs["replication.locations"] == ["eastasia"]  # no secondaryLocation: the published pair
    assert abroad.attrs["public"] is True and abroad.attrs["tls.min_version"] == "1.0"
    assert "versioning" not in abroad.attrs  # blob service not read: the fact stays unknown
    legacy = storage.normalize_storage_account(_row("govlegacyb03"))
    assert legacy.location == "japaneast" and legacy.attrs["replication.locations"] == []
    assert legacy.attrs["tls.min_version"] == "1.0"  # minimumTlsVersion absent: the service accepts TLS 1.0
    sandbox = storage.normalize_storage_account(_row("sandboxd01"))
    assert "public" not in sandbox.attrs  # allowBlobPublicAccess absent: unknown, never false
    zone = storage.normalize_storage_account(_row("govzeimuc01"))
    assert zone.attrs["replication.locations"] == ["japaneast"]  # GZRS secondary as reported


def test_nsg_rules_become_firewall_records() -> None:
    nsg = network.normalize_nsg(_row("nsg-web-b"))
    rules = nsg.attrs["ingress"]
    assert all(isinstance(r, FirewallRule) for r in rules)
    rdp = next(r for r in rules if r.label == "allow-rdp-any")
    assert (rdp.protocol, rdp.from_port, rdp.to_port, rdp.sources) == ("tcp", 3389, 3389, ("*",))
    assert rdp.admits_any_source() and rdp.covers_port(3389)
    https = [r for r in rules if r.label == "allow-https"]
    assert sorted(r.from_port for r in https) == [443, 8443]
    everything = next(r for r in rules if r.label == "allow-all-any")
    assert everything.protocol == "all" and everything.all_ports()
    safe = network.normalize_nsg(_row("nsg-app-a"))
    assert not any(r.admits_any_source() for r in safe.attrs["ingress"])


def test_flow_logs_join_vnets_through_subnet_nsgs() -> None:
    flows = [r for r in ROWS if r["type"] == "microsoft.network/networkwatchers/flowlogs"]
    logged = network.flow_logged_targets(flows)
    a = _row("vnet-a")
    b = _row("vnet-b")
    assert network.normalize_vnet(a, logged, network.subnet_nsgs(a)).attrs["flow_logs"] is True
    assert network.normalize_vnet(b, logged, network.subnet_nsgs(b)).attrs["flow_logs"] is False


def test_databases_read_replicas_backups_and_tls() -> None:
    groups = [r for r in ROWS if r["type"] == databases.FAILOVER_GROUP]
    partners = databases.partner_locations(groups)
    a = databases.normalize_sql_server(_row("sql-gov-a"), partners, _arm(_row("sql-gov-a")["id"] + "/auditingSettings/default"))
    assert a.attrs["replication.locations"] == ["japanwest"] and a.attrs["audit_logging"] is True
    b = databases.normalize_sql_server(_row("sql-gov-b"), partners, Unknown("HTTP 403 AuthorizationFailed"))
    assert b.attrs["replication.locations"] == ["eastus"] and isinstance(b.attrs["audit_logging"], Unknown)
    pg = databases.normalize_flexible_server(_row("pg-gov-b-sea"), Unknown("not read"))
    assert pg.attrs["backup.locations"] == ["southeastasia", "eastasia"]
    assert isinstance(pg.attrs["tls.required"], Unknown)
    cosmos = databases.normalize_cosmos(_row("cosmos-gov-b"))
    assert cosmos.attrs["replication.locations"] == ["eastus", "japaneast"] and cosmos.attrs["public"] is True
    db = databases.normalize_sql_database(_row("testdb"), _arm(_row("testdb")["id"] + "/transparentDataEncryption/current"))
    assert db.attrs["encryption.at_rest"] == "none"
    locks = databases.locked_scopes(_arm(f"/subscriptions/{SUBS[0]['subscriptionId']}/providers/Microsoft.Authorization/locks")["value"])
    assert databases.deletion_protected(_row("sql-gov-a")["id"], locks) is True
    assert databases.deletion_protected(_row("pg-gov-a")["id"], locks) is True
    assert databases.deletion_protected(_row("sql-gov-a")["id"].replace("rg-db", "rg-app"), locks) is False


def test_subscription_account_facts() -> None:
    sub = SUBS[1]
    sid = sub["subscriptionId"]
    pricings = [r for r in ROWS if r["type"] == "microsoft.security/pricings" and r["subscriptionId"] == sid]
    assignments = [r for r in ROWS if r["type"] == "microsoft.authorization/policyassignments"]
    (container,) = [r for r in ROWS if r["type"] == "microsoft.resources/subscriptions" and r["subscriptionId"] == sid]
    chain = account.management_chain(container)
    res = account.normalize_account(sub, chain, pricings, assignments, [], [])
    assert res.attrs["threat_detection.enabled"] is False
    assert res.attrs["guardrail.region_restriction"] is False  # its own assignment is DoNotEnforce
    assert res.attrs["organization.member"] is False and res.attrs["audit.enabled"] is False
    assert res.attrs["security_contact.present"] is False
    gap = Unknown("HTTP 403 AuthorizationFailed")
    blind = account.normalize_account(sub, gap, gap, gap, gap, gap)
    assert all(isinstance(v, Unknown) for v in blind.attrs.values())
    guard = account.normalize_guardrail(next(a for a in assignments if a["name"] == "allowed-locations-dev"))
    assert guard.attrs == {"allowed_locations": ["eastus", "japaneast", "japanwest", "southeastasia"], "enforced": False}


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["name"][:40])
def test_every_recorded_row_normalizes_within_the_kinds_table(row: dict) -> None:
    kind = row["type"]
    if kind in storage.TYPES:
        made = [storage.normalize_storage_account(row)]
    elif kind == "microsoft.compute/disks":
        made = [compute.normalize_disk(row, frozenset())]
    elif kind == "microsoft.compute/virtualmachines":
        made = [compute.normalize_vm(row, frozenset(), frozenset())]
    elif kind == "microsoft.network/networksecuritygroups":
        made = [network.normalize_nsg(row)]
    elif kind == "microsoft.network/virtualnetworks":
        made = [network.normalize_vnet(row, set(), network.subnet_nsgs(row))]
    elif kind == databases.SQL_SERVER:
        made = [databases.normalize_sql_server(row, {}, Unknown("not read"))]
    elif kind == databases.SQL_DATABASE:
        made = [databases.normalize_sql_database(row, Unknown("not read"))]
    elif kind in databases.FLEX_CONFIG:
        made = [databases.normalize_flexible_server(row, Unknown("not read"))]
    elif kind == databases.COSMOS:
        made = [databases.normalize_cosmos(row)]
    elif kind in keyvault.TYPES:
        made = [keyvault.normalize_vault(row, [])]
    elif kind in web.TYPES:
        made = [web.normalize_site(row, Unknown("not read"))]
    elif kind in edge.TYPES:
        made = [edge.normalize_global(row)]
        assert made[0].location == "global"
    elif kind in account.ASSIGNMENTS and account.is_allowed_locations(row):
        made = [account.normalize_guardrail(row)]
    else:
        made = []  # join-only rows (flow logs, NICs, failover groups, pricings, containers, backup items)
    for res in made:
        assert (res.provider == "azure" and res.scope == row["subscriptionId"]) or res.kind == "policy.guardrail"
        assert validate_resource_facts(res.kind, res.attrs) == []
        assert isinstance(res.location, Unknown) or res.location == res.location.lower().replace(" ", "")


def test_allow_rule_behind_a_higher_priority_deny_is_shadowed() -> None:
    row = copy.deepcopy(_row("nsg-web-b"))
    row["properties"]["securityRules"].insert(0, {"name": "deny-rdp-first", "properties": {
        "protocol": "Tcp", "sourcePortRange": "*", "destinationPortRange": "3389", "sourceAddressPrefix": "*",
        "destinationAddressPrefix": "*", "access": "Deny", "priority": 90, "direction": "Inbound"}})
    labels = [r.label for r in network.normalize_nsg(row).attrs["ingress"] if r.allow]
    assert "allow-rdp-any" not in labels and "allow-all-any" in labels  # 'all ports' is not covered by the deny

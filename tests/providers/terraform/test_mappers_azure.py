"""azurerm_* mappers: the example folder through the HCL reader, the recorded plan, and unit cases."""

from __future__ import annotations

import pytest

from providers.terraform.azurerm import PAIRS, paired
from scanner.model import Status, Unknown
from tests.providers.terraform.cloud_support import compare_expected, hcl, one, plan, status, tf

P = Status.PASS
F = Status.FAIL
U = Status.UNKNOWN


def account(**values: object) -> dict[str, object]:
    return {"name": "sa", "resource_group_name": "rg", "location": "japaneast", "account_tier": "Standard",
            "account_replication_type": "LRS", **values}


def test_example_folder_gives_the_expected_findings() -> None:
    compare_expected("azure")


def test_example_folder_normalizes_locations_and_joins() -> None:
    _, r = hcl("azure")
    # `Japan East` on the resource group, read through `azurerm_resource_group.main.location`.
    assert r["azurerm_storage_account.records"].location == "japaneast"
    # RA-GRS in Japan East copies to Japan West: allowed.
    assert r["azurerm_storage_account.records"].attrs["replication.locations"] == ["japanwest"]
    # The separate network rules resource denies by default.
    assert r["azurerm_storage_account.records"].attrs["network.default_deny"] is True
    # The NSG collects the separate azurerm_network_security_rule that names it.
    labels = [rule.label for rule in r["azurerm_network_security_group.web"].attrs["ingress"]]
    assert labels == ["allow-https", "allow-rdp"]
    # The failover group's partner server is in East US.
    assert r["azurerm_mssql_server.primary"].attrs["replication.locations"] == ["eastus"]
    # The database sits in its server's region; Geo backup storage copies to the pair.
    assert r["azurerm_mssql_database.app"].attrs["backup.locations"] == ["japaneast", "japanwest"]
    assert r["azurerm_cosmosdb_account.docs"].attrs["replication.locations"] == ["japaneast", "southeastasia"]
    assert r["azurerm_key_vault.main"].attrs["expiry_set"] is True and r["azurerm_key_vault.main"].attrs["rotation.enabled"] is True


def test_plan_residency_both_ways() -> None:
    r = plan("azure")
    assert status(r["azurerm_storage_account.grs"], "GC-RES-001") is P
    assert status(r["azurerm_storage_account.grs"], "GC-RES-004") is P  # GRS in Japan East -> Japan West
    assert status(r["azurerm_storage_account.us"], "GC-RES-001") is F
    assert status(r["azurerm_storage_account.us"], "GC-RES-004") is F  # RA-GZRS in East US -> West US
    # storage_account_id is known only after apply: the network rules join by reference.
    assert r["azurerm_storage_account.grs"].attrs["network.default_deny"] is True
    assert status(r["azurerm_storage_account.us"], "GC-NET-010") is F
    # server_id known only after apply: the database takes its server's region.
    assert r["azurerm_mssql_database.app"].location == "japaneast"
    assert status(r["azurerm_mssql_database.app"], "GC-RES-008") is P
    assert status(r["azurerm_cosmosdb_account.docs"], "GC-RES-006") is P
    assert status(r["azurerm_cdn_frontdoor_profile.edge"], "GC-RES-001") is U  # global: review
    assert status(r["azurerm_subscription_policy_assignment.locations"], "GC-RES-003") is P
    assert status(r["azurerm_network_security_group.web"], "GC-NET-001") is F


@pytest.mark.parametrize(("written", "normalized"), [("Japan East", "japaneast"), ("japan east", "japaneast"),
                                                    ("JapanWest", "japanwest"), ("East US 2", "eastus2")])
def test_location_spellings(written: str, normalized: str) -> None:
    assert one(tf("azurerm_virtual_network.v", {"name": "v", "location": written})).location == normalized


@pytest.mark.parametrize(("sku", "copies"), [("LRS", []), ("ZRS", []), ("GRS", ["japanwest"]), ("RAGRS", ["japanwest"]),
                                             ("GZRS", ["japanwest"]), ("RAGZRS", ["japanwest"])])
def test_replication_skus(sku: str, copies: list[str]) -> None:
    resource = one(tf("azurerm_storage_account.s", account(account_replication_type=sku)))
    assert resource.attrs["replication.locations"] == copies
    assert status(resource, "GC-RES-004") is P


def test_region_pairs() -> None:
    assert paired("japanwest") == "japaneast" and PAIRS["southeastasia"] == "eastasia"
    unknown = one(tf("azurerm_storage_account.s", account(location="qatarcentral", account_replication_type="GRS")))
    assert isinstance(unknown.attrs["replication.locations"], Unknown)
    assert status(unknown, "GC-RES-004") is U
    missing = one(tf("azurerm_storage_account.s", {"name": "s", "account_replication_type": "LRS"}))
    assert isinstance(missing.location, Unknown) and status(missing, "GC-RES-001") is U


def test_storage_defaults_and_facts() -> None:
    defaults = one(tf("azurerm_storage_account.s", account()))
    assert defaults.attrs["tls_only"] is True and defaults.attrs["tls.min_version"] == "1.2"
    assert defaults.attrs["shared_key_access"] is True and defaults.attrs["infrastructure_encryption"] is False
    assert defaults.attrs["public"] is True  # allow_nested_items_to_be_public defaults to true
    assert defaults.attrs["encryption.at_rest"] == "provider_key"
    closed = one(tf("azurerm_storage_account.s", account(public_network_access_enabled=False,
                                                         https_traffic_only_enabled=True,
                                                         customer_managed_key=[{"key_vault_key_id": "k"}])))
    assert closed.attrs["public"] is False and closed.attrs["network.default_deny"] is True
    assert closed.attrs["encryption.at_rest"] == "customer_key"
    assert status(closed, "GC-NET-010") is P


def test_nsg_deny_rules_and_unknown_sources() -> None:
    deny = one(tf("azurerm_network_security_group.n", {"name": "n", "location": "japaneast", "security_rule": [
        {"name": "deny-ssh", "priority": 100, "direction": "Inbound", "access": "Deny", "protocol": "Tcp",
         "destination_port_range": "22", "source_address_prefix": "*"}]}))
    assert status(deny, "GC-NET-001") is P
    ranges = one(tf("azurerm_network_security_group.n", {"name": "n", "location": "japaneast", "security_rule": [
        {"name": "mgmt", "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "*",
         "destination_port_ranges": ["20-23", "3389"], "source_address_prefixes": ["10.0.0.0/8", "Internet"]}]}))
    assert status(ranges, "GC-NET-001") is F
    unknown = one(tf("azurerm_network_security_group.n", {"name": "n", "location": "japaneast", "security_rule": [
        {"name": "x", "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
         "destination_port_range": "22", "source_address_prefix": Unknown("var.office has no value")}]}))
    assert status(unknown, "GC-NET-001") is U


def test_databases_and_vaults() -> None:
    flexible = one(tf("azurerm_postgresql_flexible_server.p", {"name": "p", "location": "japaneast"}))
    assert flexible.attrs["backup.retention_days"] == 7 and flexible.attrs["backup.locations"] == ["japaneast"]
    assert flexible.attrs["public"] is True and flexible.attrs["tls.required"] is True
    private = one(tf("azurerm_postgresql_flexible_server.p", {"name": "p", "location": "japaneast",
                                                               "delegated_subnet_id": "/subscriptions/x/subnets/db"}))
    assert private.attrs["public"] is False
    source = tf("azurerm_mysql_flexible_server.m", {"name": "m", "location": "japaneast"})
    replica = tf("azurerm_mysql_flexible_server.r", {"name": "r", "location": "koreacentral", "create_mode": "Replica",
                                                      "source_server_id": Unknown("after apply", "azurerm_mysql_flexible_server.m.id")})
    primary = one(source, replica)
    assert primary.attrs["replication.locations"] == ["koreacentral"]
    assert status(primary, "GC-RES-006") is F
    no_tde = one(tf("azurerm_mssql_database.d", {"name": "d", "server_id": "/subscriptions/x/servers/s",
                                                 "transparent_data_encryption_enabled": False}))
    assert no_tde.attrs["encryption.at_rest"] == "none" and isinstance(no_tde.location, Unknown)
    assert status(no_tde, "GC-ENC-002") is F
    vault = one(tf("azurerm_key_vault.v", {"name": "v", "location": "japaneast", "network_acls": [{"default_action": "Deny"}]}))
    assert vault.attrs["public_network_access"] is False and vault.attrs["expiry_set"] is True  # no keys in the code


def test_policy_assignment_and_diagnostics() -> None:
    audit = one(tf("azurerm_policy_assignment.a", {
        "name": "a", "policy_definition_id": "/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c",
        "parameters": {"listOfAllowedLocations": {"value": ["Japan East"]}}, "enforcement_mode": "DoNotEnforce"}))
    assert audit.attrs == {"allowed_locations": ["japaneast"], "enforced": False}
    unknown = one(tf("azurerm_subscription_policy_assignment.a", {
        "name": "a", "policy_definition_id": "/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c",
        "parameters": Unknown("jsonencode(local.params) is not evaluated")}))
    assert status(unknown, "GC-RES-003") is U
    from providers.terraform.azurerm import policy_assignment
    other = tf("azurerm_policy_assignment.o", {"name": "o", "policy_definition_id": "/providers/x/policyDefinitions/other"})
    assert list(policy_assignment(other, None)) == []  # type: ignore[arg-type]
    hub = one(tf("azurerm_monitor_diagnostic_setting.d", {"name": "d", "target_resource_id": "x",
                                                          "eventhub_authorization_rule_id": "/subscriptions/x/rule",
                                                          "enabled_log": [{"category": "AuditEvent"}]}))
    assert status(hub, "GC-RES-011") is U
    web = one(tf("azurerm_linux_web_app.w", {"name": "w", "location": "japaneast", "site_config": [{}]}))
    assert web.attrs == {"https_only": False, "tls.min_version": "1.2", "public_network_access": True}


def test_findings_point_at_the_attribute_that_sets_the_fact() -> None:
    from tests.providers.terraform.cloud_support import FIXTURES
    _, r = hcl("azure")
    lines = (FIXTURES / "terraform" / "azure" / "main.tf").read_text().splitlines()
    overseas = r["azurerm_storage_account.overseas"]
    assert "account_replication_type" in lines[overseas.origin.line_of(["replication.locations"]) - 1]
    assert "min_tls_version" in lines[overseas.origin.line_of(["tls.min_version"]) - 1]
    # The location comes from the resource group through a reference: the line of `location =` in this block.
    assert "location" in lines[overseas.origin.line_of(["location"]) - 1]


def test_nsg_allow_shadowed_by_a_higher_priority_deny_is_left_out() -> None:
    nsg = one(tf("azurerm_network_security_group.n", {"name": "n", "location": "japaneast", "security_rule": [
        {"name": "allow-ssh", "priority": 200, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
         "destination_port_range": "22", "source_address_prefix": "*"},
        {"name": "deny-all", "priority": 100, "direction": "Inbound", "access": "Deny", "protocol": "*",
         "destination_port_range": "*", "source_address_prefix": "*"}]}))
    assert [r.label for r in nsg.attrs["ingress"]] == ["deny-all"]
    assert status(nsg, "GC-NET-001") is P
    vm = one(tf("azurerm_linux_virtual_machine.v", {"name": "v", "location": "japaneast", "network_interface_ids": [],
                                                    "secure_boot_enabled": True, "vtpm_enabled": True}))
    assert vm.attrs["shielded_vm"] is True and vm.attrs["public_ip"] is False

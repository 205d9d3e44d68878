# govscan demo: Azure in Terraform.
provider "azurerm" {
  features {}
}

# Violation: a resource group and storage account in East US.
resource "azurerm_resource_group" "us" {
  name     = "demo-us"
  location = "East US"
}

resource "azurerm_storage_account" "us" {
  name                     = "demostorageus"
  resource_group_name      = azurerm_resource_group.us.name
  location                 = azurerm_resource_group.us.location
  account_tier             = "Standard"
  account_replication_type = "LRS"
}

# Compliant twins in Japan East (ZRS stays in the region).
resource "azurerm_resource_group" "japan" {
  name     = "demo-japan"
  location = "Japan East"
}

resource "azurerm_storage_account" "japan" {
  name                            = "demostoragejp"
  resource_group_name             = azurerm_resource_group.japan.name
  location                        = azurerm_resource_group.japan.location
  account_tier                    = "Standard"
  account_replication_type        = "ZRS"
  min_tls_version                 = "TLS1_2"
  allow_nested_items_to_be_public = false
}

# Violation: RDP open to the Internet.
resource "azurerm_network_security_group" "open" {
  name                = "demo-open"
  location            = azurerm_resource_group.japan.location
  resource_group_name = azurerm_resource_group.japan.name
  security_rule {
    name                       = "rdp"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "3389"
    source_address_prefix      = "Internet"
    destination_address_prefix = "*"
  }
}

# Compliant twin: RDP from the virtual network only.
resource "azurerm_network_security_group" "closed" {
  name                = "demo-closed"
  location            = azurerm_resource_group.japan.location
  resource_group_name = azurerm_resource_group.japan.name
  security_rule {
    name                       = "rdp"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "3389"
    source_address_prefix      = "VirtualNetwork"
    destination_address_prefix = "*"
  }
}

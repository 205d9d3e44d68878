"""Azure locations: one spelling for every place, and the published region pairs."""

from __future__ import annotations

from scanner.model import Unknown

# Published Azure region pairs (both directions are listed below). A geo-redundant copy of a
# storage account, or a geo-redundant database backup, lands in the pair of its region.
_PAIRS = {
    "japaneast": "japanwest",
    "eastasia": "southeastasia",
    "koreacentral": "koreasouth",
    "australiaeast": "australiasoutheast",
    "australiacentral": "australiacentral2",
    "centralindia": "southindia",
    "westindia": "southindia",
    "eastus": "westus",
    "eastus2": "centralus",
    "northcentralus": "southcentralus",
    "westus2": "westcentralus",
    "westus3": "eastus",
    "canadacentral": "canadaeast",
    "brazilsouth": "southcentralus",
    "northeurope": "westeurope",
    "uksouth": "ukwest",
    "francecentral": "francesouth",
    "germanywestcentral": "germanynorth",
    "switzerlandnorth": "switzerlandwest",
    "norwayeast": "norwaywest",
    "uaenorth": "uaecentral",
    "southafricanorth": "southafricawest",
}
PAIRS: dict[str, str] = {**_PAIRS, **{v: k for k, v in _PAIRS.items() if v not in _PAIRS}}
PAIRS["japanwest"] = "japaneast"
PAIRS["westus"] = "eastus"
PAIRS["southeastasia"] = "eastasia"


def normalize(location: object) -> str | Unknown:
    """`Japan East`, `japan east` and `japaneast` are the same place: lower case, no spaces."""
    if not isinstance(location, str) or not location.strip():
        return Unknown("the resource reports no location")
    return "".join(location.split()).lower()


def paired(location: str | Unknown) -> str | Unknown:
    """The published pair of a region, or Unknown when the region has no known pair."""
    if isinstance(location, Unknown):
        return location
    pair = PAIRS.get(location)
    return pair if pair else Unknown(f"no published region pair known for {location}")

"""Monthly cost of an Inventory, priced by resource type from the dated catalog (rollout/data/prices.json).

Pure functions over data: `price_inventory` turns an Inventory + usage assumptions + catalog + region into a
CostReport (per resource, cost components like Infracost's); `compare` diffs two reports; `in_currency` converts.
A price the catalog lacks is a component with `price_known=False` ("price unknown"), never a guess; a resource
type without a pricer is listed as unpriced, not an error. Monthly = hourly x 730, as Infracost and AWS do.

Layout: `catalog` (prices), `usage` (assumptions), `report` (the result model), `context` (what pricers share),
`pricers/<service>` (one module per service), `registry` (type -> pricer, free types), `estimate` (the use).
"""

from __future__ import annotations

from rollout.analysis.cost.catalog import Catalog, FreeTier, Price, catalog_problems, load_catalog
from rollout.analysis.cost.context import HOURS_PER_MONTH, Priced, PricingContext
from rollout.analysis.cost.estimate import compare, exchange_rate, in_currency, price_inventory
from rollout.analysis.cost.registry import FREE_TYPES, PRICERS
from rollout.analysis.cost.report import CostComponent, CostDiff, CostReport, ResourceChange, ResourceCost
from rollout.analysis.cost.usage import UsageAssumption, usage_profiles

__all__ = [
    "FREE_TYPES", "HOURS_PER_MONTH", "PRICERS", "Catalog", "CostComponent", "CostDiff", "CostReport", "FreeTier",
    "Price", "Priced", "PricingContext", "ResourceChange", "ResourceCost", "UsageAssumption", "catalog_problems",
    "compare", "exchange_rate", "in_currency", "load_catalog", "price_inventory", "usage_profiles",
]

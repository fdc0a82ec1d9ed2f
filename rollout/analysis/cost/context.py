"""What every pricer shares: the pricing context (catalog lines, usage, references) and the pricer signature."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rollout.analysis.cost.catalog import Catalog
from rollout.analysis.cost.report import CostComponent
from rollout.analysis.cost.usage import UsageAssumption, usage_profiles
from rollout.model.inventory import UNKNOWN, Inventory, Resource, reveal
from rollout.model.settings import UsageSettings

HOURS_PER_MONTH = 730
"""Monthly = hourly x 730, as Infracost and AWS do."""


@dataclass(frozen=True)
class Tier:
    """One volume tier of a tiered price: its catalog key suffix ("" = the base key), label and size (None = the
    rest). Tier sizes follow AWS's price list, where 1 TB = 1,024 GB (the offer files' endRange 10240, as Infracost)."""

    suffix: str
    label: str
    size: float | None


INTERNET_OUT_TIERS = (
    Tier("", "first 10 TB", 10_240),
    Tier("next-40tb", "next 40 TB", 40_960),
    Tier("next-100tb", "next 100 TB", 102_400),
    Tier("over-150tb", "over 150 TB", None),
)
"""Data transfer out to the internet from a region (AWS's EC2 pricing page, "Data Transfer OUT From Amazon EC2 To
Internet"; Infracost aws_data_transfer): the tiers count the whole account's transfer out of the region."""


class PricingContext:
    """What a pricer needs: prices for the region, usage for a resource, and other resources it references.
    `region` is the region of the resource being priced (its provider's, else the stack's)."""

    def __init__(self, inventory: Inventory, usage: UsageSettings, region: str, catalog: Catalog) -> None:
        self.inventory = inventory
        self.by_urn = inventory.by_urn
        self.settings = usage
        self.region = region
        self.catalog = catalog
        self.profile = usage_profiles()["profiles"][usage.profile]
        self.assumptions: list[UsageAssumption] = []
        self.internet_out: list[tuple[Resource, str, float]] = []
        """(resource, its region, GB a month) for every internet-facing resource priced."""

    def line(
        self, name: str, key: str, unit: str, quantity: float, *, usage_based: bool = False, note: str = ""
    ) -> CostComponent:
        price = self.catalog.price(self.region, key, unit)
        notes = "; ".join(n for n in (note, price.note) if n)
        if price.usd is None:
            return CostComponent(name, unit, quantity, None, None, usage_based, False, key, False, 0.0, notes)
        return CostComponent(
            name, unit, quantity, price.usd, quantity * price.usd, usage_based, True, key, price.derived, 0.0, notes
        )

    def tiered(
        self, name: str, key: str, unit: str, quantity: float, tiers: tuple[Tier, ...], *, usage_based: bool = True
    ) -> list[CostComponent]:
        """One line per volume tier the quantity reaches (the first tier always), priced at `key[:suffix]`."""
        lines, remaining = [], quantity
        for index, tier in enumerate(tiers):
            amount = remaining if tier.size is None else min(remaining, tier.size)
            if index and amount <= 0:
                break
            tier_key = f"{key}:{tier.suffix}" if tier.suffix else key
            lines.append(self.line(f"{name} ({tier.label})", tier_key, unit, amount, usage_based=usage_based))
            remaining -= amount
        return lines

    def send_to_internet(self, resource: Resource, key: str = "monthlyDataTransferOutGb") -> float:
        """Record the GB `resource` sends to the internet a month (usage `key`): the account's transfer out is
        priced once, on its total, because AWS's volume tiers and free 100 GB count the whole account."""
        gb = self.usage(resource, key)
        self.internet_out.append((resource, self.region, gb))
        return gb

    def unknown(
        self, name: str, unit: str, why: str, quantity: float | None = None, *, usage_based: bool = False
    ) -> CostComponent:
        return CostComponent(
            name, unit, quantity, None, None, usage_based, False, "", False, 0.0, f"price unknown: {why}"
        )

    def usage(self, resource: Resource, key: str) -> float:
        """The assumed monthly quantity `key` for `resource`: byResource beats byType beats the profile."""
        value, origin = self.profile.get(resource.type, {}).get(key, 0.0), f"profile {self.settings.profile}"
        if key in self.settings.by_type.get(resource.type, {}):
            value, origin = self.settings.by_type[resource.type][key], "byType"
        for target in (resource.name, resource.urn):
            if key in self.settings.by_resource.get(target, {}):
                value, origin = self.settings.by_resource[target][key], "byResource"
        self.assumptions.append(UsageAssumption(resource.urn, key, float(value), origin))
        return float(value)

    def referenced(self, resource: Resource, prop: str, type_token: str, value: Any = None) -> Resource | None:
        """The resource of `type_token` that `resource.<prop>` points at: by property dependency, else by a
        value equal to the other's physical `name`/`identifier` input or logical name."""
        for urn in resource.property_dependencies.get(prop, ()):
            other = self.by_urn.get(urn)
            if other is not None and other.type == type_token:
                return other
        wanted = {v for v in flatten(value) if isinstance(v, str)}
        if not wanted:
            return None
        for other in self.inventory.of_type(type_token):
            names = {other.name, other.urn, reveal(other.inputs.get("name")), reveal(other.inputs.get("identifier"))}
            if wanted & names:
                return other
        return None


def flatten(value: Any) -> list[Any]:
    if isinstance(value, Mapping):
        return [v for item in value.values() for v in flatten(item)]
    if isinstance(value, (list, tuple)):
        return [v for item in value for v in flatten(item)]
    return [value]


def is_unknown(*values: Any) -> bool:
    return any(v is UNKNOWN for v in values)


@dataclass
class Priced:
    components: list[CostComponent]
    note: str = ""
    monthly_range: tuple[float, float] | None = None


Pricer = Callable[[Resource, dict[str, Any], PricingContext], Priced]

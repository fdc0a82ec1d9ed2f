"""The cost report model: cost components (like Infracost's), per-resource costs, a report and a diff of two."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from rollout.analysis.cost.usage import UsageAssumption


@dataclass(frozen=True)
class CostComponent:
    """One billed dimension of a resource, like an Infracost cost component.

    `quantity` is per month in `unit` (the price's unit); `monthly` = (quantity - free_quantity) x price, or None
    when the price is unknown. `usage_based` lines depend on assumed usage (requests, GB...).
    """

    name: str
    unit: str
    quantity: float | None
    price: float | None
    monthly: float | None
    usage_based: bool = False
    price_known: bool = True
    price_key: str = ""
    derived: bool = False
    free_quantity: float = 0.0
    note: str = ""


@dataclass(frozen=True)
class ResourceCost:
    """A priced resource: its components, plus a range when the count varies (autoscaling min-max)."""

    urn: str
    type: str
    name: str
    phase: int | None
    components: tuple[CostComponent, ...]
    note: str = ""
    monthly_range: tuple[float, float] | None = None

    @property
    def monthly(self) -> float:
        """Sum of the components whose price is known."""
        return sum(c.monthly for c in self.components if c.monthly is not None)

    @property
    def complete(self) -> bool:
        return all(c.price_known for c in self.components)


@dataclass(frozen=True)
class CostReport:
    """The monthly cost of one inventory, with everything needed to explain it."""

    project: str
    stack: str
    phase: int | None
    region: str
    catalog_date: str
    resources: tuple[ResourceCost, ...]
    free_types: Mapping[str, int] = field(default_factory=dict)
    unpriced_types: Mapping[str, int] = field(default_factory=dict)
    usage_profile: str = "small"
    assumptions: tuple[UsageAssumption, ...] = ()
    free_tiers_used: tuple[tuple[str, float, str], ...] = ()
    notes: tuple[str, ...] = ()
    currency: str = "USD"
    rate: float = 1.0
    rate_source: str = ""

    @property
    def total_monthly(self) -> float:
        return sum(r.monthly for r in self.resources)

    @property
    def by_phase(self) -> dict[int | None, float]:
        """Monthly cost of the resources each phase added (phase N's inventory holds phases 1..N)."""
        totals: dict[int | None, float] = {}
        for resource in self.resources:
            totals[resource.phase] = totals.get(resource.phase, 0.0) + resource.monthly
        return totals

    @property
    def lines(self) -> tuple[int, int]:
        """(priced, unknown) component lines."""
        components = [c for r in self.resources for c in r.components]
        known = sum(1 for c in components if c.price_known)
        return known, len(components) - known


@dataclass(frozen=True)
class ResourceChange:
    urn: str
    type: str
    name: str
    change: str  # added | changed | removed | unchanged
    before: float
    after: float

    @property
    def diff(self) -> float:
        return self.after - self.before


@dataclass(frozen=True)
class CostDiff:
    """The change in monthly cost between two reports (e.g. phase N-1 and phase N)."""

    before_total: float
    after_total: float
    changes: tuple[ResourceChange, ...]

    @property
    def amount(self) -> float:
        return self.after_total - self.before_total

    @property
    def percent(self) -> float | None:
        return None if self.before_total == 0 else self.amount / self.before_total * 100

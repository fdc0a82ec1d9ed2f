"""The cost report model: cost components (like Infracost's), per-resource costs, a report and a diff of two."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

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

    def summary_json(self, diff: CostDiff | None = None) -> dict[str, Any]:
        """The cost summary, one shape for `rollout cost --format json` (its top level) and the `cost` object of
        `rollout plan --format json`: totals, the change against `diff`'s earlier report, per phase, line counts.
        Amounts are rounded to 6 decimals (as every amount of the cost document)."""
        priced, unknown = self.lines
        return {
            "currency": self.currency,
            "exchange_rate": None if self.currency == "USD" else {"per_usd": self.rate, "source": self.rate_source},
            "catalog_date": self.catalog_date,
            "total_monthly": _round(self.total_monthly),
            "previous_total_monthly": _round(diff.before_total) if diff else None,
            "diff_monthly": _round(diff.amount) if diff else None,
            "diff_percent": _round(diff.percent) if diff else None,
            "by_phase": {str(k): _round(v) for k, v in sorted(self.by_phase.items(),
                                                               key=lambda kv: (kv[0] is None, kv[0] or 0))},
            "lines": {"priced": priced, "price_unknown": unknown},
        }

    def to_json(self, diff: CostDiff | None = None, *, compare_phase: int | None = None,
                catalog_path: str | None = None) -> dict[str, Any]:
        """The `rollout cost --format json` document: the summary, then every resource and cost component."""
        changes = {change.urn: change for change in diff.changes} if diff else {}
        resources = []
        for resource in self.resources:
            change = changes.get(resource.urn)
            resources.append({
                "urn": resource.urn, "type": resource.type, "name": resource.name, "phase": resource.phase,
                "monthly": _round(resource.monthly), "complete": resource.complete,
                "monthly_range": [_round(v) for v in resource.monthly_range] if resource.monthly_range else None,
                "note": resource.note,
                "change": change.change if change else None,
                "previous_monthly": _round(change.before) if change else None,
                "components": [{
                    "name": c.name, "unit": c.unit, "quantity": _round(c.quantity), "price": _round(c.price),
                    "monthly": _round(c.monthly), "usage_based": c.usage_based, "price_known": c.price_known,
                    "derived": c.derived, "free_quantity": _round(c.free_quantity), "price_key": c.price_key,
                    "note": c.note} for c in resource.components],
            })
        summary = self.summary_json(diff)
        return {
            "project": self.project, "stack": self.stack, "region": self.region,
            "phase": self.phase, "compare_phase": compare_phase,
            "currency": summary.pop("currency"), "exchange_rate": summary.pop("exchange_rate"),
            "catalog_date": summary.pop("catalog_date"), "catalog": catalog_path,
            **summary,
            "resources": resources,
            "removed": [{"urn": c.urn, "type": c.type, "name": c.name, "previous_monthly": _round(c.before)}
                        for c in (diff.changes if diff else ()) if c.change == "removed"],
            "free_types": dict(self.free_types), "unpriced_types": dict(self.unpriced_types),
            "usage": {"profile": self.usage_profile,
                      "assumed": [{"urn": a.urn, "key": a.key, "value": a.value, "origin": a.origin}
                                  for a in self.assumptions]},
            "free_tiers_used": [{"name": n, "quantity": q, "unit": u} for n, q, u in self.free_tiers_used],
            "notes": list(self.notes),
        }


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


def _round(value: float | None) -> float | None:
    """JSON amounts: 6 decimals keep per-request prices (e.g. 0.0000004 USD) exact enough and drop float noise."""
    return None if value is None else round(value, 6)

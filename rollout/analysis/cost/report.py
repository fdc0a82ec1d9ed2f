"""The cost report model: cost components (like Infracost's), per-resource costs, a report and a diff of two."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
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
    unpriced_phases: tuple[int | None, ...] = ()  # phases holding a resource of an unpriced type

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

    @property
    def is_lower_bound(self) -> bool:
        """True when the total leaves something out (a line of unknown price, a type with no pricing rule): such a
        total is a floor, and every rendering says so ("≥", "at least")."""
        return self.lines[1] > 0 or bool(self.unpriced_types)

    @property
    def partial_phases(self) -> set[int | None]:
        """Phases whose cost leaves something out."""
        return {r.phase for r in self.resources if not r.complete} | set(self.unpriced_phases)

    def summary(self, before: CostReport | None, *, compared: bool) -> dict[str, Any]:
        """The cost summary as JSON, one shape for `plan --format json` (its `cost`) and `cost --format json` (its
        top level). Totals are in cents as shown (each phase's row is the change of the rounded running total, so
        rows add up to the total); `compared` is False for a program without phases (nothing to compare with),
        and a phase compared with nothing (phase 1) changes by its whole total."""
        priced, unknown = self.lines
        total = cents(self.total_monthly)
        previous = cents(before.total_monthly) if before is not None else None
        change = round(total - (previous or 0.0), 2) if compared else None
        by_phase = rounded_parts(dict(self.by_phase))
        return {
            "currency": self.currency,
            "exchange_rate": None if self.currency == "USD" else {"per_usd": self.rate, "source": self.rate_source},
            "catalog_date": self.catalog_date,
            "total_monthly": total,
            "total_is_lower_bound": self.is_lower_bound,
            "previous_total_monthly": previous,
            "previous_total_is_lower_bound": before.is_lower_bound if before is not None else None,
            "diff_monthly": change,
            "diff_percent": round(change / previous * 100, 2) if change is not None and previous else None,
            "by_phase": {str(phase): by_phase[phase] for phase in sorted(by_phase, key=_phase_order)},
            "phases_lower_bound": [str(p) for p in sorted(self.partial_phases, key=_phase_order)],
            "lines": {"priced": priced, "price_unknown": unknown},
            "unpriced_types": dict(self.unpriced_types),
        }

    def to_json(self, before: CostReport | None = None, diff: CostDiff | None = None,
                compare_phase: int | None = None, catalog_path: str = "") -> dict[str, Any]:
        """The `rollout cost --format json` document: the summary (the keys `plan --format json` gives as `cost`),
        then every resource with its components (six decimals, so a small usage line stays visible), what was
        removed, the usage assumed and the notes."""
        changes = {change.urn: change for change in diff.changes} if diff else {}
        resources = []
        for resource in self.resources:
            change = changes.get(resource.urn)
            resources.append({
                "urn": resource.urn, "type": resource.type, "name": resource.name, "phase": resource.phase,
                "monthly": _six(resource.monthly), "complete": resource.complete,
                "monthly_range": [_six(v) for v in resource.monthly_range] if resource.monthly_range else None,
                "note": resource.note,
                "change": change.change if change else None,
                "previous_monthly": _six(change.before) if change else None,
                "components": [{
                    "name": c.name, "unit": c.unit, "quantity": _six(c.quantity), "price": _six(c.price),
                    "monthly": _six(c.monthly), "usage_based": c.usage_based, "price_known": c.price_known,
                    "derived": c.derived, "free_quantity": _six(c.free_quantity), "price_key": c.price_key,
                    "note": c.note} for c in resource.components],
            })
        return {
            "project": self.project, "stack": self.stack, "region": self.region,
            "phase": self.phase, "compare_phase": compare_phase, "catalog": catalog_path,
            **self.summary(before, compared=diff is not None),
            "resources": resources,
            "removed": [{"urn": c.urn, "type": c.type, "name": c.name, "previous_monthly": _six(c.before)}
                        for c in (diff.changes if diff else ()) if c.change == "removed"],
            "free_types": dict(self.free_types),
            "usage": {"profile": self.usage_profile,
                      "assumed": [{"urn": a.urn, "key": a.key, "value": a.value, "origin": a.origin}
                                  for a in self.assumptions]},
            "free_tiers_used": [{"name": n, "quantity": q, "unit": u} for n, q, u in self.free_tiers_used],
            "notes": list(self.notes),
        }


def _phase_order(phase: int | None) -> tuple[bool, int]:
    return phase is None, phase or 0


def _six(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def cents(value: float) -> float:
    """Round to cents, half up, after removing float noise (136.26500000000001 and 136.26499999999999 are both
    $136.27), so that the same amount summed in another order shows the same figure."""
    return float(Decimal(repr(round(value, 6))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def rounded_parts(values: dict[Any, float], digits: int = 2) -> dict[Any, float]:
    """Per-phase figures rounded so that they add up to the rounded total and each phase's row is the change of
    the rounded running total (phase k = round(phases 1..k) - round(phases 1..k-1)): rows sum to the total line,
    and the newest phase's row equals the plan's `+change vs phase N-1` when it changes nothing earlier."""
    ordered = sorted(values, key=_phase_order)
    result: dict[Any, float] = {}
    running, shown = 0.0, 0.0
    for key in ordered:
        running += values[key]
        rounded = cents(running) if digits == 2 else round(running, digits)
        result[key] = round(rounded - shown, digits)
        shown = rounded
    return {key: result[key] for key in values}


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

"""Pricing an inventory: every custom resource through its pricer, account free tiers applied, and the report's
comparison and currency conversion. Pure functions over data (no network, no rich)."""

from __future__ import annotations

import dataclasses

from rollout.analysis.cost.catalog import Catalog, FreeTier, is_commercial, load_catalog
from rollout.analysis.cost.context import INTERNET_OUT_TIERS, PricingContext
from rollout.analysis.cost.registry import FREE_TYPES, PRICERS
from rollout.analysis.cost.report import CostDiff, CostReport, ResourceChange, ResourceCost
from rollout.model.inventory import Inventory, reveal
from rollout.model.settings import RolloutSettings, UsageSettings


def price_inventory(
    inventory: Inventory, settings: RolloutSettings | UsageSettings | None, region: str, catalog: Catalog | None = None
) -> CostReport:
    """Price every custom resource of `inventory` in `region` (USD per month), applying account free tiers."""
    usage = settings.usage if isinstance(settings, RolloutSettings) else settings or UsageSettings()
    catalog = catalog or load_catalog()
    ctx = PricingContext(inventory, usage, region, catalog)
    priced: list[ResourceCost] = []
    free: dict[str, int] = {}
    unpriced: dict[str, int] = {}
    unpriced_phases: set[int | None] = set()
    for resource in inventory.custom_resources():
        pricer = PRICERS.get(resource.type)
        if pricer is None:
            bucket = free if resource.type in FREE_TYPES else unpriced
            bucket[resource.type] = bucket.get(resource.type, 0) + 1
            if bucket is unpriced:
                unpriced_phases.add(resource.phase)
            continue
        result = pricer(resource, reveal(dict(resource.inputs)), ctx)
        priced.append(
            ResourceCost(
                resource.urn,
                resource.type,
                resource.name,
                resource.phase,
                tuple(result.components),
                result.note,
                result.monthly_range,
            )
        )
    sent = sum(gb for _, gb in ctx.internet_out)
    if sent > 0:
        priced.append(_internet_out(ctx))
    priced, used = _apply_free_tiers(priced, catalog.free_tiers)
    notes = (
        ()
        if catalog.has_region(region)
        else (
            f"no prices for region {region} in the catalog: every line is price unknown"
            f"{' but those with one rate in every commercial region (public IPv4)' if is_commercial(region) else ''} "
            f"(regions: {', '.join(sorted(catalog.regions))}; add one with `rollout prices refresh`)",
        )
    )
    if ctx.internet_out and sent == 0:
        notes += (
            f"data transfer out to the internet: 0 GB assumed for the {len(ctx.internet_out)} internet-facing "
            f"resources (set usage monthlyDataTransferOutGb to price it: AWS's tiers, after 100 GB free)",
        )
    if inventory.remote_note():
        notes += (f"{inventory.remote_note()}: their cost is not included",)
    return CostReport(
        inventory.project,
        inventory.stack,
        inventory.phase,
        region,
        catalog.date,
        tuple(priced),
        dict(sorted(free.items())),
        dict(sorted(unpriced.items())),
        usage.profile,
        tuple(ctx.assumptions),
        tuple(used),
        notes,
        unpriced_phases=tuple(sorted(unpriced_phases, key=lambda p: (p is None, p or 0))),
    )


INTERNET_OUT_URN = "rollout:account::aws:dataTransfer:InternetOut::internet"


def _internet_out(ctx: PricingContext) -> ResourceCost:
    """The account's data transfer out to the internet: one tiered line set on the total the resources send."""
    total = sum(gb for _, gb in ctx.internet_out)
    senders = [resource for resource, gb in ctx.internet_out if gb > 0]
    phases = [r.phase for r in senders or [r for r, _ in ctx.internet_out] if r.phase is not None]
    names = ", ".join(f"{r.name} {gb:g} GB" for r, gb in ctx.internet_out if gb > 0) or "none set above 0 GB"
    return ResourceCost(
        INTERNET_OUT_URN,
        "aws:dataTransfer:InternetOut",
        "data transfer out to the internet",
        min(phases) if phases else None,
        tuple(ctx.tiered("Data transfer out", "transfer:out:internet", "GB", total, INTERNET_OUT_TIERS)),
        note=f"the account's total across {len(ctx.internet_out)} internet-facing resources "
        f"({names}; usage monthlyDataTransferOutGb); AWS's tiers and free 100 GB count the "
        f"whole account",
    )


def _apply_free_tiers(
    priced: list[ResourceCost], tiers: tuple[FreeTier, ...]
) -> tuple[list[ResourceCost], list[tuple[str, float, str]]]:
    """Deduct each per-account allowance from the first components (in registration order) billed on its keys."""
    remaining = {tier.name: tier.quantity for tier in tiers}
    result = []
    for resource in priced:
        components = []
        for component in resource.components:
            tier = next((t for t in tiers if component.price_key in t.keys and t.unit == component.unit), None)
            if tier and component.price_known and component.quantity and remaining[tier.name] > 0:
                free_quantity = min(component.quantity, remaining[tier.name])
                remaining[tier.name] -= free_quantity
                component = dataclasses.replace(
                    component,
                    free_quantity=free_quantity,
                    monthly=(component.quantity - free_quantity) * (component.price or 0.0),
                    note="; ".join(n for n in (component.note, f"free tier: {tier.name}") if n),
                )
            components.append(component)
        result.append(dataclasses.replace(resource, components=tuple(components)))
    used = [(t.name, t.quantity - remaining[t.name], t.unit) for t in tiers if remaining[t.name] < t.quantity]
    return result, used


def compare(before: CostReport | None, after: CostReport) -> CostDiff:
    """Per resource added/changed/removed/unchanged between two reports (matched by URN), and the total change."""
    old = {r.urn: r for r in before.resources} if before else {}
    new = {r.urn: r for r in after.resources}
    changes = []
    for urn, resource in new.items():
        previous = old.get(urn)
        if previous is None:
            changes.append(ResourceChange(urn, resource.type, resource.name, "added", 0.0, resource.monthly))
        else:
            same = previous.components == resource.components
            changes.append(
                ResourceChange(
                    urn,
                    resource.type,
                    resource.name,
                    "unchanged" if same else "changed",
                    previous.monthly,
                    resource.monthly,
                )
            )
    for urn, resource in old.items():
        if urn not in new:
            changes.append(ResourceChange(urn, resource.type, resource.name, "removed", resource.monthly, 0.0))
    return CostDiff(before.total_monthly if before else 0.0, after.total_monthly, tuple(changes))


def exchange_rate(currency: str, usage: UsageSettings, catalog: Catalog) -> tuple[float, str]:
    """USD→`currency` rate and where it comes from: the stack's rollout:usage.vndPerUsd, else the catalog."""
    from rollout.errors import UserError

    if currency == "USD":
        return 1.0, ""
    if currency == "VND" and usage.vnd_per_usd:
        return usage.vnd_per_usd, "rollout:usage.vndPerUsd in the stack file"
    entry = catalog.exchange_rates.get(currency)
    if not entry:
        raise UserError(f"{catalog.path}: no exchange rate for {currency}; set rollout:usage.vndPerUsd")
    assumed = " (assumption)" if entry.get("assumption") else ""
    return float(entry["per_usd"]), f"{entry['source']}, as of {entry['as_of']}{assumed}"


def in_currency(report: CostReport, currency: str, rate: float, rate_source: str = "") -> CostReport:
    """The report with every price and amount multiplied by `rate` (USD→`currency`)."""

    def scale(value: float | None) -> float | None:
        return None if value is None else value * rate

    resources_ = tuple(
        dataclasses.replace(
            r,
            components=tuple(
                dataclasses.replace(c, price=scale(c.price), monthly=scale(c.monthly)) for c in r.components
            ),
            monthly_range=(r.monthly_range[0] * rate, r.monthly_range[1] * rate) if r.monthly_range else None,
        )
        for r in report.resources
    )
    return dataclasses.replace(report, resources=resources_, currency=currency, rate=rate, rate_source=rate_source)

"""Pricing an inventory: every custom resource through its pricer, account free tiers applied, and the report's
comparison and currency conversion. Pure functions over data (no network, no rich)."""

from __future__ import annotations

import dataclasses

from rollout.analysis.cost.catalog import Catalog, FreeTier, is_commercial, load_catalog
from rollout.analysis.cost.context import INTERNET_OUT_TIERS, PricingContext
from rollout.analysis.cost.registry import FREE_TYPES, PRICERS, UNPRICEABLE
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
    elsewhere: dict[str, int] = {}
    for resource in inventory.custom_resources():
        ctx.region = inventory.provider_region(resource) or region
        pricer = PRICERS.get(resource.type)
        if pricer is None:
            bucket = free if resource.type in FREE_TYPES else unpriced
            bucket[resource.type] = bucket.get(resource.type, 0) + 1
            if bucket is unpriced:
                unpriced_phases.add(resource.phase)
            continue
        if ctx.region != region:
            elsewhere[ctx.region] = elsewhere.get(ctx.region, 0) + 1
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
    ctx.region = region
    sent = sum(gb for _, _, gb in ctx.internet_out)
    if sent > 0:
        priced.extend(_internet_out(ctx, region))
    priced, used = _apply_free_tiers(priced, catalog.free_tiers)
    notes = tuple(
        f"{count} resource(s) priced in {other}, the region of the AWS provider they are created with"
        for other, count in sorted(elsewhere.items())
    ) + tuple(
        f"no prices for region {missing} in the catalog: every line there is price unknown"
        f"{' but those with one rate in every commercial region (public IPv4)' if is_commercial(missing) else ''} "
        f"(regions: {', '.join(sorted(catalog.regions))}; add one with `rollout prices refresh`)"
        for missing in [region, *sorted(elsewhere)] if not catalog.has_region(missing)
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
        unpriced_reasons={t: UNPRICEABLE[t] for t in sorted(unpriced) if t in UNPRICEABLE},
    )


INTERNET_OUT_URN = "rollout:account::aws:dataTransfer:InternetOut::internet"


def _internet_out(ctx: PricingContext, stack_region: str) -> list[ResourceCost]:
    """The account's data transfer out to the internet: one tiered line set per region on the total its resources
    send (AWS's tiers count each region's transfer; the free 100 GB, applied later, the whole account's)."""
    regions = sorted({r for _, r, _ in ctx.internet_out}, key=lambda r: (r != stack_region, r))
    costs = []
    for region in regions:
        sent = [(resource, gb) for resource, r, gb in ctx.internet_out if r == region]
        total = sum(gb for _, gb in sent)
        if total <= 0:
            continue
        senders = [resource for resource, gb in sent if gb > 0]
        phases = [r.phase for r in senders if r.phase is not None]
        names = ", ".join(f"{r.name} {gb:g} GB" for r, gb in sent if gb > 0)
        ctx.region = region
        costs.append(ResourceCost(
            INTERNET_OUT_URN if region == stack_region else f"{INTERNET_OUT_URN}-{region}",
            "aws:dataTransfer:InternetOut",
            "data transfer out to the internet" + ("" if region == stack_region else f" ({region})"),
            min(phases) if phases else None,
            tuple(ctx.tiered("Data transfer out", "transfer:out:internet", "GB", total, INTERNET_OUT_TIERS)),
            note=f"the account's total across {len(sent)} internet-facing resources "
            f"({names}; usage monthlyDataTransferOutGb); AWS's tiers and free 100 GB count the "
            f"whole account",
        ))
    ctx.region = stack_region
    return costs


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

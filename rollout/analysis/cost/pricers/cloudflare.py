"""Cloudflare zones (the plan from the zone's subscription or rollout:usage.cloudflarePlan)."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import Priced, PricingContext, is_unknown
from rollout.model.inventory import Resource, reveal


def _cloudflare_zone(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    plan, note = ctx.settings.cloudflare_plan, "plan from rollout:usage.cloudflarePlan"
    for subscription in ctx.inventory.of_type("cloudflare:index/zoneSubscription:ZoneSubscription"):
        if resource.urn in subscription.property_dependencies.get("zoneId", ()):
            rate_plan = reveal(subscription.inputs.get("ratePlan")) or {}
            plan, note = rate_plan.get("id") or "free", f"plan from ZoneSubscription {subscription.name}"
    if is_unknown(plan):
        return Priced([ctx.unknown("Cloudflare plan", "month", "rate plan unknown before apply", 1)])
    return Priced([ctx.line(f"Cloudflare {plan} plan", f"cloudflare:plan:{plan}", "month", 1)], note=note)


PRICERS = {
    "cloudflare:index/zone:Zone": _cloudflare_zone,
}

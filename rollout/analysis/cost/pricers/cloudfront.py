"""CloudFront distributions (pay-as-you-go by edge group, or a flat-rate plan)."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import Priced, PricingContext
from rollout.model.inventory import Resource

_PRICE_CLASS_GROUPS = {"PriceClass_100": {"us", "europe"}}


def _cloudfront_distribution(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    plan = ctx.settings.cloudfront_plan
    if plan != "none":
        return Priced([ctx.line(f"Flat-rate plan ({plan})", f"cloudfront:plan:{plan}", "month", 1)],
                       note="flat-rate plan (rollout:usage.cloudfrontPlan): over quota is throttled, not billed")
    group = ctx.catalog.edge_groups.get(ctx.region)
    price_class = inputs.get("priceClass") or "PriceClass_All"
    note = ""
    if group and price_class in _PRICE_CLASS_GROUPS and group not in _PRICE_CLASS_GROUPS[price_class]:
        note = f"{price_class} excludes {group} edges: viewers there are served (and billed) from US edges"
        group = "us"
    gb = ctx.usage(resource, "monthlyDataTransferGb")
    requests = ctx.usage(resource, "monthlyHttpsRequests") / 10_000
    if group is None:
        why = f"no CloudFront edge group for region {ctx.region}"
        return Priced([ctx.unknown("Data transfer out to viewers", "GB", why, gb, usage_based=True),
                        ctx.unknown("HTTPS requests", "10k requests", why, requests, usage_based=True)])
    return Priced([
        ctx.line(f"Data transfer out to viewers ({group} edges)", f"cloudfront:data-out:{group}", "GB", gb,
                 usage_based=True),
        ctx.line(f"HTTPS requests ({group} edges)", f"cloudfront:requests-https:{group}", "10k requests", requests,
                 usage_based=True),
    ], note=note)


PRICERS = {
    "aws:cloudfront/distribution:Distribution": _cloudfront_distribution,
}

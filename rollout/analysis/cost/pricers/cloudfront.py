"""CloudFront distributions (pay-as-you-go by edge group, or a flat-rate plan)."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import Priced, PricingContext, Tier
from rollout.model.inventory import Resource

_PRICE_CLASS_GROUPS = {"PriceClass_100": {"us", "europe"}}
"""Edge groups a price class serves from. Vietnam and the rest of Asia are in PriceClass_200 and PriceClass_All, not
PriceClass_100 (AWS CDK PriceClass docs; CloudFront developer guide, "Choosing the price class")."""

DATA_OUT_TIERS = (
    Tier("", "first 10 TB", 10_240),
    Tier("next-40tb", "next 40 TB", 40_960),
    Tier("next-100tb", "next 100 TB", 102_400),
    Tier("next-350tb", "next 350 TB", 358_400),
    Tier("next-524tb", "next 524 TB", 536_576),
    Tier("next-4pb", "next 4 PB", 4_194_304),
    Tier("over-5pb", "over 5 PB", None),
)
"""CloudFront's volume tiers of data transfer out to the internet, per edge group (aws.amazon.com/cloudfront/pricing;
Infracost cloudfront_distribution: 10,240 / 40,960 / 102,400 / 358,400 / 536,576 / 4,194,304 GB, then the rest)."""


def _cloudfront_distribution(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    plan = ctx.settings.cloudfront_plan
    if plan != "none":
        return Priced(
            [ctx.line(f"Flat-rate plan ({plan})", f"cloudfront:plan:{plan}", "month", 1)],
            note="flat-rate plan (rollout:usage.cloudfrontPlan): over quota is throttled, not billed",
        )
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
        return Priced(
            [
                ctx.unknown("Data transfer out to viewers", "GB", why, gb, usage_based=True),
                ctx.unknown("HTTPS requests", "10k requests", why, requests, usage_based=True),
            ]
        )
    http = ctx.usage(resource, "monthlyHttpRequests") / 10_000
    components = ctx.tiered(
        f"Data transfer out to viewers, {group} edges", f"cloudfront:data-out:{group}", "GB", gb, DATA_OUT_TIERS
    )
    components.append(
        ctx.line(
            f"HTTPS requests ({group} edges)",
            f"cloudfront:requests-https:{group}",
            "10k requests",
            requests,
            usage_based=True,
        )
    )
    if http:
        components.append(
            ctx.line(
                f"HTTP requests ({group} edges)",
                f"cloudfront:requests-http:{group}",
                "10k requests",
                http,
                usage_based=True,
            )
        )
    return Priced(components, note=note)


def _cloudfront_metrics(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    # Additional CloudFront metrics are billed as CloudWatch metrics per distribution; not in the catalog yet.
    return Priced(
        [
            ctx.unknown(
                "Additional distribution metrics", "month", "no catalog price for additional CloudFront metrics", 1
            )
        ]
    )


PRICERS = {
    "aws:cloudfront/distribution:Distribution": _cloudfront_distribution,
    "aws:cloudfront/monitoringSubscription:MonitoringSubscription": _cloudfront_metrics,
}

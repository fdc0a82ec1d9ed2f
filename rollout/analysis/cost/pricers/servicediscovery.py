"""AWS Cloud Map DNS namespaces: each creates a Route 53 hosted zone (private for a VPC, public otherwise), billed
as a hosted zone (AWS Cloud Map pricing: Route 53 charges apply to the zones and queries a DNS namespace uses)."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import Priced, PricingContext
from rollout.analysis.cost.pricers.route53 import QUERY_TIERS
from rollout.model.inventory import Resource


def _dns_namespace(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    kind = "private" if resource.type.endswith("PrivateDnsNamespace") else "public"
    millions = ctx.usage(resource, "monthlyStandardQueries") / 1e6
    zone = ctx.line(f"Hosted zone ({kind}, created by the namespace)", "route53:zone", "month", 1)
    return Priced(
        [zone, *ctx.tiered("Standard queries", "route53:queries:standard", "1M queries", millions, QUERY_TIERS)]
    )


PRICERS = {
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": _dns_namespace,
    "aws:servicediscovery/publicDnsNamespace:PublicDnsNamespace": _dns_namespace,
}

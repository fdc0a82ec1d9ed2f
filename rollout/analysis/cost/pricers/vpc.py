"""VPC networking: NAT gateways."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import HOURS_PER_MONTH, PricingContext, Priced
from rollout.model.inventory import Resource


def _nat_gateway(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    return Priced([
        ctx.line("NAT gateway", "vpc:nat-gateway:hour", "hour", HOURS_PER_MONTH),
        ctx.line("Data processed", "vpc:nat-gateway:gb", "GB", ctx.usage(resource, "monthlyDataProcessedGb"),
                 usage_based=True),
    ])


PRICERS = {
    "aws:ec2/natGateway:NatGateway": _nat_gateway,
}

"""Elastic Load Balancing: application, network and gateway load balancers (aws.lb and its alias aws.alb)."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import HOURS_PER_MONTH, Priced, PricingContext
from rollout.model.inventory import Resource


def _load_balancer(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    kind = inputs.get("loadBalancerType") or "application"
    if inputs.get("internal") is not True and kind in ("application", "network"):
        ctx.send_to_internet(resource)  # responses to clients on the internet (a CDN in front is the internet too)
    if kind == "network":
        return Priced(
            [
                ctx.line("Network load balancer", "elb:network:hour", "hour", HOURS_PER_MONTH),
                ctx.line(
                    "Load balancer capacity units (NLCU)",
                    "elb:network:lcu",
                    "LCU-hour",
                    ctx.usage(resource, "averageLcus") * HOURS_PER_MONTH,
                    usage_based=True,
                ),
            ]
        )
    if kind != "application":
        return Priced([ctx.line(f"Load balancer ({kind})", f"elb:{kind}:hour", "hour", HOURS_PER_MONTH)])
    components = [
        ctx.line("Application load balancer", "elb:alb:hour", "hour", HOURS_PER_MONTH),
        ctx.line(
            "Load balancer capacity units",
            "elb:alb:lcu",
            "LCU-hour",
            ctx.usage(resource, "averageLcus") * HOURS_PER_MONTH,
            usage_based=True,
        ),
    ]
    if inputs.get("internal") is not True:
        subnets = inputs.get("subnets") or inputs.get("subnetMappings")
        if isinstance(subnets, list) and subnets:
            zones, note = len(subnets), ""
        else:
            zones, note = 2, "subnets unknown before apply: the 2 zones an ALB needs at least"
        components.append(
            ctx.line(
                f"Public IPv4 addresses (one per zone) x {zones}",
                "ec2:public-ipv4",
                "hour",
                zones * HOURS_PER_MONTH,
                note=note,
            )
        )
    return Priced(components)


PRICERS = {
    "aws:lb/loadBalancer:LoadBalancer": _load_balancer,
    "aws:alb/loadBalancer:LoadBalancer": _load_balancer,
}

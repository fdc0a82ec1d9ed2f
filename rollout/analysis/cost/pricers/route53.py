"""Route 53 health checks."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import PricingContext, Priced
from rollout.model.inventory import Resource


def _health_check(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    return Priced([ctx.line(f"Health check ({inputs.get('type') or 'HTTP'})", "route53:health-check", "month", 1)])


PRICERS = {
    "aws:route53/healthCheck:HealthCheck": _health_check,
}

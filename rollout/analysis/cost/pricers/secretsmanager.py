"""Secrets Manager secrets."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import Priced, PricingContext
from rollout.model.inventory import Resource


def _secret(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    return Priced([
        ctx.line("Secret", "secretsmanager:secret", "month", 1),
        ctx.line("API requests", "secretsmanager:api", "10k requests", ctx.usage(resource, "monthlyApiCalls") / 1e4,
                 usage_based=True),
    ])


PRICERS = {
    "aws:secretsmanager/secret:Secret": _secret,
}

"""Secrets Manager secrets, and SSM parameters (the services' boot environment)."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import Priced, PricingContext
from rollout.model.inventory import Resource


def _secret(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    return Priced(
        [
            ctx.line("Secret", "secretsmanager:secret", "month", 1),
            ctx.line(
                "API requests",
                "secretsmanager:api",
                "10k requests",
                ctx.usage(resource, "monthlyApiCalls") / 1e4,
                usage_based=True,
            ),
        ]
    )


def _parameter(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    # Standard parameters cost nothing ("No additional charge": Systems Manager user guide, "Managing parameter
    # tiers"); Intelligent-Tiering stays Standard while the value fits in 4 KB and needs no policy.
    tier = inputs.get("tier") or "Standard"
    if tier != "Advanced":
        return Priced([], note="a Standard parameter (Intelligent-Tiering: while under 4 KB) has no charge")
    return Priced(
        [
            ctx.line("Parameter storage (advanced)", "ssm:parameter:advanced", "month", 1),
            ctx.line(
                "API interactions (higher throughput)",
                "ssm:api:higher-throughput",
                "10k requests",
                ctx.usage(resource, "monthlyApiInteractions") / 1e4,
                usage_based=True,
            ),
        ]
    )


PRICERS = {
    "aws:secretsmanager/secret:Secret": _secret,
    "aws:ssm/parameter:Parameter": _parameter,
}

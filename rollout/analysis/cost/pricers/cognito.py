"""Amazon Cognito user pools: monthly active users by feature plan, with the Lite/Essentials free tier."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import Priced, PricingContext, is_unknown
from rollout.model.inventory import Resource

DEFAULT_TIER = "ESSENTIALS"
"""A new user pool's feature plan when userPoolTier is unset (Amazon Cognito developer guide, "User pool feature
plans": the default plan selection for new user pools is Essentials)."""


def _user_pool(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    tier = inputs.get("userPoolTier") or DEFAULT_TIER
    if is_unknown(tier):
        return Priced(
            [ctx.unknown("Monthly active users", "MAU", "userPoolTier unknown before apply", usage_based=True)]
        )
    plan = str(tier).lower()
    note = "Lite's rate falls beyond 100,000 MAUs: this first-band rate is an upper bound" if plan == "lite" else ""
    return Priced(
        [
            ctx.line(
                f"Monthly active users ({plan.capitalize()})",
                f"cognito:mau:{plan}",
                "MAU",
                ctx.usage(resource, "monthlyActiveUsers"),
                usage_based=True,
                note=note,
            )
        ]
    )


PRICERS = {
    "aws:cognito/userPool:UserPool": _user_pool,
}

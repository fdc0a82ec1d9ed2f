"""KMS customer managed keys."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import Priced, PricingContext
from rollout.model.inventory import Resource


def _kms_key(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    return Priced([
        ctx.line("Customer managed key", "kms:key", "month", 1),
        ctx.line("Requests", "kms:requests", "10k requests", ctx.usage(resource, "monthlyRequests") / 1e4,
                 usage_based=True),
    ])


PRICERS = {
    "aws:kms/key:Key": _kms_key,
}

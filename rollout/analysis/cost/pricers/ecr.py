"""ECR repositories: image storage."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import Priced, PricingContext
from rollout.model.inventory import Resource


def _repository(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    return Priced([ctx.line("Storage", "ecr:storage", "GB-month", ctx.usage(resource, "storageGb"),
                            usage_based=True)])


PRICERS = {
    "aws:ecr/repository:Repository": _repository,
}

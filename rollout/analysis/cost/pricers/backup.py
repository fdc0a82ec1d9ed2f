"""AWS Backup plans (backup storage)."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import Priced, PricingContext
from rollout.model.inventory import Resource


def _backup_plan(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    components = [ctx.line("Backup storage (RDS snapshots)", "backup:rds", "GB-month",
                           ctx.usage(resource, "rdsStorageGb"), usage_based=True)]
    ebs = ctx.usage(resource, "ebsStorageGb")
    if ebs:
        components.append(ctx.line("Backup storage (EBS snapshots)", "backup:ebs", "GB-month", ebs,
                                   usage_based=True))
    return Priced(components)


PRICERS = {
    "aws:backup/plan:Plan": _backup_plan,
}

"""Amazon Managed Service for Prometheus workspaces."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import Priced, PricingContext
from rollout.model.inventory import Resource


def _prometheus_workspace(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    return Priced([
        ctx.line("Samples ingested (first tier)", "amp:ingest", "10M samples",
                 ctx.usage(resource, "monthlySamples") / 1e7, usage_based=True),
        ctx.line("Metric storage", "amp:storage", "GB-month", ctx.usage(resource, "storageGb"), usage_based=True),
    ])


PRICERS = {
    "aws:amp/workspace:Workspace": _prometheus_workspace,
}

"""Kinesis: Data Firehose delivery streams."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import PricingContext, Priced
from rollout.model.inventory import Resource


def _firehose(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    return Priced([ctx.line("Data ingested", "firehose:ingest", "GB", ctx.usage(resource, "monthlyIngestGb"),
                             usage_based=True)])


PRICERS = {
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": _firehose,
}

"""Kinesis: data streams (provisioned shards or on-demand) and Data Firehose delivery streams."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import HOURS_PER_MONTH, Priced, PricingContext, is_unknown
from rollout.model.inventory import Resource


def _firehose(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    return Priced([ctx.line("Data ingested", "firehose:ingest", "GB", ctx.usage(resource, "monthlyIngestGb"),
                             usage_based=True)])


def _stream(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    mode = (inputs.get("streamModeDetails") or {}).get("streamMode") or "PROVISIONED"
    if mode == "ON_DEMAND":
        return Priced([
            ctx.line("Stream (on-demand)", "kinesis:ondemand:stream", "hour", HOURS_PER_MONTH),
            ctx.line("Data ingested", "kinesis:ondemand:ingest", "GB", ctx.usage(resource, "monthlyIngestGb"),
                     usage_based=True),
        ])
    shards = inputs.get("shardCount")
    if is_unknown(shards) or shards is None:
        return Priced([ctx.unknown("Shards (provisioned)", "shard-hour", "shardCount unknown before apply")])
    return Priced([
        ctx.line(f"Shards (provisioned) x {shards}", "kinesis:shard", "shard-hour", shards * HOURS_PER_MONTH),
        ctx.line("PUT payload units", "kinesis:put-units", "1M units", ctx.usage(resource, "monthlyPutUnits") / 1e6,
                 usage_based=True),
    ])


PRICERS = {
    "aws:kinesis/stream:Stream": _stream,
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": _firehose,
}

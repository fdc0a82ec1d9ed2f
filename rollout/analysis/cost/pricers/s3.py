"""S3 buckets (storage and requests)."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import Priced, PricingContext
from rollout.model.inventory import Resource


def _s3_bucket(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    return Priced([
        ctx.line("Storage (Standard)", "s3:storage:standard", "GB-month", ctx.usage(resource, "storageGb"),
                 usage_based=True),
        ctx.line("PUT, COPY, POST, LIST requests", "s3:requests:put", "1k requests",
                 ctx.usage(resource, "monthlyPutRequests") / 1e3, usage_based=True),
        ctx.line("GET and other requests", "s3:requests:get", "1k requests",
                 ctx.usage(resource, "monthlyGetRequests") / 1e3, usage_based=True),
    ])


PRICERS = {
    "aws:s3/bucket:Bucket": _s3_bucket,
}

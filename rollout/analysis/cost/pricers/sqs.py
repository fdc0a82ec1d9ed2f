"""SQS queues (standard and FIFO requests)."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import Priced, PricingContext
from rollout.model.inventory import Resource


def _sqs_queue(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    fifo = inputs.get("fifoQueue") is True or str(inputs.get("name") or "").endswith(".fifo")
    kind = "fifo" if fifo else "standard"
    return Priced([ctx.line(f"Requests ({kind})", f"sqs:requests:{kind}", "1M requests",
                             ctx.usage(resource, "monthlyRequests") / 1e6, usage_based=True)])


PRICERS = {
    "aws:sqs/queue:Queue": _sqs_queue,
}

"""SNS topics: publish API requests (standard or FIFO)."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import Priced, PricingContext
from rollout.model.inventory import Resource


def _topic(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    fifo = inputs.get("fifoTopic") is True or str(inputs.get("name") or "").endswith(".fifo")
    kind = "fifo" if fifo else "standard"
    return Priced([ctx.line(f"API requests ({kind})", f"sns:requests:{kind}", "1M requests",
                            ctx.usage(resource, "monthlyRequests") / 1e6, usage_based=True)],
                  note="deliveries (HTTP, e-mail, SMS) are billed per subscription protocol and not priced here")


PRICERS = {
    "aws:sns/topic:Topic": _topic,
}

"""Step Functions state machines: state transitions (Standard) or requests and GB-hours (Express)."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import Priced, PricingContext
from rollout.model.inventory import Resource

EXPRESS_MEMORY_MB = 64
"""Express workflows are billed in 64 MB memory increments; 64 MB is the least."""


def _state_machine(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    if inputs.get("type") == "EXPRESS":
        requests = ctx.usage(resource, "monthlyRequests")
        gb_hours = requests * ctx.usage(resource, "averageDurationMs") / 1000 / 3600 * EXPRESS_MEMORY_MB / 1024
        return Priced([
            ctx.line("Requests", "sfn:express:requests", "1M requests", requests / 1e6, usage_based=True),
            ctx.line("Duration (first 1K GB-hours, 64 MB)", "sfn:express:duration", "GB-hour", gb_hours,
                     usage_based=True),
        ])
    return Priced([ctx.line("Transitions", "sfn:standard:transitions", "1k transitions",
                            ctx.usage(resource, "monthlyTransitions") / 1e3, usage_based=True)])


PRICERS = {
    "aws:sfn/stateMachine:StateMachine": _state_machine,
}

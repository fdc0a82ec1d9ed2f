"""Lambda functions: requests and GB-seconds of duration (x86_64 or arm64), plus ephemeral storage above 512 MB."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import Priced, PricingContext, is_unknown
from rollout.model.inventory import Resource

DEFAULT_MEMORY_MB = 128
"""Lambda's default memory size (AWS Lambda CreateFunction MemorySize); ephemeral storage 512 MB is included."""


def _function(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    requests = ctx.usage(resource, "monthlyRequests")
    seconds = requests * ctx.usage(resource, "averageDurationMs") / 1000
    memory = inputs.get("memorySize") or DEFAULT_MEMORY_MB
    architectures = inputs.get("architectures") or ["x86_64"]
    arch = "arm64" if isinstance(architectures, list) and "arm64" in architectures else "x86_64"
    components = [ctx.line("Requests", "lambda:requests", "1M requests", requests / 1e6, usage_based=True)]
    if is_unknown(memory):
        components.append(ctx.unknown(f"Duration ({arch})", "GB-second", "memorySize unknown before apply"))
        return Priced(components)
    components.append(ctx.line(f"Duration ({arch}, {memory} MB)", f"lambda:duration:{arch}", "GB-second",
                               seconds * float(memory) / 1024, usage_based=True))
    storage = (inputs.get("ephemeralStorage") or {}).get("size")
    if isinstance(storage, (int, float)) and storage > 512:
        components.append(ctx.line(f"Ephemeral storage above 512 MB ({storage} MB)", "lambda:ephemeral-storage",
                                   "GB-second", seconds * (storage - 512) / 1024, usage_based=True))
    return Priced(components, note="first-tier duration price; the account's free tier is not deducted")


PRICERS = {
    "aws:lambda/function:Function": _function,
}

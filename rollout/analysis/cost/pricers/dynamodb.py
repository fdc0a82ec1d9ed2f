"""DynamoDB tables: on-demand request units or provisioned capacity (table plus its global secondary indexes),
and storage."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import HOURS_PER_MONTH, Priced, PricingContext, is_unknown
from rollout.model.inventory import Resource


def _table(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    components = []
    if inputs.get("billingMode") == "PAY_PER_REQUEST":
        components += [
            ctx.line("Write request units (WRU)", "dynamodb:ondemand:write", "1M requests",
                     ctx.usage(resource, "monthlyWriteRequestUnits") / 1e6, usage_based=True),
            ctx.line("Read request units (RRU)", "dynamodb:ondemand:read", "1M requests",
                     ctx.usage(resource, "monthlyReadRequestUnits") / 1e6, usage_based=True),
        ]
    else:  # PROVISIONED is the API's default billing mode
        indexes = [i for i in inputs.get("globalSecondaryIndexes") or [] if isinstance(i, dict)]
        writes = [inputs.get("writeCapacity"), *(i.get("writeCapacity") for i in indexes)]
        reads = [inputs.get("readCapacity"), *(i.get("readCapacity") for i in indexes)]
        for label, key, values in (("Write capacity units (WCU)", "dynamodb:provisioned:wcu", writes),
                                   ("Read capacity units (RCU)", "dynamodb:provisioned:rcu", reads)):
            if is_unknown(*values):
                components.append(ctx.unknown(label, "unit-hour", "capacity unknown before apply"))
            else:
                units = sum(v or 0 for v in values)
                components.append(ctx.line(f"{label} x {units:g}", key, "unit-hour", units * HOURS_PER_MONTH))
    components.append(ctx.line("Data storage", "dynamodb:storage", "GB-month", ctx.usage(resource, "storageGb"),
                               usage_based=True))
    return Priced(components)


PRICERS = {
    "aws:dynamodb/table:Table": _table,
}

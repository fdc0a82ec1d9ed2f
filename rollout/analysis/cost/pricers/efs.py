"""EFS file systems: storage (Regional or One Zone) and provisioned throughput."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import Priced, PricingContext, is_unknown
from rollout.model.inventory import Resource


def _file_system(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    zone = "one-zone" if inputs.get("availabilityZoneName") else "standard"
    components = [ctx.line(f"Storage ({zone.replace('-', ' ')})", f"efs:storage:{zone}", "GB-month",
                           ctx.usage(resource, "storageGb"), usage_based=True)]
    if inputs.get("throughputMode") == "provisioned":
        mibps = inputs.get("provisionedThroughputInMibps")
        if is_unknown(mibps) or mibps is None:
            components.append(ctx.unknown("Provisioned throughput", "MBps-month", "throughput unknown before apply"))
        else:
            components.append(ctx.line("Provisioned throughput", "efs:provisioned-throughput", "MBps-month",
                                       float(mibps)))
    return Priced(components)


PRICERS = {
    "aws:efs/fileSystem:FileSystem": _file_system,
}

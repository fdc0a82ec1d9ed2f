"""Redshift provisioned clusters: node-hours by node type, and RA3 managed storage."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import HOURS_PER_MONTH, Priced, PricingContext, is_unknown
from rollout.model.inventory import Resource


def _cluster(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    node_type, nodes = inputs.get("nodeType"), inputs.get("numberOfNodes") or 1
    if is_unknown(node_type, nodes) or not node_type:
        return Priced([ctx.unknown("Cluster usage", "hour", "nodeType or numberOfNodes unknown before apply")])
    components = [ctx.line(f"Cluster usage (on-demand, {node_type}) x {nodes}", f"redshift:node:{node_type}", "hour",
                           HOURS_PER_MONTH * nodes)]
    if str(node_type).startswith("ra3."):
        components.append(ctx.line("Managed storage", "redshift:managed-storage", "GB-month",
                                   ctx.usage(resource, "managedStorageGb"), usage_based=True))
    return Priced(components)


PRICERS = {
    "aws:redshift/cluster:Cluster": _cluster,
}

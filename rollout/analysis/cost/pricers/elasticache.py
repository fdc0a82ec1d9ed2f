"""ElastiCache node-hours (replication groups and clusters)."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import HOURS_PER_MONTH, Priced, PricingContext, is_unknown
from rollout.analysis.cost.report import CostComponent
from rollout.model.inventory import UNKNOWN, Resource


def _cache_nodes(engine: Any, node_type: Any, nodes: Any, ctx: PricingContext) -> CostComponent:
    engine = engine or "redis"
    name = f"Cache nodes ({engine}, {node_type}) x {nodes}"
    if is_unknown(engine, node_type, nodes) or not node_type:
        return ctx.unknown(name, "node-hour", "engine, nodeType or node count unknown before apply")
    return ctx.line(name, f"elasticache:node:{str(engine).lower()}:{node_type}", "node-hour",
                    HOURS_PER_MONTH * int(nodes))


def _elasticache_replication_group(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    if inputs.get("numCacheClusters") is not None:
        nodes = inputs["numCacheClusters"]
    elif inputs.get("numNodeGroups") is not None or inputs.get("replicasPerNodeGroup") is not None:
        groups, replicas = inputs.get("numNodeGroups") or 1, inputs.get("replicasPerNodeGroup") or 0
        nodes = UNKNOWN if is_unknown(groups, replicas) else groups * (replicas + 1)
    else:
        nodes = 1
    return Priced([_cache_nodes(inputs.get("engine"), inputs.get("nodeType"), nodes, ctx)])


def _elasticache_cluster(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    if inputs.get("replicationGroupId"):
        return Priced([], note="member of a replication group: priced with the group")
    return Priced([_cache_nodes(inputs.get("engine"), inputs.get("nodeType"), inputs.get("numCacheNodes") or 1,
                                 ctx)])


PRICERS = {
    "aws:elasticache/replicationGroup:ReplicationGroup": _elasticache_replication_group,
    "aws:elasticache/cluster:Cluster": _elasticache_cluster,
}

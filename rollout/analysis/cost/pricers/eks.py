"""EKS clusters (per cluster-hour) and managed node groups (their instances and disks)."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import HOURS_PER_MONTH, Priced, PricingContext, is_unknown
from rollout.analysis.cost.pricers.ec2 import instance_components, template_public_ip, template_volumes
from rollout.model.inventory import Resource, reveal

DEFAULT_NODE_TYPE = "t3.medium"
"""What EKS launches when a node group names no instance type (AWS EKS CreateNodegroup: instanceTypes)."""
DEFAULT_DISK_GB = 20
"""EKS CreateNodegroup diskSize default for Linux nodes (GiB); volume type gp2 (AWS EKS API reference)."""


def _cluster(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    return Priced([ctx.line("EKS cluster", "eks:cluster", "hour", HOURS_PER_MONTH)],
                  note="standard support; a version in extended support is billed more")


def _node_group(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    scaling = inputs.get("scalingConfig") or {}
    desired, low, high = scaling.get("desiredSize"), scaling.get("minSize"), scaling.get("maxSize")
    if is_unknown(desired) or desired is None:
        return Priced([ctx.unknown("Instance usage", "hour", "scalingConfig.desiredSize unknown before apply")])
    template = ctx.referenced(resource, "launchTemplate", "aws:ec2/launchTemplate:LaunchTemplate",
                              inputs.get("launchTemplate")) if inputs.get("launchTemplate") else None
    template_inputs = reveal(template.inputs) if template else {}
    types = inputs.get("instanceTypes") or []
    instance_type = (types[0] if isinstance(types, list) and types else None) or \
        template_inputs.get("instanceType") or DEFAULT_NODE_TYPE
    if template is not None:
        volumes, public_ip = template_volumes(template_inputs), template_public_ip(template_inputs)
    else:
        volumes = [{"volumeSize": inputs.get("diskSize") or DEFAULT_DISK_GB, "volumeType": "gp2"}]
        public_ip = False
    spot = inputs.get("capacityType") == "SPOT"
    if spot:
        return Priced([ctx.unknown(f"Instance usage (spot, {instance_type}) x {desired}", "hour",
                                   "spot prices vary by the hour", desired * HOURS_PER_MONTH)])
    components = instance_components(ctx, instance_type, volumes, desired, public_ip)
    per_node = sum(c.monthly for c in instance_components(ctx, instance_type, volumes, 1, public_ip)
                   if c.monthly is not None)
    return Priced(components, note=f"desired {desired} (min {low} - max {high})",
                  monthly_range=(per_node * (low or 0), per_node * (high or 0)) if not is_unknown(low, high) else None)


PRICERS = {
    "aws:eks/cluster:Cluster": _cluster,
    "aws:eks/nodeGroup:NodeGroup": _node_group,
}

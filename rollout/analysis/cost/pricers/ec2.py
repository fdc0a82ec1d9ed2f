"""EC2 compute and block storage: instances, autoscaling groups, EBS volumes, Elastic IPs."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from rollout.analysis.cost.context import HOURS_PER_MONTH, Priced, PricingContext, is_unknown
from rollout.analysis.cost.report import CostComponent
from rollout.model.inventory import Resource, reveal


def instance_components(
    ctx: PricingContext, instance_type: Any, volumes: list[Mapping[str, Any]], count: float, public_ip: bool
) -> list[CostComponent]:
    """Instance-hours plus EBS GB-months (and public IPv4 hours) for `count` identical instances."""
    name = f"Instance usage (Linux, on-demand, {instance_type})"
    if is_unknown(instance_type) or not instance_type:
        components = [ctx.unknown(name, "hour", "instanceType unknown", count * HOURS_PER_MONTH)]
    else:
        components = [ctx.line(name, f"ec2:instance:{instance_type}", "hour", count * HOURS_PER_MONTH)]
    for volume in volumes:
        size, volume_type = volume.get("volumeSize"), volume.get("volumeType")
        label = f"Storage ({volume_type or 'type from the AMI'})"
        if is_unknown(size, volume_type) or not volume_type:
            components.append(
                ctx.unknown(
                    label,
                    "GB-month",
                    "volume type or size not set in the program",
                    None if is_unknown(size) or size is None else count * float(size),
                )
            )
        elif size is not None:
            components.append(ctx.line(label, f"ec2:ebs:{volume_type}", "GB-month", count * float(size)))
    if public_ip:
        components.append(ctx.line("Public IPv4 address", "ec2:public-ipv4", "hour", count * HOURS_PER_MONTH))
    return components


def template_volumes(template_inputs: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [
        m.get("ebs") or {}
        for m in template_inputs.get("blockDeviceMappings") or []
        if isinstance(m, Mapping) and m.get("ebs")
    ]


def template_public_ip(template_inputs: Mapping[str, Any]) -> bool:
    interfaces = template_inputs.get("networkInterfaces") or []
    return any(isinstance(i, Mapping) and str(i.get("associatePublicIpAddress")).lower() == "true" for i in interfaces)


def _autoscaling_group(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    low, high = inputs.get("minSize"), inputs.get("maxSize")
    desired = inputs.get("desiredCapacity")
    if desired is None:
        desired = low
    mixed = inputs.get("mixedInstancesPolicy") or {}
    spec = inputs.get("launchTemplate") or (mixed.get("launchTemplate") or {}).get("launchTemplateSpecification")
    prop = "launchTemplate" if inputs.get("launchTemplate") else "mixedInstancesPolicy"
    template = ctx.referenced(resource, prop, "aws:ec2/launchTemplate:LaunchTemplate", spec)
    template_inputs = reveal(template.inputs) if template else {}
    overrides = (mixed.get("launchTemplate") or {}).get("overrides") or []
    instance_type = (overrides[0].get("instanceType") if overrides else None) or template_inputs.get("instanceType")
    if is_unknown(desired, low, high) or desired is None:
        return Priced([ctx.unknown("Instance usage", "hour", "desiredCapacity/minSize unknown before apply")])
    if template is None:
        return Priced(
            [
                ctx.unknown(
                    "Instance usage", "hour", "launch template not found in the inventory", desired * HOURS_PER_MONTH
                )
            ],
            note=f"desired {desired} (min {low} - max {high})",
        )
    volumes, public_ip = template_volumes(template_inputs), template_public_ip(template_inputs)
    weight = _weight(overrides[0]) if overrides else 1.0
    if weight is None:
        return Priced([ctx.unknown("Instance usage", "hour", "weightedCapacity unknown before apply")])
    # With weights, capacities count units, not instances: desired 4 with weight 2 launches 2 instances of the
    # first override (the prioritized strategy's pick); AWS rounds up to cover the capacity.
    count, low_count, high_count = (math.ceil(v / weight) if v else 0 for v in (desired, low, high))
    on_demand, spot = count, 0
    distribution = mixed.get("instancesDistribution") or {}
    share = distribution.get("onDemandPercentageAboveBaseCapacity")
    if mixed and isinstance(share, (int, float)) and share < 100:
        base = min(count, int(distribution.get("onDemandBaseCapacity") or 0))
        on_demand = base + math.ceil((count - base) * share / 100)
        spot = count - on_demand
    components = instance_components(ctx, instance_type, volumes, on_demand, public_ip)
    if spot:
        components.append(
            ctx.unknown(
                f"Spot instance usage ({instance_type}) x {spot}",
                "hour",
                "spot prices vary by the hour",
                spot * HOURS_PER_MONTH,
            )
        )
    per_instance = instance_components(ctx, instance_type, volumes, 1, public_ip)
    unit_monthly = sum(c.monthly for c in per_instance if c.monthly is not None)
    note = f"desired {desired} (min {low} - max {high}); launch template {template.name}"
    if weight != 1.0:
        note += f"; weighted capacity: {count} x {instance_type} (weight {weight:g})"
    if not volumes:
        note += "; root volume size comes from the AMI: not priced"
    return Priced(components, note=note, monthly_range=(unit_monthly * low_count, unit_monthly * high_count))


def _weight(override: Any) -> float | None:
    value = override.get("weightedCapacity") if isinstance(override, Mapping) else None
    if value is None:
        return 1.0
    try:
        weight = float(value)
    except (TypeError, ValueError):
        return None
    return weight if weight > 0 else None


def _ec2_instance(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    root = inputs.get("rootBlockDevice") or {}
    volumes = [v for v in [root, *(inputs.get("ebsBlockDevices") or [])] if isinstance(v, Mapping) and v]
    instance_type, public_ip = inputs.get("instanceType"), inputs.get("associatePublicIpAddress") is True
    notes, root_known = [], bool(root)
    spec = inputs.get("launchTemplate")
    if spec:
        # an instance launched from a template takes what it does not set itself from the template (EC2 RunInstances:
        # "Any parameters that you specify in the request override the same parameters in the launch template")
        template = ctx.referenced(resource, "launchTemplate", "aws:ec2/launchTemplate:LaunchTemplate", spec)
        if template is None:
            notes.append("launch template not found in the inventory")
        else:
            template_inputs = reveal(template.inputs)
            instance_type = instance_type or template_inputs.get("instanceType")
            root_known = root_known or bool(template_volumes(template_inputs))
            volumes = volumes or template_volumes(template_inputs)
            public_ip = public_ip or template_public_ip(template_inputs)
            notes.append(f"launch template {template.name}")
    if not root_known:
        notes.append("root volume size comes from the AMI: not priced")
    return Priced(instance_components(ctx, instance_type, volumes, 1, public_ip), note="; ".join(notes))


def _ebs_volume(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    size, volume_type = inputs.get("size"), inputs.get("type") or "gp2"
    if is_unknown(size, volume_type) or size is None:
        return Priced([ctx.unknown(f"Storage ({volume_type})", "GB-month", "size unknown before apply")])
    return Priced([ctx.line(f"Storage ({volume_type})", f"ec2:ebs:{volume_type}", "GB-month", float(size))])


def _eip(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    return Priced([ctx.line("Public IPv4 address", "ec2:public-ipv4", "hour", HOURS_PER_MONTH)])


PRICERS = {
    "aws:autoscaling/group:Group": _autoscaling_group,
    "aws:ec2/instance:Instance": _ec2_instance,
    "aws:ebs/volume:Volume": _ebs_volume,
    "aws:ec2/eip:Eip": _eip,
}

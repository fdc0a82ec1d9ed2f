"""ECS services on Fargate: vCPU-hours and GB-hours from the task definition's CPU and memory, times the desired
count (services on EC2 capacity are priced with their instances)."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import HOURS_PER_MONTH, Priced, PricingContext, is_unknown
from rollout.model.inventory import Resource, reveal

TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"


def _fargate(inputs: dict[str, Any]) -> bool:
    if inputs.get("launchType") == "FARGATE":
        return True
    strategies = inputs.get("capacityProviderStrategies") or []
    return any(isinstance(s, dict) and str(s.get("capacityProvider", "")).startswith("FARGATE") for s in strategies)


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _service(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    if not _fargate(inputs):
        return Priced([], note="not a Fargate service: its tasks run on EC2 capacity priced with those instances")
    count = inputs.get("desiredCount")
    count = 1 if count is None else count  # the ECS API's default desiredCount
    task = ctx.referenced(resource, "taskDefinition", TASK_DEFINITION, inputs.get("taskDefinition"))
    task_inputs = reveal(task.inputs) if task else {}
    # Task-level cpu is in CPU units (1024 = 1 vCPU) and memory in MiB (AWS ECS task definition parameters).
    cpu, memory = _number(task_inputs.get("cpu")), _number(task_inputs.get("memory"))
    arm = str((task_inputs.get("runtimePlatform") or {}).get("cpuArchitecture", "")).upper() == "ARM64"
    arch = "arm64" if arm else "x86_64"
    if task is None or cpu is None or memory is None or is_unknown(count):
        why = "task definition not found in the inventory" if task is None else \
            "task cpu, memory or desiredCount unknown before apply"
        return Priced([ctx.unknown("Per vCPU per hour", "vCPU-hour", why),
                       ctx.unknown("Per GB per hour", "GB-hour", why)])
    vcpu, gb = cpu / 1024, memory / 1024
    return Priced([
        ctx.line(f"Per vCPU per hour ({arch}, {vcpu:g} vCPU x {count} tasks)", f"ecs:fargate:{arch}:vcpu",
                 "vCPU-hour", vcpu * count * HOURS_PER_MONTH),
        ctx.line(f"Per GB per hour ({arch}, {gb:g} GB x {count} tasks)", f"ecs:fargate:{arch}:gb", "GB-hour",
                 gb * count * HOURS_PER_MONTH),
    ], note=f"task definition {task.name}")


PRICERS = {
    "aws:ecs/service:Service": _service,
}

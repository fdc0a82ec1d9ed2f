"""Canary deploys of one web tier service: set its image and apply, then read how the refresh is going.

`rollout deploy --stack S --service NAME --image REF` checks offline first (the change must only update the
service's launch template and group: no replacement, no deletion), then sets `services[i].image` in the stack
(`pulumi config set --path`) and runs `pulumi up` with the policy pack through the Automation API. The new launch
template version makes the group start its instance refresh, whose checkpoints and SLO alarms roll it back by
themselves. `rollout deploy status` reads the group's latest instance refreshes and the alarms they watch (boto3,
read-only: autoscaling:DescribeAutoScalingGroups, autoscaling:DescribeInstanceRefreshes, cloudwatch:DescribeAlarms).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rollout.errors import UserError

_IMAGE = re.compile(r"sha256:[0-9a-f]{64}|[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")


def service_index(config: Mapping[str, Any], project: str, service: str, where: str) -> int:
    """The position of `service` in `<project>:services` (the key `pulumi config set --path` needs)."""
    services = config.get(f"{project}:services") or []
    names = [s.get("name") for s in services if isinstance(s, Mapping)]
    if service not in names:
        raise UserError(f"{where}: {project}:services: no service {service!r} (services: {', '.join(map(str, names)) or 'none'})")
    return names.index(service)


def check_image(image: str) -> str:
    """A pinned reference: a tag (1.4.2) or a digest (sha256:...), never `latest` (the same rule as the program's)."""
    if image == "latest" or not _IMAGE.fullmatch(image):
        raise UserError(f"--image {image!r}: give a version tag (1.4.2) or a digest (sha256:<64 hex>), not latest")
    return image


def with_image(config: Mapping[str, Any], project: str, index: int, image: str) -> dict[str, Any]:
    """The stack config with one service's image replaced (for the offline check)."""
    services = [dict(s) for s in config[f"{project}:services"]]
    services[index]["image"] = image
    return {**config, f"{project}:services": services}


@dataclass(frozen=True)
class Refresh:
    id: str
    status: str
    percent: int | None
    reason: str
    alarms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Status:
    group: str
    desired: int | None
    in_service: int
    refreshes: tuple[Refresh, ...]
    alarms: Mapping[str, str] = field(default_factory=dict)
    """alarm name -> state (OK, ALARM, INSUFFICIENT_DATA)"""

    def to_json(self) -> dict[str, Any]:
        return {"group": self.group, "desiredCapacity": self.desired, "inService": self.in_service,
                "refreshes": [{"id": r.id, "status": r.status, "percentageComplete": r.percent,
                               "reason": r.reason, "alarms": list(r.alarms)} for r in self.refreshes],
                "alarms": dict(self.alarms)}

    @property
    def rolling_back(self) -> bool:
        return bool(self.refreshes) and self.refreshes[0].status.startswith("RollbackInProgress")


def find_group(autoscaling: Any, stack: str, service: str) -> Mapping[str, Any]:
    """The service's group, by the tags the web tier puts on it (Stack, Service)."""
    pages = autoscaling.get_paginator("describe_auto_scaling_groups").paginate(Filters=[
        {"Name": "tag:Stack", "Values": [stack]}, {"Name": "tag:Service", "Values": [service]}])
    groups = [g for page in pages for g in page.get("AutoScalingGroups", [])]
    if not groups:
        raise UserError(f"--service {service}: no autoscaling group tagged Stack={stack}, Service={service} in this "
                        "account and region (is phase 6, or app.webTierPhase, applied?)")
    if len(groups) > 1:
        raise UserError(f"--service {service}: {len(groups)} groups are tagged Stack={stack}, Service={service}: "
                        f"{', '.join(g['AutoScalingGroupName'] for g in groups)}")
    return groups[0]


def status(autoscaling: Any, cloudwatch: Any, stack: str, service: str, *, latest: int = 3) -> Status:
    group = find_group(autoscaling, stack, service)
    name = group["AutoScalingGroupName"]
    answer = autoscaling.describe_instance_refreshes(AutoScalingGroupName=name, MaxRecords=latest)
    refreshes = tuple(_refresh(r) for r in answer.get("InstanceRefreshes", []))
    watched = sorted({a for r in refreshes for a in r.alarms})
    alarms: dict[str, str] = {}
    if watched:
        for page in cloudwatch.get_paginator("describe_alarms").paginate(AlarmNames=watched):
            alarms.update({a["AlarmName"]: a["StateValue"] for a in page.get("MetricAlarms", [])})
    in_service = sum(1 for i in group.get("Instances", []) if i.get("LifecycleState") == "InService")
    return Status(name, group.get("DesiredCapacity"), in_service, refreshes, alarms)


def _refresh(data: Mapping[str, Any]) -> Refresh:
    preferences = data.get("Preferences") or {}
    alarms = tuple((preferences.get("AlarmSpecification") or {}).get("Alarms") or ())
    return Refresh(id=data.get("InstanceRefreshId", ""), status=data.get("Status", ""),
                   percent=data.get("PercentageComplete"), reason=data.get("StatusReason", ""), alarms=alarms)


def status_lines(result: Status) -> list[str]:
    lines = [f"{result.group}: {result.in_service} in service of {result.desired} desired"]
    if not result.refreshes:
        lines.append("no instance refresh yet")
    for refresh in result.refreshes:
        percent = f" {refresh.percent}%" if refresh.percent is not None else ""
        lines.append(f"refresh {refresh.id}: {refresh.status}{percent}" + (f" ({refresh.reason})" if refresh.reason else ""))
    for alarm, state in sorted(result.alarms.items()):
        lines.append(f"alarm {alarm}: {state}")
    return lines


def set_image(deployment: Any, index: int, image: str) -> None:
    """`pulumi config set --path <project>:services[i].image REF` on the stack."""
    from pulumi.automation import ConfigValue

    deployment.stack.set_config(f"{deployment.stack_file.project_name}:services[{index}].image",
                                ConfigValue(value=image), path=True)


def replacements(diff: Any) -> Sequence[str]:
    """What a deploy must never do: replace or remove anything."""
    return [f"{e.name} ({e.type})" for e in (*diff.replaced, *diff.removed)]

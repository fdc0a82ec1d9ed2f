"""Auto Scaling groups: instance refresh percentages, sizes and the launch source (APL-ASG-01..03)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from policies._helpers import get, to_int
from policies.apply._rule import rule
from policies.core import Subject

GROUP = "aws:autoscaling/group:Group"
API = "https://docs.aws.amazon.com/autoscaling/ec2/APIReference/"


def refresh_percentages(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    preferences = get(subject.props, "instanceRefresh", "preferences") or {}
    low = to_int(get(preferences, "minHealthyPercentage"))
    high = to_int(get(preferences, "maxHealthyPercentage"))
    if low is not None and not 0 <= low <= 100:
        yield f"minHealthyPercentage {low} is outside 0-100"
    if high is not None and not 100 <= high <= 200:
        yield f"maxHealthyPercentage {high} is outside 100-200"
    if low is not None and high is not None and high - low > 100:
        yield f"maxHealthyPercentage {high} - minHealthyPercentage {low} = {high - low}; AWS allows at most 100"


def sizes(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    low, high = to_int(get(subject.props, "minSize")), to_int(get(subject.props, "maxSize"))
    desired = to_int(get(subject.props, "desiredCapacity"))
    if low is not None and high is not None and low > high:
        yield f"minSize {low} is above maxSize {high}"
    if desired is not None and low is not None and desired < low:
        yield f"desiredCapacity {desired} is below minSize {low}"
    if desired is not None and high is not None and desired > high:
        yield f"desiredCapacity {desired} is above maxSize {high}"


def one_launch_source(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    given = [key for key in ("launchConfiguration", "launchTemplate", "mixedInstancesPolicy")
             if get(subject.props, key)]
    if len(given) > 1:
        yield f"{' and '.join(given)} together; a group takes exactly one launch source"
    if not given:
        yield "no launchTemplate, mixedInstancesPolicy or launchConfiguration"


CONTROLS = (
    rule("APL-ASG-01", "Instance refresh percentages are ones AWS accepts", (GROUP,), refresh_percentages,
         description="minHealthyPercentage 0-100, maxHealthyPercentage 100-200, and their difference at most 100.",
         remediation="E.g. min 90 / max 190, or min 100 / max 200 for a launch-before-terminate refresh.",
         sources=(API + "API_RefreshPreferences.html",)),
    rule("APL-ASG-02", "Group sizes are ordered", (GROUP,), sizes,
         description="minSize <= desiredCapacity <= maxSize.", remediation="Order the sizes.",
         sources=(API + "API_CreateAutoScalingGroup.html",)),
    rule("APL-ASG-03", "A group has exactly one launch source", (GROUP,), one_launch_source,
         description="One of launchTemplate, mixedInstancesPolicy or launchConfiguration.",
         remediation="Keep one; a mixed instances policy carries its own launch template.",
         sources=(API + "API_CreateAutoScalingGroup.html",)),
)

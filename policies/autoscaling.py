"""Auto Scaling groups: launch templates, ELB health checks, several AZs, tags on what they launch (ASG-01..03)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from policies._helpers import each, get, items, of_type, refers_to, truthy
from policies.core import Control, Enforcement, Severity, Subject

GROUP = "aws:autoscaling/group:Group"
ATTACHMENT = "aws:autoscaling/attachment:Attachment"
TARGET_GROUPS = ("aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup")
CLASSIC_ELB = "aws:elb/loadBalancer:LoadBalancer"


def launch_template(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if get(subject.props, "launchConfiguration"):
        yield "uses a launchConfiguration (deprecated); use a launch template"
    elif not get(subject.props, "launchTemplate") and not get(subject.props, "mixedInstancesPolicy"):
        yield "has neither launchTemplate nor mixedInstancesPolicy"


def _balancers_of(group: Subject, attached: Sequence[Subject], subjects: Sequence[Subject]) -> list[Subject]:
    """The stack's target groups and classic ELBs the group registers with: its targetGroupArns/loadBalancers, or an
    Attachment's lbTargetGroupArn/elb (joined through property dependencies)."""
    urns = set(group.property_dependencies.get("targetGroupArns", ()))
    urns |= set(group.property_dependencies.get("loadBalancers", ()))
    for attachment in attached:
        urns |= set(attachment.property_dependencies.get("lbTargetGroupArn", ()))
        urns |= set(attachment.property_dependencies.get("elb", ()))
    return [s for s in of_type(subjects, *TARGET_GROUPS, CLASSIC_ELB) if s.urn in urns]


def health_and_zones(subjects: Sequence[Subject], _cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    attachments = of_type(subjects, ATTACHMENT)

    def check(group: Subject) -> Iterator[str]:
        props = group.props
        attached = [a for a in attachments if refers_to(a, "autoscalingGroupName", group, "name")]
        behind = items(get(props, "targetGroupArns")) or items(get(props, "loadBalancers")) or attached
        if behind and get(props, "healthCheckType") != "ELB":
            yield f"healthCheckType is {get(props, 'healthCheckType', default='EC2')!r} behind a load balancer; use ELB"
        # With ELB health checks the load balancer's check decides which instances are replaced. Left undeclared, a
        # target group requests / expecting 200 (elbv2 CreateTargetGroup defaults) and a classic ELB only opens a TCP
        # connection ("TCP is the default", AWS::ElasticLoadBalancing::LoadBalancer HealthCheck Target): neither
        # knows whether the app serves.
        for balancer in _balancers_of(group, attached, subjects):
            if get(balancer.props, "healthCheck") is None:
                kind = "classic ELB" if balancer.type == CLASSIC_ELB else "target group"
                yield (f"{kind} {balancer.name} declares no healthCheck: the ELB health check that replaces this "
                       "group's instances is AWS's default, which does not test the app")
        subnets = items(get(props, "vpcZoneIdentifiers"))
        zones = items(get(props, "availabilityZones"))
        if len(subnets) < 2 and len(zones) < 2:
            yield f"spans {max(len(subnets), len(zones))} subnet(s)/AZ(s); use at least 2"

    yield from each(subjects, [GROUP], check)


# pulumi-aws v7's autoscaling.Group has `tags` blocks but no `tagsAll` (launch templates and most resources have
# one): the provider's defaultTags, which are merged into tagsAll, never reach a group or what it launches.
def tags_propagate(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    tags = items(get(subject.props, "tags"))
    if not tags:
        yield ("has no tags: the group and the instances it launches carry no owner or cost tags (a provider's "
               "defaultTags do not reach Auto Scaling groups)")
    elif not any(truthy(get(tag, "propagateAtLaunch")) for tag in tags):
        yield "no tag has propagateAtLaunch=true: the instances it launches are untagged"


_TYPES = (GROUP,)
CONTROLS = (
    Control(
        id="ASG-01", title="Auto Scaling groups use launch templates", severity=Severity.MEDIUM,
        resource_types=_TYPES, check=launch_template,
        description="Launch configurations are deprecated and lack IMDSv2 and mixed-instance settings.",
        remediation="Set launchTemplate (or mixedInstancesPolicy) and drop launchConfiguration.",
        sources=("FSBP AutoScaling.9", "CKV_AWS_315"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="ASG-02", title="Auto Scaling groups use ELB health checks across AZs", severity=Severity.MEDIUM,
        resource_types=(GROUP, ATTACHMENT), check=health_and_zones, stack=True,
        description="Behind a load balancer (targetGroupArns, loadBalancers, or an aws.autoscaling.Attachment "
                    "joined through autoscalingGroupName), unhealthy instances are replaced only with ELB health "
                    "checks, and the stack's target groups or classic ELBs it registers with must declare their "
                    "healthCheck (undeclared, a target group requests / and a classic ELB only opens a TCP "
                    "connection, as Checkov CKV2_AWS_15 also fails); two or more subnets (AZs) survive an AZ outage.",
        remediation="Set healthCheckType=ELB when targetGroupArns is set, and at least 2 vpcZoneIdentifiers.",
        sources=("FSBP AutoScaling.1", "FSBP AutoScaling.2", "CKV2_AWS_15", "AwsSolutions-AS2"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="ASG-03", title="Auto Scaling groups tag the instances they launch", severity=Severity.LOW,
        resource_types=_TYPES, check=tags_propagate, enforcement=Enforcement.ADVISORY,
        description="The group needs tags, at least one with propagateAtLaunch=true, so the instances (and their "
                    "cost) can be attributed: the AWS provider's defaultTags do not apply to Auto Scaling groups. "
                    "Checkov CKV_AWS_153 accepts tags that do not propagate.",
        remediation="Set tags=[{key: 'Service', value: name, propagateAtLaunch: True}, ...].",
        sources=("CKV_AWS_153",),
    ),
)

"""Names unique per account and region must carry the stack: two stacks in one account otherwise collide
(APL-NAME-01). Judged only where a program sets the name itself (auto-names get a random suffix)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from policies._helpers import get
from policies.apply._rule import rule, stack_of
from policies.core import Subject

ACCOUNT_UNIQUE = {  # type -> the property holding its account-and-region-unique name
    "aws:cloudwatch/logGroup:LogGroup": "name",
    "aws:cloudwatch/logDeliverySource:LogDeliverySource": "name",
    "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination": "name",
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": "name",
    "aws:cloudwatch/dashboard:Dashboard": "dashboardName",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "name",
    "aws:sqs/queue:Queue": "name",
    "aws:sns/topic:Topic": "name",
    "aws:iam/role:Role": "name",
    "aws:grafana/workspace:Workspace": "name",
    "aws:ec2/managedPrefixList:ManagedPrefixList": "name",
    "aws:elasticache/replicationGroup:ReplicationGroup": "replicationGroupId",
    "aws:rds/instance:Instance": "identifier",
}
SERVICE_FIXED_NAMES = frozenset({"dms-vpc-role", "dms-cloudwatch-logs-role", "dms-access-for-endpoint"})
"""Roles a service looks up by this exact name, once per account: AWS DMS requires `dms-vpc-role` (and uses the other
two) before it can create a replication instance (DMS User Guide, "Creating the IAM roles to use with AWS DMS").
A second stack must not create them again (the migration component's createDmsVpcRole: false)."""


def stack_scoped(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    if not cfg.get("sharedAccount", True):
        return
    prop = ACCOUNT_UNIQUE[subject.type]
    name = get(subject.props, prop)
    stack = stack_of(subject)
    if isinstance(name, str) and name in SERVICE_FIXED_NAMES and subject.type == "aws:iam/role:Role":
        return
    if isinstance(name, str) and name and stack and stack.lower() not in name.lower():
        yield f"{prop} {name!r} does not include the stack name {stack!r}: a second stack in the account collides"


CONTROLS = (
    rule("APL-NAME-01", "Account-unique names include the stack", tuple(ACCOUNT_UNIQUE), stack_scoped,
         description="Log groups, log deliveries, Firehose streams, dashboards, alarms, queues, topics, roles, "
                     "Grafana workspaces, prefix lists, cache and database ids are unique per account and region; a "
                     "fixed name makes the second stack's `pulumi up` fail with AlreadyExists.",
         remediation="Build the name from pulumi.get_stack() (or leave it to auto-naming). Where every stack has an "
                     "account of its own, set the rule's sharedAccount to false.",
         config_defaults={"sharedAccount": True},
         sources=("https://www.pulumi.com/docs/iac/concepts/resources/names/#autonaming",)),
)

"""SQS queues: encryption, dead-letter queues, TLS-only least-privilege queue policies (SQS-01..03)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from policies._helpers import (
    actions,
    denies_insecure_transport,
    each,
    explicitly_false,
    get,
    is_allow,
    of_type,
    plain,
    policy_statements,
    publicly_allowed,
    to_int,
)
from policies.core import Control, Severity, Subject

QUEUE = "aws:sqs/queue:Queue"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
REDRIVE_POLICY = "aws:sqs/redrivePolicy:RedrivePolicy"
REDRIVE_ALLOW_POLICY = "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy"


# SQS encrypts every queue created since October 2022 with SSE-SQS unless told otherwise ("SSE enabled by default
# for all newly created queues", docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/
# sqs-configure-sse-existing-queue.html), and pulumi-aws, like the Terraform provider it bridges, sends
# sqsManagedSseEnabled on create only when it is set (hashicorp/terraform-provider-aws#26843, #27335): unset is the
# service default, on. Only an explicit false without a KMS key stores messages unencrypted. The live audit reads the
# queue's actual SqsManagedSseEnabled attribute (false on an old unencrypted queue).
def encrypted(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if get(subject.props, "kmsMasterKeyId"):
        return
    if explicitly_false(get(subject.props, "sqsManagedSseEnabled")):
        yield "sqsManagedSseEnabled is false and no kmsMasterKeyId is set: messages are stored unencrypted"


def _redrive(value: Any) -> Mapping[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return {}
    value = plain(value)
    return value if isinstance(value, Mapping) else {}


def _points_at(source: Subject, prop: str, target: Subject) -> bool:
    return target.urn in source.property_dependencies.get(prop, ())


def dead_letter_queues(subjects: Sequence[Subject], cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    maximum = int(cfg.get("maxReceiveCount", 10))
    queues = of_type(subjects, QUEUE)
    redrive_resources = of_type(subjects, REDRIVE_POLICY)
    allow_resources = of_type(subjects, REDRIVE_ALLOW_POLICY)

    def is_dead_letter_queue(queue: Subject) -> bool:
        if get(queue.props, "redriveAllowPolicy"):
            return True
        if any(_points_at(r, "queueUrl", queue) for r in allow_resources):
            return True
        return any(_points_at(q, "redrivePolicy", queue) for q in queues if q is not queue) or \
            any(_points_at(r, "redrivePolicy", queue) for r in redrive_resources)

    def check(queue: Subject) -> Iterator[str]:
        policies = [get(queue.props, "redrivePolicy")]
        policies += [get(r.props, "redrivePolicy") for r in redrive_resources if _points_at(r, "queueUrl", queue)]
        parsed = [p for p in (_redrive(v) for v in policies) if p is not None]
        if not parsed:
            if not is_dead_letter_queue(queue):
                yield "has no redrivePolicy (no dead-letter queue)"
            return
        for policy in parsed:
            if not policy.get("deadLetterTargetArn"):
                yield "redrivePolicy has no deadLetterTargetArn"
            count = to_int(policy.get("maxReceiveCount"))
            if count is None or count < 1 or count > maximum:
                yield f"redrivePolicy maxReceiveCount is {count}; use 1..{maximum}"

    yield from each(subjects, [QUEUE], check)


def tls_least_privilege_policy(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    document = get(subject.props, "policy")
    if document is None:
        return  # a queue without an inline policy; its QueuePolicy resource is checked on its own
    try:
        statements = policy_statements(document)
    except ValueError as error:
        yield str(error)
        return
    if not denies_insecure_transport(statements, "sqs"):
        yield "policy does not deny sqs:* when aws:SecureTransport is false"
    for statement in statements:
        if not is_allow(statement):
            continue
        if publicly_allowed(statement):
            yield ("policy allows a public principal ('*' or arn:aws:iam::*:...) without a condition restricting it "
                   "(aws:SourceArn, aws:SourceAccount, aws:PrincipalArn, aws:SourceVpce...)")
        if {"sqs:*", "*"} & set(actions(statement)):
            yield "policy allows sqs:* (grant only the actions needed)"


CONTROLS = (
    Control(
        id="SQS-01", title="SQS queues are encrypted", severity=Severity.MEDIUM, resource_types=(QUEUE,),
        check=encrypted,
        description="Messages are encrypted at rest with SQS-managed SSE or a KMS key. SQS turns SSE-SQS on for every "
                    "new queue unless sqsManagedSseEnabled is false, so a queue that sets neither passes; one with "
                    "sqsManagedSseEnabled=false and no kmsMasterKeyId fails. Checkov CKV_AWS_27 fails a queue that "
                    "sets neither (the default predates October 2022), and CKV2_AWS_73 fails the AWS managed key "
                    "alias/aws/sqs, which is encryption at rest here (a customer managed key is a key-policy choice).",
        remediation="Leave sqsManagedSseEnabled unset or true, or set kmsMasterKeyId.",
        sources=("FSBP SQS.1", "CKV_AWS_27", "CKV2_AWS_73", "AwsSolutions-SQS2"),
    ),
    Control(
        id="SQS-02", title="SQS queues have a dead-letter queue", severity=Severity.MEDIUM,
        resource_types=(QUEUE, REDRIVE_POLICY, REDRIVE_ALLOW_POLICY), check=dead_letter_queues, stack=True,
        config_defaults={"maxReceiveCount": 10},
        description="Every queue redrives poison messages to a DLQ after at most maxReceiveCount receives, unless it "
                    "is itself a DLQ (another queue's redrivePolicy depends on it, or it has a redriveAllowPolicy).",
        remediation="Set redrivePolicy={deadLetterTargetArn: dlq.arn, maxReceiveCount: 5}.",
        sources=("AwsSolutions-SQS3",),
    ),
    Control(
        id="SQS-03", title="SQS policies require TLS and least privilege", severity=Severity.HIGH,
        resource_types=(QUEUE, QUEUE_POLICY), check=tls_least_privilege_policy,
        description="A queue policy (QueuePolicy or Queue.policy) denies non-TLS access, never allows a public "
                    "principal ('*', or an ARN with a wildcard account such as arn:aws:iam::*:role/x) without a "
                    "condition pinning the source or principal, and never allows sqs:*.",
        remediation="Add a Deny on aws:SecureTransport=false; name principals and only the actions needed.",
        sources=("CKV_AWS_168", "CKV_AWS_72", "CKV_AWS_387", "AwsSolutions-SQS4"),
    ),
)

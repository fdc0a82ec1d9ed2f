"""SQS queues: encryption, dead-letter queues, TLS-only least-privilege queue policies (SQS-01..03)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from policies._helpers import (
    actions,
    denies_insecure_transport,
    each,
    get,
    is_allow,
    of_type,
    plain,
    policy_statements,
    publicly_allowed,
    to_int,
    truthy,
)
from policies.core import Control, Severity, Subject

QUEUE = "aws:sqs/queue:Queue"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
REDRIVE_POLICY = "aws:sqs/redrivePolicy:RedrivePolicy"
REDRIVE_ALLOW_POLICY = "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy"


def encrypted(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if not truthy(get(subject.props, "sqsManagedSseEnabled")) and not get(subject.props, "kmsMasterKeyId"):
        yield "neither sqsManagedSseEnabled nor kmsMasterKeyId is set"


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
        description="Messages are encrypted at rest with SQS-managed SSE or a KMS key. Checkov CKV2_AWS_73 asks for "
                    "a customer managed key: it fails a queue on SQS-managed SSE, which passes here, and passes a "
                    "queue that sets neither, which fails here.",
        remediation="Set sqsManagedSseEnabled=true or kmsMasterKeyId.",
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

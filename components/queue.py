"""Queue (phase 4): one SQS queue per asynchronous workload, with its dead-letter queue and least-privilege roles.

Fixed in code: server-side encryption (SSE-SQS), a TLS-only queue policy on both queues, a redrive policy to the
DLQ, 14 days of retention on the DLQ, long polling, and FIFO with content-based deduplication for strongly
consistent workloads. The producer and consumer roles name only this queue's ARN and only the actions they need.
"""

from __future__ import annotations

import json
from typing import Any, Literal

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field

DLQ_RETENTION_SECONDS = 14 * 24 * 3600
"""Failed messages stay in the DLQ for the maximum 14 days, so nobody loses one over a long weekend."""
RECEIVE_WAIT_SECONDS = 20
"""Long polling: fewer empty receives (cost) and lower latency than short polling."""

PRODUCER_ACTIONS = ("sqs:SendMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes")
CONSUMER_ACTIONS = ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
                    "sqs:GetQueueAttributes", "sqs:GetQueueUrl")
DLQ_CONSUMER_ACTIONS = ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl")
"""The consumer may drain (inspect and delete) its own DLQ, nothing else."""


class QueueArgs(BaseModel):
    """What varies per workload."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    consistency: Literal["strong", "eventual"] = Field(
        "eventual", description="strong → FIFO queue with content-based deduplication. Defaults to eventual.")
    visibility_timeout_seconds: int = Field(60, ge=0, le=43_200, description="Defaults to 60.")
    retention_days: int = Field(4, ge=1, le=14, description="Message retention in days. Defaults to 4.")
    max_receive_count: int = Field(5, ge=1, le=100, description="Receives before a message moves to the DLQ. "
                                                                "Defaults to 5.")
    trusted_principal_arns: list[Any] | None = Field(
        None, description="IAM principals allowed to assume the producer and consumer roles. Defaults to the "
                          "account itself (its IAM policies decide who).")
    trusted_role_arns: list[Any] = Field(
        default_factory=list, description="Only these roles (of this account) may assume the producer and consumer "
                                          "roles: the account is the principal and `aws:PrincipalArn` must be one "
                                          "of them, so a role created later in the same update can be named. "
                                          "Defaults to none (trusted_principal_arns decides).")

    @property
    def fifo(self) -> bool:
        return self.consistency == "strong"


def queue_name(name: str, *, fifo: bool, dead_letter: bool = False) -> str:
    """Physical queue names: FIFO queues must end in `.fifo`; a DLQ has the type of its source queue."""
    base = f"{name}-dlq" if dead_letter else name
    return f"{base}.fifo" if fifo else base


def producer_policy(queue_arn: str) -> str:
    """Send to this queue only."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "SendToQueue", "Effect": "Allow", "Action": list(PRODUCER_ACTIONS), "Resource": queue_arn},
    ]})


def consumer_policy(queue_arn: str, dlq_arn: str) -> str:
    """Receive and delete from this queue; drain its DLQ."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "ConsumeQueue", "Effect": "Allow", "Action": list(CONSUMER_ACTIONS), "Resource": queue_arn},
        {"Sid": "DrainDeadLetterQueue", "Effect": "Allow", "Action": list(DLQ_CONSUMER_ACTIONS), "Resource": dlq_arn},
    ]})


def tls_only_queue_policy(queue_arn: str) -> str:
    """Deny every request to the queue that does not use TLS (SQS-03)."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sqs:*",
        "Resource": queue_arn, "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }]})


def assume_role_policy(principal_arns: list[str], role_arns: list[str] | None = None) -> str:
    """Trust the principals; with `role_arns`, only those roles of the account (IAM validates a Principal at
    write time, a condition value it does not: the roles may be created in the same update)."""
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": {"AWS": principal_arns}, "Action": "sts:AssumeRole"}
    if role_arns:
        statement["Condition"] = {"ArnEquals": {"aws:PrincipalArn": sorted(set(role_arns))}}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


class Queue(pulumi.ComponentResource):
    """An SQS queue and its DLQ, TLS-only policies, and producer/consumer roles scoped to this queue."""

    queue: aws.sqs.Queue
    dead_letter_queue: aws.sqs.Queue
    producer_role: aws.iam.Role
    consumer_role: aws.iam.Role

    def __init__(self, name: str, args: QueueArgs | None = None, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sme-rollout:queue:Queue", name, {}, opts)
        self._name = name
        self._physical = f"{pulumi.get_stack()}-{name}"[:70]
        self.args = args or QueueArgs()

        self.dead_letter_queue = self._create_dead_letter_queue()
        self.queue = self._create_queue()
        self._create_tls_policy("policy", self.queue)
        self._create_tls_policy("dlq-policy", self.dead_letter_queue)
        trusted = self._trusted_principals()
        self.producer_role = self._create_role("producer", trusted, self.queue.arn.apply(producer_policy))
        self.consumer_role = self._create_role(
            "consumer", trusted, pulumi.Output.all(self.queue.arn, self.dead_letter_queue.arn)
            .apply(lambda arns: consumer_policy(arns[0], arns[1])))

        self.fifo = self.args.fifo
        self.queue_url = self.queue.url
        self.queue_arn = self.queue.arn
        self.queue_name = self.queue.name
        self.dead_letter_queue_name = self.dead_letter_queue.name
        self.register_outputs({
            "queueUrl": self.queue.url, "queueArn": self.queue.arn, "deadLetterQueueArn": self.dead_letter_queue.arn,
            "producerRoleArn": self.producer_role.arn, "consumerRoleArn": self.consumer_role.arn,
        })

    def _child(self, **extra: Any) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, **extra)

    def _fifo_settings(self) -> dict[str, Any]:
        if not self.args.fifo:
            return {}
        return {"fifo_queue": True, "content_based_deduplication": True, "deduplication_scope": "messageGroup",
                "fifo_throughput_limit": "perMessageGroupId"}

    def _create_dead_letter_queue(self) -> aws.sqs.Queue:
        return aws.sqs.Queue(
            f"{self._name}-dlq",
            name=queue_name(self._physical, fifo=self.args.fifo, dead_letter=True),
            sqs_managed_sse_enabled=True,
            message_retention_seconds=DLQ_RETENTION_SECONDS,
            receive_wait_time_seconds=RECEIVE_WAIT_SECONDS,
            **self._fifo_settings(),
            opts=self._child(),
        )

    def _create_queue(self) -> aws.sqs.Queue:
        redrive = self.dead_letter_queue.arn.apply(lambda arn: json.dumps(
            {"deadLetterTargetArn": arn, "maxReceiveCount": self.args.max_receive_count}))
        return aws.sqs.Queue(
            self._name,
            name=queue_name(self._physical, fifo=self.args.fifo),
            sqs_managed_sse_enabled=True,
            visibility_timeout_seconds=self.args.visibility_timeout_seconds,
            message_retention_seconds=self.args.retention_days * 24 * 3600,
            receive_wait_time_seconds=RECEIVE_WAIT_SECONDS,
            redrive_policy=redrive,
            **self._fifo_settings(),
            opts=self._child(),
        )

    def _create_tls_policy(self, suffix: str, queue: aws.sqs.Queue) -> aws.sqs.QueuePolicy:
        return aws.sqs.QueuePolicy(f"{self._name}-{suffix}", queue_url=queue.url,
                                   policy=queue.arn.apply(tls_only_queue_policy), opts=self._child())

    def _trusted_principals(self) -> pulumi.Output[list[str]]:
        if self.args.trusted_principal_arns:
            return pulumi.Output.all(*self.args.trusted_principal_arns)
        identity = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self))
        return identity.account_id.apply(lambda account: [f"arn:aws:iam::{account}:root"])

    def _create_role(self, kind: str, trusted: pulumi.Output[list[str]], policy: pulumi.Output[str]) -> aws.iam.Role:
        document = pulumi.Output.all(trusted, pulumi.Output.all(*self.args.trusted_role_arns)).apply(
            lambda v: assume_role_policy(list(v[0]), list(v[1])))
        role = aws.iam.Role(f"{self._name}-{kind}", assume_role_policy=document,
                            description=f"{kind.capitalize()} of the {self._name} queue (this queue only).",
                            max_session_duration=3600, opts=self._child())
        aws.iam.RolePolicy(f"{self._name}-{kind}", role=role.id, policy=policy, opts=self._child())
        return role

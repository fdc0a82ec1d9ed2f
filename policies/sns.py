"""SNS topics: encrypted with KMS, topic policies not public (SNS-01..02). Policies are JSON strings, on the topic
(`policy`) or on a separate aws.sns.TopicPolicy."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from policies._helpers import get, policy_statements, publicly_allowed
from policies.core import Control, Severity, Subject

TOPIC = "aws:sns/topic:Topic"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"


def encrypted(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if not get(subject.props, "kmsMasterKeyId"):
        yield "kmsMasterKeyId is not set (messages are stored unencrypted)"


def not_public(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    document = get(subject.props, "policy")
    if document is None:
        return  # the default topic policy allows the owner account only
    try:
        statements = policy_statements(document)
    except ValueError as error:
        yield f"policy: {error}"
        return
    for index, statement in enumerate(statements):
        if publicly_allowed(statement):
            yield (f"policy statement {statement.get('Sid', index)} allows a public principal without a condition "
                   "restricting it (aws:SourceArn, aws:SourceAccount, aws:PrincipalOrgID...)")


CONTROLS = (
    Control(
        id="SNS-01", title="SNS topics are encrypted", severity=Severity.HIGH, resource_types=(TOPIC,),
        check=encrypted,
        description="Alert and event topics carry order and incident details; encrypt them with a KMS key.",
        remediation="Set kms_master_key_id to a customer managed key (or alias/aws/sns).",
        sources=("FSBP SNS.1", "CKV_AWS_26", "AwsSolutions-SNS2"),
    ),
    Control(
        id="SNS-02", title="SNS topic policies are not public", severity=Severity.HIGH,
        resource_types=(TOPIC, TOPIC_POLICY), check=not_public,
        description="A topic policy (Topic.policy or aws.sns.TopicPolicy) must not allow '*' or a wildcard-account "
                    "ARN without a restricting condition: anyone could publish fake alerts or subscribe to orders. "
                    "Checkov CKV_AWS_169 accepts any condition; CKV_AWS_385 (cross-account principals without "
                    "conditions) is not judged here: naming an account is how a topic is shared on purpose.",
        remediation="Name the publishing service with an aws:SourceArn/aws:SourceAccount condition, or the account.",
        sources=("CKV_AWS_169", "AwsSolutions-SNS3"),
    ),
)

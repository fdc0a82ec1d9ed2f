"""SNS topics: encrypted with KMS, topic policies not public, other accounts only under a condition (SNS-01..03).
Policies are JSON strings, on the topic (`policy`) or on a separate aws.sns.TopicPolicy."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from policies._helpers import as_list, get, is_allow, policy_statements, publicly_allowed, resources
from policies.core import Control, Enforcement, Severity, Subject

TOPIC = "aws:sns/topic:Topic"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"


def encrypted(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if not get(subject.props, "kmsMasterKeyId"):
        yield "kmsMasterKeyId is not set (messages are stored unencrypted)"


def _statements(subject: Subject) -> tuple[list[Any], str | None]:
    """The topic policy's statements (none without a policy: the default allows the owner account only), or the
    reason the policy cannot be read."""
    document = get(subject.props, "policy")
    if document is None:
        return [], None
    try:
        return list(policy_statements(document)), None
    except ValueError as error:
        return [], f"policy: {error}"


def not_public(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    statements, problem = _statements(subject)
    if problem:
        yield problem
    for index, statement in enumerate(statements):
        if publicly_allowed(statement):
            yield (f"policy statement {statement.get('Sid', index)} allows a public principal without a condition "
                   "restricting it (aws:SourceArn, aws:SourceAccount, aws:PrincipalOrgID...)")


_IAM_ACCOUNT = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):")
_TOPIC_ACCOUNT = re.compile(r"^arn:aws[a-z-]*:sns:[^:]*:(\d{12}):")


def no_unconditioned_accounts(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    statements, problem = _statements(subject)
    if problem:
        yield problem
    for index, statement in enumerate(statements):
        principal = statement.get("Principal")
        if not is_allow(statement) or statement.get("Condition") or not isinstance(principal, Mapping):
            continue
        accounts = {m.group(1) for p in as_list(principal.get("AWS")) if (m := _IAM_ACCOUNT.match(str(p)))}
        own = {m.group(1) for r in resources(statement) if (m := _TOPIC_ACCOUNT.match(str(r)))}
        others = sorted(accounts - own)  # a principal of the topic's own account (its ARN says so) is no sharing
        if others:
            yield (f"policy statement {statement.get('Sid', index)} allows account(s) {', '.join(others)} without a "
                   "condition (every principal there that is allowed SNS actions can publish or subscribe)")


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
                    "Checkov CKV_AWS_169 accepts any condition. Named other accounts are SNS-03.",
        remediation="Name the publishing service with an aws:SourceArn/aws:SourceAccount condition, or the account.",
        sources=("CKV_AWS_169", "AwsSolutions-SNS3"),
    ),
    Control(
        id="SNS-03", title="Topic policies share with other accounts only under a condition", severity=Severity.MEDIUM,
        resource_types=(TOPIC, TOPIC_POLICY), check=no_unconditioned_accounts,
        description="An Allow to an IAM principal of another account (arn:aws:iam::<account>:...) needs a condition "
                    "(aws:SourceArn, aws:PrincipalOrgID, sns:Protocol...): unconditioned, that account can publish "
                    "fake alerts or subscribe to the topic's messages. A principal in the account that the "
                    "statement's topic ARN names is not sharing and passes (Checkov CKV_AWS_385 fails every IAM ARN "
                    "principal without a condition). Advisory: sharing a topic with a partner account is done on "
                    "purpose; waive it with the reason.",
        remediation="Add a condition to the statement (aws:PrincipalOrgID, aws:SourceArn), or name a role instead of "
                    "the account and limit the actions.",
        sources=("CKV_AWS_385",),
        enforcement=Enforcement.ADVISORY,
    ),
)

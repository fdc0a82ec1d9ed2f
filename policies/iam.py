"""IAM: no admin wildcards, no service wildcards, no Resource '*' on dangerous actions, safe trust policies, no
broad AWS managed policies, one way of attaching policies per role (IAM-01..06). Policies are JSON strings."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from policies._helpers import (
    actions,
    as_list,
    each,
    get,
    is_allow,
    items,
    of_type,
    policy_statements,
    principal_is_public,
    refers_to,
    resources,
)
from policies.core import Control, Enforcement, Severity, Subject

POLICY = "aws:iam/policy:Policy"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ROLE = "aws:iam/role:Role"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
_READ_VERBS = ("get", "list", "describe", "head", "batchget", "query", "scan", "search", "lookup", "view", "select")
DEFAULT_WILDCARD_RESOURCE_ACTIONS = [
    "cloudwatch:PutMetricData", "xray:PutTraceSegments", "xray:PutTelemetryRecords",
    "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel", "ec2messages:GetMessages", "ec2messages:AcknowledgeMessage",
    "ec2messages:SendReply", "ec2messages:DeleteMessage", "ec2messages:FailMessage",
]
BROAD_MANAGED = ("AdministratorAccess", "IAMFullAccess", "PowerUserAccess")
_MANAGED_ARN = re.compile(r"^arn:aws[a-z-]*:iam::aws:policy/(?:.*/)?(?P<name>[^/]+)$")


def documents(subject: Subject) -> list[tuple[str, Any]]:
    """(where, document) for every permissions policy a resource carries."""
    if subject.type == ROLE:
        return [(f"inlinePolicies[{get(p, 'name', default=i)}]", get(p, "policy"))
                for i, p in enumerate(items(get(subject.props, "inlinePolicies")))]
    return [("policy", get(subject.props, "policy"))]


def _allow_statements(subject: Subject) -> Iterator[tuple[str, Mapping[str, Any] | str]]:
    """(where, statement) for Allow statements; (where, error text) for a document that is not JSON."""
    for where, document in documents(subject):
        try:
            statements = policy_statements(document)
        except ValueError as error:
            yield where, str(error)
            continue
        for statement in statements:
            if is_allow(statement):
                yield where, statement


def no_admin(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    for where, statement in _allow_statements(subject):
        if isinstance(statement, str):
            yield f"{where}: {statement}"
        elif "*" in actions(statement) and "*" in resources(statement):
            yield f"{where} allows Action '*' on Resource '*' (full admin)"


def no_service_wildcards(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    allowed = set(cfg.get("allowedServiceWildcards") or ())
    for where, statement in _allow_statements(subject):
        if isinstance(statement, str):
            continue
        for action in actions(statement):
            if action.endswith(":*") and action not in allowed:
                yield f"{where} allows {action}; list the actions needed"


def is_read_only(action: str) -> bool:
    verb = action.split(":", 1)[-1].lower()
    return verb.startswith(_READ_VERBS) and not verb.startswith("getsecretvalue")


def no_wildcard_resource_writes(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    allowed = set(cfg.get("allowedActions") or DEFAULT_WILDCARD_RESOURCE_ACTIONS)
    for where, statement in _allow_statements(subject):
        if isinstance(statement, str) or "*" not in resources(statement):
            continue
        risky = [a for a in actions(statement) if a != "*" and a not in allowed and not is_read_only(a)]
        if risky:
            yield f"{where} allows {', '.join(sorted(risky))} on Resource '*'; scope them to ARNs"


def _is_web_identity(statement: Mapping[str, Any]) -> bool:
    federated = (
        statement.get("Principal", {}).get("Federated") if isinstance(statement.get("Principal"), Mapping) else None
    )
    return "sts:AssumeRoleWithWebIdentity" in actions(statement) or any("oidc" in str(f) for f in as_list(federated))


def safe_trust(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    try:
        statements = policy_statements(get(subject.props, "assumeRolePolicy"))
    except ValueError as error:
        yield f"assumeRolePolicy: {error}"
        return
    for statement in statements:
        if not is_allow(statement):
            continue
        if principal_is_public(statement.get("Principal")):
            yield "assumeRolePolicy trusts Principal '*' (anyone can assume the role)"
        if _is_web_identity(statement):
            keys = [key.lower() for block in (statement.get("Condition") or {}).values()
                    if isinstance(block, Mapping) for key in block]
            if not any(k.endswith(":aud") for k in keys) or not any(k.endswith(":sub") for k in keys):
                yield "OIDC trust without both :aud and :sub conditions (any repository or workload could assume it)"


def managed_policy_arns(subject: Subject) -> list[str]:
    if subject.type == ROLE:
        return [str(a) for a in items(get(subject.props, "managedPolicyArns"))]
    return [str(get(subject.props, "policyArn", default=""))]


def no_broad_managed(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    for arn in managed_policy_arns(subject):
        match = _MANAGED_ARN.match(arn)
        if not match:
            continue
        if match["name"] in BROAD_MANAGED:
            yield f"attaches {match['name']}"
        elif cfg.get("flagAllAwsManaged"):
            yield f"attaches the AWS managed policy {match['name']} (policy config flagAllAwsManaged)"


def no_mixed_attachment(subjects: Sequence[Subject], _cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    separate = of_type(subjects, ROLE_POLICY, ATTACHMENT)

    def check(role: Subject) -> Iterator[str]:
        exclusive = [p for p in ("managedPolicyArns", "inlinePolicies") if items(get(role.props, p))]
        if not exclusive:
            return
        attached = [s.name for s in separate if refers_to(s, "role", role, "name")]
        if attached:
            yield f"sets {' and '.join(exclusive)} and also has {', '.join(sorted(attached))}; they fight each other"

    yield from each(subjects, [ROLE], check)


_POLICY_TYPES = (POLICY, ROLE_POLICY, ROLE)
_ATTACH_TYPES = (ATTACHMENT, ROLE)
CONTROLS = (
    Control(
        id="IAM-01", title="No IAM policy grants full admin", severity=Severity.CRITICAL, resource_types=_POLICY_TYPES,
        check=no_admin,
        description="No Allow statement may have Action '*' with Resource '*' (Policy, RolePolicy, "
                    "Role.inlinePolicies).",
        remediation="Grant the specific actions on the specific resources the workload needs.",
        sources=("FSBP IAM.1", "CIS 1.15", "CKV_AWS_62", "CKV_AWS_1", "CKV2_AWS_40", "AwsSolutions-IAM5"),
    ),
    Control(
        id="IAM-02", title="No service-wide IAM wildcards", severity=Severity.MEDIUM, resource_types=_POLICY_TYPES,
        check=no_service_wildcards, config_defaults={"allowedServiceWildcards": []},
        description="Actions like sqs:* or s3:* grant far more than any workload needs (config allowlist).",
        remediation="List the actions explicitly (e.g. sqs:SendMessage).",
        sources=("FSBP IAM.21", "CKV_AWS_63", "CKV_AWS_49", "AwsSolutions-IAM5"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="IAM-03", title="No write or privilege actions on Resource '*'", severity=Severity.HIGH,
        resource_types=_POLICY_TYPES, check=no_wildcard_resource_writes,
        config_defaults={"allowedActions": DEFAULT_WILDCARD_RESOURCE_ACTIONS},
        description="Write, permissions-management and privilege-escalation actions (iam:PassRole, iam:*Policy*) "
                    "and kms:Decrypt/ReEncrypt* must name resources; read-only verbs (Get/List/Describe...) and the "
                    "configured actions that only support '*' are accepted.",
        remediation="Replace Resource '*' with the ARNs the actions apply to.",
        sources=("FSBP KMS.1", "FSBP KMS.2", "CKV_AWS_286-290", "CKV_AWS_355", "CKV_AWS_356", "AwsSolutions-IAM5"),
    ),
    Control(
        id="IAM-04", title="Role trust policies are not open", severity=Severity.HIGH, resource_types=(ROLE,),
        check=safe_trust,
        description="assumeRolePolicy must not trust '*'; OIDC (web identity) trust needs aud and sub conditions.",
        remediation="Name the trusted service or account; add token.actions...:aud and :sub conditions for OIDC.",
        sources=("CKV_AWS_60", "CKV_AWS_61", "CKV_AWS_358", "CKV_AWS_393"),
    ),
    Control(
        id="IAM-05", title="No broad AWS managed policies", severity=Severity.HIGH, resource_types=_ATTACH_TYPES,
        check=no_broad_managed, config_defaults={"flagAllAwsManaged": False},
        description="AdministratorAccess, IAMFullAccess and PowerUserAccess are never least privilege; config "
                    "flagAllAwsManaged also reports any other arn:aws:iam::aws:policy/* (the row's advisory part).",
        remediation="Write a customer managed policy with the actions needed.",
        sources=("CIS 1.15", "CKV_AWS_274", "CKV2_AWS_56", "AwsSolutions-IAM4"),
    ),
    Control(
        id="IAM-06", title="Roles attach policies one way only", severity=Severity.LOW,
        resource_types=(ROLE, ROLE_POLICY, ATTACHMENT), check=no_mixed_attachment, stack=True,
        description="A role whose managedPolicyArns/inlinePolicies are set exclusively fights with separate "
                    "RolePolicy/RolePolicyAttachment resources (joined through their `role` input).",
        remediation="Use only RolePolicy and RolePolicyAttachment resources (v7 deprecates the role properties).",
        sources=("awsguard iam-role-no-policy-management-conflicts",),
        enforcement=Enforcement.ADVISORY,
    ),
)

"""IAM: no admin wildcards, no service wildcards, no Resource '*' on dangerous actions, safe trust policies, no
broad AWS managed policies, one way of attaching policies per role (IAM-01..06). Policies are JSON strings."""

from __future__ import annotations

import fnmatch
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
USER_POLICY = "aws:iam/userPolicy:UserPolicy"
GROUP_POLICY = "aws:iam/groupPolicy:GroupPolicy"
PERMISSION_SET_POLICY = "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy"
POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment"
USER_ATTACHMENT = "aws:iam/userPolicyAttachment:UserPolicyAttachment"
GROUP_ATTACHMENT = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment"
SSO_MANAGED_ATTACHMENT = "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment"
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
    if subject.type == PERMISSION_SET_POLICY:
        return [("inlinePolicy", get(subject.props, "inlinePolicy"))]
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
        elif "*" in actions(statement):
            scope = (
                "Resource '*' (full admin)"
                if "*" in resources(statement)
                else f"{', '.join(resources(statement)) or 'its resources'}"
            )
            yield f"{where} allows Action '*' on {scope}"
        elif statement.get("NotAction") is not None and "*" in resources(statement):
            yield (f"{where} allows every action but {', '.join(map(str, as_list(statement['NotAction'])))} on "
                   "Resource '*'")


def no_service_wildcards(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    allowed = set(cfg.get("allowedServiceWildcards") or ())
    for where, statement in _allow_statements(subject):
        if isinstance(statement, str):
            continue
        for action in actions(statement):
            if action == "*" and action not in allowed:
                yield f"{where} allows Action '*' (every action of every service)"
            elif action.endswith(":*") and action not in allowed:
                yield f"{where} allows {action}; list the actions needed"


def is_read_only(action: str) -> bool:
    verb = action.split(":", 1)[-1].lower()
    return verb.startswith(_READ_VERBS) and not verb.startswith("getsecretvalue")


def _wildcard_read(action: str) -> bool:
    """A read-only verb given as a pattern (ec2:Describe*, s3:List*): it grants every read the pattern matches, now
    and as the service adds actions, and some of those take resource-level permissions. AWS's Service Authorization
    Reference for Amazon EC2 lists 17 Describe* actions with a required resource type (DescribeInstanceAttribute on
    instance*, DescribeSnapshotAttribute on snapshot*, DescribeVolumeAttribute on volume*, DescribeVpcAttribute on
    vpc*...); cloudsplaining, which Checkov CKV_AWS_355 runs, expands the pattern the same way. A single named read
    (ec2:DescribeInstances) stays accepted: most take no resource."""
    verb = action.split(":", 1)[-1]
    return "*" in verb and verb != "*" and is_read_only(action)


def no_wildcard_resource_writes(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    allowed = set(cfg.get("allowedActions") or DEFAULT_WILDCARD_RESOURCE_ACTIONS)
    for where, statement in _allow_statements(subject):
        if isinstance(statement, str) or "*" not in resources(statement):
            continue
        granted = [a for a in actions(statement) if a not in allowed]
        risky = [a for a in granted if not is_read_only(a)]
        if risky:
            yield f"{where} allows {', '.join(sorted(risky))} on Resource '*'; scope them to ARNs"
        patterns = [a for a in granted if _wildcard_read(a)]
        if patterns:
            yield (f"{where} allows {', '.join(sorted(patterns))} on Resource '*': a wildcard grants every read it "
                   "matches, including reads that take resource ARNs; list the actions needed or name the resources")


_ACCOUNT_PRINCIPAL = re.compile(r"^(?:\d{12}|arn:aws[a-z-]*:iam::\d{12}:root)$")
# Condition keys that narrow an account-wide trust to named principals or to a third party's external id.
_NARROWING_KEYS = ("aws:principalarn", "sts:externalid", "aws:sourcearn", "aws:sourceaccount")
# Claims that do not pin a repository when a `sub` starts with them (any repository's workflow can present e.g.
# `environment:prod`); the same list Checkov's CKV_AWS_358/393 use (checkov/common/util/oidc_utils.py @03d5fda).
_ABUSABLE_CLAIMS = ("workflow", "environment", "ref", "context", "head_ref", "base_ref")
_REPO_VALUE = re.compile(r"^[A-Za-z0-9_.${}-]+/[^/]+")


def _federated(statement: Mapping[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    return [str(f) for f in as_list(principal.get("Federated"))] if isinstance(principal, Mapping) else []


# Reads that hand over data or credentials wholesale when allowed on Resource '*' (cloudsplaining's data-exfiltration
# list, which Checkov CKV_AWS_288 applies).
EXFILTRATION_ACTIONS = ("s3:GetObject", "ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath",
                        "secretsmanager:GetSecretValue")


def _matches(pattern: str, action: str) -> bool:
    return fnmatch.fnmatchcase(action.lower(), pattern.lower())


def no_exfiltration_reads(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    for where, statement in _allow_statements(subject):
        if isinstance(statement, str) or "*" not in resources(statement):
            continue
        granted = sorted({a for a in EXFILTRATION_ACTIONS for p in actions(statement) if _matches(p, a)})
        if granted:
            yield f"{where} allows {', '.join(granted)} on Resource '*'; name the buckets, parameters and secrets"


def _is_web_identity(statement: Mapping[str, Any]) -> bool:
    return "sts:AssumeRoleWithWebIdentity" in actions(statement) or any("oidc" in f for f in _federated(statement))


def _conditions(statement: Mapping[str, Any]) -> list[tuple[str, list[Any]]]:
    return [(key.lower(), as_list(value)) for block in (statement.get("Condition") or {}).values()
            if isinstance(block, Mapping) for key, value in block.items()]


def _unsafe_sub(value: Any) -> str | None:
    """Why an OIDC `sub` condition value admits more than one workload, or None when it names one."""
    text = str(value)
    claim, _, rest = text.partition(":")
    if text.strip() in ("", "*") or not rest:
        return f"sub {text!r} matches any subject"
    if rest.startswith("*"):
        return f"sub {text!r} matches any {claim}"
    if claim.startswith(_ABUSABLE_CLAIMS):
        return f"sub {text!r} starts with {claim}, which any repository's workflow can claim"
    if claim == "repo" and not _REPO_VALUE.match(rest):
        return f"sub {text!r} does not name an owner/repository"
    return None


def _account_principals(statement: Mapping[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    aws = principal.get("AWS") if isinstance(principal, Mapping) else None
    return [str(p) for p in as_list(aws) if _ACCOUNT_PRINCIPAL.match(str(p))]


def safe_trust(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    try:
        statements = policy_statements(get(subject.props, "assumeRolePolicy"))
    except ValueError as error:
        yield f"assumeRolePolicy: {error}"
        return
    for statement in statements:
        if not is_allow(statement):
            continue
        conditions = _conditions(statement)
        if principal_is_public(statement.get("Principal")):
            yield "assumeRolePolicy trusts Principal '*' (anyone can assume the role)"
        if _is_web_identity(statement):
            subs = [v for key, values in conditions if key.endswith(":sub") for v in values]
            if not any(key.endswith(":aud") for key, _ in conditions) or not subs:
                yield "OIDC trust without both :aud and :sub conditions (any repository or workload could assume it)"
            for value in subs:
                reason = _unsafe_sub(value)
                if reason:
                    yield f"OIDC trust {reason}"


def no_account_trust(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    try:
        statements = policy_statements(get(subject.props, "assumeRolePolicy"))
    except ValueError as error:
        yield f"assumeRolePolicy: {error}"
        return
    for statement in statements:
        accounts = _account_principals(statement)
        if is_allow(statement) and accounts and not any(key in _NARROWING_KEYS for key, _ in _conditions(statement)):
            yield (f"assumeRolePolicy trusts the whole account {', '.join(accounts)} (any principal there allowed "
                   "sts:AssumeRole can assume it); name the role ARNs or add an aws:PrincipalArn/sts:ExternalId "
                   "condition")


def not_on_users(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if subject.type == POLICY_ATTACHMENT:
        users = items(get(subject.props, "users"))
        if users:
            yield f"attaches the policy to users {', '.join(map(str, users))}; attach it to a group or role"
        return
    yield f"gives permissions to user {get(subject.props, 'user')}; put the user in a group and grant the group"


def managed_policy_arns(subject: Subject) -> list[str]:
    if subject.type == ROLE:
        return [str(a) for a in items(get(subject.props, "managedPolicyArns"))]
    if subject.type == SSO_MANAGED_ATTACHMENT:
        return [str(get(subject.props, "managedPolicyArn", default=""))]
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


_POLICY_TYPES = (POLICY, ROLE_POLICY, ROLE, USER_POLICY, GROUP_POLICY, PERMISSION_SET_POLICY)
_ATTACH_TYPES = (ATTACHMENT, ROLE, POLICY_ATTACHMENT, USER_ATTACHMENT, GROUP_ATTACHMENT, SSO_MANAGED_ATTACHMENT)
CONTROLS = (
    Control(
        id="IAM-01", title="No IAM policy grants full admin", severity=Severity.CRITICAL, resource_types=_POLICY_TYPES,
        check=no_admin,
        description="No Allow statement may have Action '*' (on any resource: every action on it, including deleting "
                    "it and changing its policy), nor NotAction with Resource '*'. Read on Policy, RolePolicy, "
                    "UserPolicy, GroupPolicy, Role.inlinePolicies and SSO PermissionSetInlinePolicy. Checkov's "
                    "CKV_AWS_62 only fails Action '*' with Resource '*'; Action '*' on one resource is CKV_AWS_63's. "
                    "Every role is judged, so the role of a SageMaker notebook instance too (CKV2_AWS_68 asks it of "
                    "notebook roles only).",
        remediation="Grant the specific actions on the specific resources the workload needs.",
        sources=("FSBP IAM.1", "CIS 1.15", "CKV_AWS_62", "CKV_AWS_1", "CKV2_AWS_68", "AwsSolutions-IAM5"),
    ),
    Control(
        id="IAM-02", title="No service-wide IAM wildcards", severity=Severity.MEDIUM, resource_types=_POLICY_TYPES,
        check=no_service_wildcards, config_defaults={"allowedServiceWildcards": []},
        description="Actions like sqs:* or s3:*, and Action '*' itself, grant far more than any workload needs "
                    "(config allowlist).",
        remediation="List the actions explicitly (e.g. sqs:SendMessage).",
        sources=("FSBP IAM.21", "CKV_AWS_63", "CKV_AWS_49", "CKV2_AWS_40", "AwsSolutions-IAM5"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="IAM-03", title="No write or privilege actions on Resource '*'", severity=Severity.HIGH,
        resource_types=_POLICY_TYPES, check=no_wildcard_resource_writes,
        config_defaults={"allowedActions": DEFAULT_WILDCARD_RESOURCE_ACTIONS},
        description="Write, permissions-management and privilege-escalation actions (iam:PassRole, iam:*Policy*) "
                    "and kms:Decrypt/ReEncrypt* must name resources, and so must read verbs given as a wildcard "
                    "(ec2:Describe*, s3:List*): the pattern also grants reads that take resource-level permissions "
                    "(17 EC2 Describe* actions do, per the Service Authorization Reference), as Checkov CKV_AWS_355 "
                    "finds. A single named read (ec2:DescribeInstances) and the configured actions that only support "
                    "'*' (allowedActions) are accepted; CKV_AWS_355 also fails a named read that takes a resource. A "
                    "policy that is not valid JSON is IAM-01's finding, not this one's (CKV_AWS_290 fails it here).",
        remediation="Replace Resource '*' with the ARNs the actions apply to.",
        sources=("FSBP KMS.1", "FSBP KMS.2", "CKV_AWS_286", "CKV_AWS_287", "CKV_AWS_289", "CKV_AWS_290",
                 "CKV_AWS_355", "CKV_AWS_356", "AwsSolutions-IAM5"),
    ),
    Control(
        id="IAM-04", title="Role trust policies are not open", severity=Severity.HIGH, resource_types=(ROLE,),
        check=safe_trust,
        description="assumeRolePolicy must not trust '*'; OIDC (web identity) trust needs aud and sub conditions, "
                    "and a sub that names one repository (not '*', 'repo:*', 'repo:org*' or a workflow/environment/"
                    "ref claim, as CKV_AWS_358/393 judge it). Whole-account trust is IAM-07. Unlike CKV_AWS_393, "
                    "an OIDC trust without an aud condition fails even when its sub is safe.",
        remediation="Name the trusted service or role; add token.actions...:aud and a :sub of the form "
                    "repo:owner/name:ref:refs/heads/main for OIDC.",
        sources=("CKV_AWS_60", "CKV_AWS_358", "CKV_AWS_393"),
    ),
    Control(
        id="IAM-08", title="No secret or object reads on Resource '*'", severity=Severity.HIGH,
        resource_types=_POLICY_TYPES, check=no_exfiltration_reads,
        description="s3:GetObject, ssm:GetParameter(s/ByPath) and secretsmanager:GetSecretValue on Resource '*' "
                    "(directly or through wildcards such as s3:Get*, ssm:*, *) read every object, parameter and "
                    "secret of the account.",
        remediation="Scope the statement to the app's bucket prefix, parameter path and secret ARNs.",
        sources=("CKV_AWS_288",),
    ),
    Control(
        id="IAM-09", title="Users get permissions through groups or roles", severity=Severity.LOW,
        resource_types=(USER_POLICY, USER_ATTACHMENT, POLICY_ATTACHMENT), check=not_on_users,
        enforcement=Enforcement.ADVISORY,
        description="UserPolicy, UserPolicyAttachment and PolicyAttachment.users grant permissions to one person; "
                    "groups and roles keep them reviewable and revocable in one place.",
        remediation="Attach the policy to an aws.iam.Group and add the user with aws.iam.UserGroupMembership.",
        sources=("FSBP IAM.2", "CIS 1.14", "CKV_AWS_40"),
    ),
    Control(
        id="IAM-07", title="Role trust names principals, not whole accounts", severity=Severity.HIGH,
        resource_types=(ROLE,), check=no_account_trust, enforcement=Enforcement.ADVISORY,
        description="A trust policy naming an account (a 12-digit id or arn:aws:iam::ID:root) lets every principal "
                    "of that account that its IAM policies allow sts:AssumeRole assume the role; accepted only with "
                    "an aws:PrincipalArn, sts:ExternalId, aws:SourceArn or aws:SourceAccount condition. Advisory: "
                    "the queue and event-stream roles trust their own account by default (its IAM policies decide "
                    "who) until the app's role is known. Checkov CKV_AWS_61 fails every account principal, "
                    "conditions or not.",
        remediation="List the app's role ARNs as the trusted principals (QueueArgs.trusted_principal_arns), or add "
                    "sts:ExternalId for a third party's account.",
        sources=("CKV_AWS_61",),
    ),
    Control(
        id="IAM-05", title="No broad AWS managed policies", severity=Severity.HIGH, resource_types=_ATTACH_TYPES,
        check=no_broad_managed, config_defaults={"flagAllAwsManaged": False},
        description="AdministratorAccess, IAMFullAccess and PowerUserAccess are never least privilege, whether "
                    "attached to a role, user or group, by PolicyAttachment or SSO ManagedPolicyAttachment; config "
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

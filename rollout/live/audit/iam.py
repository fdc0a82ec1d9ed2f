"""The audit's collector for IAM roles (trust, inline and attached policies), users' and groups' inline and
attached policies, and customer managed policies (IAM-01..09)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from policies.core import Subject
from rollout.live.audit.reading import Collection, Reader, json_text, subject

IAM_ROLE = "aws:iam/role:Role"
IAM_ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
IAM_ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
IAM_POLICY = "aws:iam/policy:Policy"
USER_POLICY = "aws:iam/userPolicy:UserPolicy"
USER_ATTACHMENT = "aws:iam/userPolicyAttachment:UserPolicyAttachment"
GROUP_POLICY = "aws:iam/groupPolicy:GroupPolicy"
GROUP_ATTACHMENT = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment"
# (what holds the policies, its inline policy type, attachment type, the IAM API's name for it)
_PRINCIPALS = (("user", USER_POLICY, USER_ATTACHMENT, "User"), ("group", GROUP_POLICY, GROUP_ATTACHMENT, "Group"))


def role_subjects(role: Mapping[str, Any], inline: Mapping[str, Any], attached: Iterable[str]) -> list[Subject]:
    """A role plus its inline policies (RolePolicy) and attachments (RolePolicyAttachment), as separate resources."""
    arn, name = role["Arn"], role["RoleName"]
    link = {"role": [arn]}
    subjects = [subject(IAM_ROLE, name, arn, {"name": name, "path": role.get("Path"),
                                               "assumeRolePolicy": json_text(role.get("AssumeRolePolicyDocument"))})]
    for policy_name, document in sorted(inline.items()):
        subjects.append(subject(IAM_ROLE_POLICY, f"{name}:{policy_name}", f"{arn}#policy/{policy_name}",
                                 {"role": name, "name": policy_name, "policy": json_text(document)}, link))
    for policy_arn in sorted(attached):
        subjects.append(subject(IAM_ROLE_POLICY_ATTACHMENT, f"{name}:{policy_arn.rsplit('/', 1)[-1]}",
                                 f"{arn}#attachment/{policy_arn}", {"role": name, "policyArn": policy_arn}, link))
    return subjects


def principal_subjects(kind: str, principal: Mapping[str, Any], inline: Mapping[str, Any],
                       attached: Iterable[str]) -> list[Subject]:
    """A user's or group's inline policies (UserPolicy, GroupPolicy) and attachments (UserPolicyAttachment,
    GroupPolicyAttachment), each joined to the principal by its `user`/`group` input, as Pulumi models them."""
    _, policy_type, attachment_type, api = next(p for p in _PRINCIPALS if p[0] == kind)
    arn, name = principal["Arn"], principal[f"{api}Name"]
    link = {kind: [arn]}
    subjects = [subject(policy_type, f"{name}:{policy_name}", f"{arn}#policy/{policy_name}",
                        {kind: name, "name": policy_name, "policy": json_text(document)}, link)
                for policy_name, document in sorted(inline.items())]
    subjects += [subject(attachment_type, f"{name}:{policy_arn.rsplit('/', 1)[-1]}", f"{arn}#attachment/{policy_arn}",
                         {kind: name, "policyArn": policy_arn}, link) for policy_arn in sorted(attached)]
    return subjects


def normalize_managed_policy(policy: Mapping[str, Any], document: Any) -> Subject:
    props = {"name": policy["PolicyName"], "path": policy.get("Path"), "description": policy.get("Description"),
             "policy": json_text(document)}
    return subject(IAM_POLICY, policy["PolicyName"], policy["Arn"], props)


def collect_iam(reader: Reader, out: Collection) -> None:
    with out.attempt("iam", (IAM_ROLE, IAM_ROLE_POLICY, IAM_ROLE_POLICY_ATTACHMENT, IAM_POLICY)) as found:
        iam = reader.client("iam")
        for role in reader.items("iam", "list_roles", "Roles[]"):
            if str(role.get("Path", "")).startswith("/aws-service-role/"):
                continue  # service-linked roles are owned by AWS and cannot be changed
            name = role["RoleName"]
            inline = {p: iam.get_role_policy(RoleName=name, PolicyName=p)["PolicyDocument"]
                      for p in reader.items("iam", "list_role_policies", "PolicyNames[]", RoleName=name)}
            attached = [p["PolicyArn"] for p in reader.items("iam", "list_attached_role_policies",
                                                              "AttachedPolicies[]", RoleName=name)]
            found.extend(role_subjects(role, inline, attached))
        for policy in reader.items("iam", "list_policies", "Policies[]", Scope="Local"):
            version = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])
            found.append(normalize_managed_policy(policy, version["PolicyVersion"]["Document"]))
    for kind, policy_type, attachment_type, api in _PRINCIPALS:
        with out.attempt(f"iam {kind}s", (policy_type, attachment_type)) as found:
            iam = reader.client("iam")
            get_policy = getattr(iam, f"get_{kind}_policy")
            for principal in reader.items("iam", f"list_{kind}s", f"{api}s[]"):
                key = {f"{api}Name": principal[f"{api}Name"]}
                inline = {p: get_policy(**key, PolicyName=p)["PolicyDocument"]
                          for p in reader.items("iam", f"list_{kind}_policies", "PolicyNames[]", **key)}
                attached = [p["PolicyArn"] for p in reader.items("iam", f"list_attached_{kind}_policies",
                                                                  "AttachedPolicies[]", **key)]
                found.extend(principal_subjects(kind, principal, inline, attached))

import json

from policies.core import UNKNOWN_STRING_VALUE as U
from policies.iam import (
    ATTACHMENT,
    GROUP_ATTACHMENT,
    GROUP_POLICY,
    PERMISSION_SET_POLICY,
    POLICY,
    POLICY_ATTACHMENT,
    ROLE,
    ROLE_POLICY,
    SSO_MANAGED_ATTACHMENT,
    USER_ATTACHMENT,
    USER_POLICY,
    is_read_only,
)


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="arn:aws:sqs:r:1:q"):
    return {"Effect": "Allow", "Action": action, "Resource": resource}


ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
TRUST_EC2 = doc({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"})


def test_is_read_only():
    assert is_read_only("s3:GetObject") and is_read_only("ec2:Describe*") and is_read_only("sqs:ListQueues")
    assert not is_read_only("iam:PassRole") and not is_read_only("kms:Decrypt")
    assert not is_read_only("secretsmanager:GetSecretValue")


def test_iam01_no_admin(res, assert_exact):
    assert_exact("IAM-01", {
        "pass_scoped_policy": res(POLICY, "a", {"policy": doc(allow("sqs:SendMessage"))}),
        "pass_deny_star": res(POLICY, "a2", {"policy": doc({"Effect": "Deny", "Action": "*", "Resource": "*"})}),
        "fail_policy_admin": res(POLICY, "b", {"policy": doc(allow("*", "*"))}),
        "fail_role_policy_admin": res(ROLE_POLICY, "c", {"role": "r", "policy": doc(allow(["*"], ["*"]))}),
        "fail_inline_admin": res(ROLE, "d", {"assumeRolePolicy": TRUST_EC2,
                                             "inlinePolicies": [{"name": "all", "policy": doc(allow("*", "*"))}]}),
        "fail_not_json": res(POLICY, "e", {"policy": "nope"}),
        "fail_star_action_on_one_resource": res(POLICY, "g", {"policy": doc(allow("*", "arn:aws:s3:::shop-assets"))}),
        "fail_not_action_on_star": res(POLICY, "h", {"policy": doc({"Effect": "Allow", "NotAction": "iam:*",
                                                                    "Resource": "*"})}),
        "fail_user_policy_admin": res(USER_POLICY, "i", {"user": "ci", "policy": doc(allow("*", "*"))}),
        "fail_group_policy_admin": res(GROUP_POLICY, "j", {"group": "ops", "policy": doc(allow("*", "*"))}),
        "fail_permission_set_admin": res(PERMISSION_SET_POLICY, "k", {"inlinePolicy": doc(allow("*", "*"))}),
        "pass_permission_set_scoped": res(PERMISSION_SET_POLICY, "k2", {"inlinePolicy": doc(allow("s3:GetObject"))}),
        "pass_not_action_scoped": res(POLICY, "h2", {"policy": doc({"Effect": "Allow", "NotAction": "iam:*",
                                                                    "Resource": "arn:aws:s3:::b/*"})}),
        "unknown_policy": res(POLICY, "f", {"policy": U}),
    })


def test_iam02_no_service_wildcards(res, assert_exact):
    fixtures = {
        "pass_named_actions": res(POLICY, "a", {"policy": doc(allow(["sqs:SendMessage", "sqs:GetQueueUrl"]))}),
        "fail_sqs_star": res(ROLE_POLICY, "b", {"role": "r", "policy": doc(allow("sqs:*"))}),
        "fail_star_on_one_resource": res(POLICY, "e", {"policy": doc(allow("*"))}),
        "fail_user_policy_s3_star": res(USER_POLICY, "f", {"user": "u", "policy": doc(allow("s3:*"))}),
        "unknown_policy": res(ROLE_POLICY, "c", {"role": "r", "policy": U}),
    }
    assert_exact("IAM-02", fixtures)
    assert_exact("IAM-02", {"pass_allowlisted": fixtures["fail_sqs_star"],
                            "fail_s3_star": res(POLICY, "d", {"policy": doc(allow("s3:*"))})},
                 {"allowedServiceWildcards": ["sqs:*"]})


def test_iam03_no_wildcard_resource_writes(res, assert_exact):
    assert_exact("IAM-03", {
        "pass_scoped_write": res(POLICY, "a", {"policy": doc(allow("sqs:SendMessage"))}),
        "pass_read_on_star": res(POLICY, "a2", {"policy": doc(allow(["ec2:DescribeInstances",
                                                                     "s3:ListAllMyBuckets"], "*"))}),
        "pass_wildcard_read_on_arns": res(POLICY, "a4", {"policy": doc(allow("ec2:Describe*",
                                                                             "arn:aws:ec2:r:1:instance/*"))}),
        "fail_wildcard_read_on_star": res(POLICY, "j", {"policy": doc(allow(["ec2:Describe*"], "*"))}),
        "fail_list_wildcard_on_star": res(USER_POLICY, "k", {"user": "u", "policy": doc(allow("s3:List*", "*"))}),
        "pass_put_metric_data": res(POLICY, "a3", {"policy": doc(allow("cloudwatch:PutMetricData", "*"))}),
        "fail_write_on_star": res(POLICY, "b", {"policy": doc(allow("s3:PutObject", "*"))}),
        "fail_pass_role_on_star": res(POLICY, "c", {"policy": doc(allow("iam:PassRole", "*"))}),
        "fail_policy_management_on_star": res(POLICY, "d", {"policy": doc(allow("iam:AttachRolePolicy", "*"))}),
        "fail_kms_decrypt_on_star": res(ROLE_POLICY, "e", {"role": "r", "policy": doc(allow("kms:Decrypt", "*"))}),
        "fail_reencrypt_on_star": res(POLICY, "f", {"policy": doc(allow("kms:ReEncrypt*", "*"))}),
        "fail_star_action_on_star": res(POLICY, "h", {"policy": doc(allow("*", "*"))}),
        "fail_service_star_on_star": res(GROUP_POLICY, "i", {"group": "g", "policy": doc(allow("iam:*", "*"))}),
        "unknown_policy": res(POLICY, "g", {"policy": U}),
    })
    # a wildcard read named in allowedActions is accepted, as any configured action
    assert_exact("IAM-03", {
        "pass_configured_wildcard_read": res(POLICY, "a", {"policy": doc(allow("cloudwatch:Describe*", "*"))}),
        "fail_other_wildcard_read": res(POLICY, "b", {"policy": doc(allow("logs:Describe*", "*"))}),
    }, {"allowedActions": ["cloudwatch:Describe*"]})


def test_iam04_safe_trust(res, assert_exact):
    oidc = {"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
            "Principal": {"Federated": "arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com"}}
    def sub(value):
        return {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                "StringLike": {"token.actions.githubusercontent.com:sub": value}}

    both = {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
            "StringLike": {"token.actions.githubusercontent.com:sub": "repo:shop/site:ref:refs/heads/main"}}
    assert_exact(
        "IAM-04",
        {
            "pass_service_principal": res(ROLE, "a", {"assumeRolePolicy": TRUST_EC2}),
            "pass_oidc_with_aud_and_sub": res(ROLE, "a2", {"assumeRolePolicy": doc({**oidc, "Condition": both})}),
            "fail_star_principal": res(
                ROLE, "b", {"assumeRolePolicy": doc({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"})}
            ),
            "fail_aws_star_principal": res(
                ROLE,
                "c",
                {"assumeRolePolicy": doc({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"})},
            ),
            "fail_oidc_without_sub": res(
                ROLE, "d", {"assumeRolePolicy": doc({**oidc, "Condition": {"StringEquals": both["StringEquals"]}})}
            ),
            "fail_oidc_without_condition": res(ROLE, "d2", {"assumeRolePolicy": doc(oidc)}),
            "fail_oidc_sub_star": res(ROLE, "d3", {"assumeRolePolicy": doc({**oidc, "Condition": sub("*")})}),
            "fail_oidc_sub_any_repo": res(ROLE, "d4", {"assumeRolePolicy": doc({**oidc, "Condition": sub("repo:*")})}),
            "fail_oidc_sub_org_prefix": res(
                ROLE, "d5", {"assumeRolePolicy": doc({**oidc, "Condition": sub("repo:shop*")})}
            ),
            "fail_oidc_sub_environment": res(
                ROLE, "d6", {"assumeRolePolicy": doc({**oidc, "Condition": sub("environment:prod")})}
            ),
            "pass_oidc_sub_org_repos": res(
                ROLE, "d7", {"assumeRolePolicy": doc({**oidc, "Condition": sub("repo:shop/*")})}
            ),
            "unknown_trust": res(ROLE, "e", {"assumeRolePolicy": U}),
        },
    )


def test_iam07_no_whole_account_trust(res, assert_exact):
    assert_exact(
        "IAM-07",
        {
            "fail_whole_account_root": res(
                ROLE,
                "f",
                {
                    "assumeRolePolicy": doc(
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                            "Action": "sts:AssumeRole",
                        }
                    )
                },
            ),
            "fail_whole_account_id": res(
                ROLE,
                "g",
                {
                    "assumeRolePolicy": doc(
                        {"Effect": "Allow", "Principal": {"AWS": ["123456789012"]}, "Action": "sts:AssumeRole"}
                    )
                },
            ),
            "pass_account_with_external_id": res(
                ROLE,
                "h",
                {
                    "assumeRolePolicy": doc(
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                            "Action": "sts:AssumeRole",
                            "Condition": {"StringEquals": {"sts:ExternalId": "shop-7f3a"}},
                        }
                    )
                },
            ),
            "pass_named_role": res(
                ROLE,
                "i",
                {
                    "assumeRolePolicy": doc(
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": "arn:aws:iam::123456789012:role/deploy"},
                            "Action": "sts:AssumeRole",
                        }
                    )
                },
            ),
            "pass_deny_account": res(
                ROLE,
                "j",
                {
                    "assumeRolePolicy": doc(
                        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"},
                        {"Effect": "Deny", "Principal": {"AWS": "123456789012"}, "Action": "sts:AssumeRole"},
                    )
                },
            ),
            "pass_service": res(ROLE, "k", {"assumeRolePolicy": TRUST_EC2}),
            "fail_not_json": res(ROLE, "l", {"assumeRolePolicy": "{"}),
            "unknown_trust": res(ROLE, "m", {"assumeRolePolicy": U}),
        },
    )


def test_iam05_no_broad_managed(res, assert_exact):
    fixtures = {
        "pass_customer_policy": res(ATTACHMENT, "a", {"role": "r", "policyArn": "arn:aws:iam::1:policy/app"}),
        "pass_narrow_aws_policy": res(
            ATTACHMENT, "a2", {"role": "r", "policyArn": "arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM"}
        ),
        "fail_admin_attachment": res(
            ATTACHMENT, "b", {"role": "r", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}
        ),
        "fail_power_user_on_role": res(
            ROLE, "c", {"assumeRolePolicy": TRUST_EC2, "managedPolicyArns": ["arn:aws:iam::aws:policy/PowerUserAccess"]}
        ),
        "fail_iam_full_access": res(
            ATTACHMENT, "d", {"role": "r", "policyArn": "arn:aws:iam::aws:policy/IAMFullAccess"}
        ),
        "unknown_arn": res(ATTACHMENT, "e", {"role": "r", "policyArn": U}),
        "fail_policy_attachment_admin": res(POLICY_ATTACHMENT, "f", {"users": ["ci"], "policyArn": ADMIN}),
        "fail_user_attachment_admin": res(USER_ATTACHMENT, "g", {"user": "ci", "policyArn": ADMIN}),
        "fail_group_attachment_admin": res(GROUP_ATTACHMENT, "h", {"group": "ops", "policyArn": ADMIN}),
        "fail_sso_attachment_admin": res(
            SSO_MANAGED_ATTACHMENT, "i", {"managedPolicyArn": ADMIN, "permissionSetArn": "arn:aws:sso:::ps/1"}
        ),
        "pass_user_attachment_customer": res(
            USER_ATTACHMENT, "j", {"user": "ci", "policyArn": "arn:aws:iam::1:policy/ci"}
        ),
    }
    assert_exact("IAM-05", fixtures)
    assert_exact("IAM-05", {"pass_customer_policy": fixtures["pass_customer_policy"],
                            "fail_any_aws_managed": fixtures["pass_narrow_aws_policy"]}, {"flagAllAwsManaged": True})


def test_iam06_one_way_of_attaching(res, assert_exact):
    def role(name, props, attach=True, kind=ATTACHMENT):
        r = res(ROLE, name, {"assumeRolePolicy": TRUST_EC2, **props})
        if not attach:
            return [r]
        return [r, res(kind, f"{name}-att", {"role": "mock", "policyArn": "arn:aws:iam::1:policy/x", "policy": "{}"},
                       {"role": [r.urn]})]

    assert_exact("IAM-06", {
        "pass_separate_only": role("a", {}),
        "pass_exclusive_only": role("a2", {"managedPolicyArns": ["arn:aws:iam::1:policy/x"]}, attach=False),
        "fail_managed_and_attachment": role("b", {"managedPolicyArns": ["arn:aws:iam::1:policy/x"]}),
        "fail_inline_and_role_policy": role("c", {"inlinePolicies": [{"name": "p", "policy": "{}"}]}, kind=ROLE_POLICY),
        "fail_joined_by_literal_role_name": [res(ROLE, "d", {"name": "app", "managedPolicyArns": ["arn:x"]}),
                                             res(ATTACHMENT, "d-att", {"role": "app", "policyArn": "arn:y"})],
        "unknown_managed": role("e", {"managedPolicyArns": U}),
    })


def test_iam08_no_exfiltration_reads(res, assert_exact):
    assert_exact(
        "IAM-08",
        {
            "pass_scoped_get_object": res(
                POLICY, "a", {"policy": doc(allow("s3:GetObject", "arn:aws:s3:::shop-assets/*"))}
            ),
            "pass_list_on_star": res(POLICY, "a2", {"policy": doc(allow("s3:ListAllMyBuckets", "*"))}),
            "fail_get_object_on_star": res(POLICY, "b", {"policy": doc(allow("s3:GetObject", "*"))}),
            "fail_get_wildcard_on_star": res(ROLE_POLICY, "c", {"role": "r", "policy": doc(allow("s3:Get*", "*"))}),
            "fail_parameters_on_star": res(
                USER_POLICY, "d", {"user": "u", "policy": doc(allow("ssm:GetParameter*", "*"))}
            ),
            "fail_secret_value_on_star": res(
                GROUP_POLICY, "e", {"group": "g", "policy": doc(allow("secretsmanager:GetSecretValue", "*"))}
            ),
            "fail_star_on_star": res(PERMISSION_SET_POLICY, "f", {"inlinePolicy": doc(allow("*", "*"))}),
            "unknown_policy": res(POLICY, "g", {"policy": U}),
        },
    )


def test_iam09_not_on_users(res, assert_exact):
    assert_exact(
        "IAM-09",
        {
            "pass_attachment_to_groups": res(
                POLICY_ATTACHMENT, "a", {"groups": ["ops"], "policyArn": "arn:aws:iam::1:policy/p"}
            ),
            "fail_user_policy": res(USER_POLICY, "b", {"user": "ci", "policy": doc(allow("s3:GetObject"))}),
            "fail_user_attachment": res(USER_ATTACHMENT, "c", {"user": "ci", "policyArn": "arn:aws:iam::1:policy/p"}),
            "fail_attachment_to_users": res(
                POLICY_ATTACHMENT, "d", {"users": ["ci"], "policyArn": "arn:aws:iam::1:policy/p"}
            ),
            "unknown_users": res(POLICY_ATTACHMENT, "e", {"users": U, "policyArn": "arn:aws:iam::1:policy/p"}),
        },
    )

"""The IAM collector: roles with their inline and attached policies."""

from __future__ import annotations

import json

from tests.rollout import audit_fixtures as fx


def test_an_admin_inline_policy_is_found(aws):
    def drift(account):
        account.client("iam").put_role_policy(RoleName=account.role_name, PolicyName="break-glass",
                                              PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                                                  {"Effect": "Allow", "Action": "*", "Resource": "*"}]}))

    added, _ = fx.drift_adds((fx.build_iam,), drift)
    # Action '*' on Resource '*' is also every service wildcard (IAM-02), every write (IAM-03) and every secret
    # read (IAM-08)
    assert added == {(c, "shop-web:break-glass") for c in ("IAM-01", "IAM-02", "IAM-03", "IAM-08")}


def _document(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_policies_on_users_and_groups_and_whole_account_trust_are_found(aws, monkeypatch):
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")  # AdministratorAccess and PowerUserAccess exist

    def drift(account):
        iam = account.client("iam")
        iam.create_user(UserName="ops")
        iam.put_user_policy(UserName="ops", PolicyName="everything", PolicyDocument=_document(
            {"Effect": "Allow", "Action": "*", "Resource": "*"}))
        iam.attach_user_policy(UserName="ops", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
        iam.create_group(GroupName="developers")
        iam.put_group_policy(GroupName="developers", PolicyName="assets", PolicyDocument=_document(
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}))
        iam.attach_group_policy(GroupName="developers", PolicyArn="arn:aws:iam::aws:policy/PowerUserAccess")
        # what least privilege looks like: a user whose permissions come from a scoped group policy
        iam.create_user(UserName="ci")
        iam.create_group(GroupName="deployers")
        iam.add_user_to_group(GroupName="deployers", UserName="ci")
        iam.put_group_policy(GroupName="deployers", PolicyName="deploy", PolicyDocument=_document(
            {"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": "arn:aws:s3:::shop-assets/*"}))
        iam.create_role(RoleName="partner", AssumeRolePolicyDocument=_document(
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}))

    added, _ = fx.drift_adds((fx.build_iam,), drift)
    assert added == {
        *{(c, "ops:everything") for c in ("IAM-01", "IAM-02", "IAM-03", "IAM-08", "IAM-09")},
        ("IAM-05", "ops:AdministratorAccess"), ("IAM-09", "ops:AdministratorAccess"),
        *{(c, "developers:assets") for c in ("IAM-02", "IAM-03", "IAM-08")},
        ("IAM-05", "developers:PowerUserAccess"),
        ("IAM-07", "partner"),
    }


def test_a_user_policy_is_joined_to_its_user():
    from rollout.live.audit import iam

    user = {"UserName": "ops", "Arn": "arn:aws:iam::123456789012:user/ops"}
    policy, attachment = iam.principal_subjects("user", user, {"p": {"Statement": []}},
                                                ["arn:aws:iam::aws:policy/ReadOnlyAccess"])
    assert (policy.type, policy.props["user"], policy.props["policy"]) == (iam.USER_POLICY, "ops", '{"Statement": []}')
    assert attachment.type == iam.USER_ATTACHMENT and attachment.props["policyArn"].endswith("/ReadOnlyAccess")
    assert policy.property_dependencies == attachment.property_dependencies == {"user": [user["Arn"]]}


def test_access_denied_on_users_skips_only_the_controls_that_read_them(aws):
    from botocore.stub import Stubber

    from rollout.live.session import open_session

    fx.account_with(fx.build_iam)
    session = open_session()
    client = session.client("iam", region_name=fx.REGION)
    stub = Stubber(client)
    # the role and managed-policy reads come first (ListRoles, its policies, ListPolicies), then ListUsers
    stub.add_response("list_roles", {"Roles": []})
    stub.add_response("list_policies", {"Policies": []}, {"Scope": "Local"})
    stub.add_client_error("list_users", service_error_code="AccessDenied", http_status_code=403,
                          service_message="not authorized to perform: iam:ListUsers")
    stub.add_response("list_groups", {"Groups": []})
    with stub:
        result = fx.run(session, clients={"iam": client})
    gap = next(u for u in result.unavailable if u.service == "iam users")
    assert gap.reason.startswith("access denied (AccessDenied)")
    assert {"IAM-01", "IAM-09"} <= set(result.skipped_controls)  # both read UserPolicy
    assert "IAM-07" not in result.skipped_controls and "IAM-04" not in result.skipped_controls  # roles only


def test_a_role_anyone_can_assume_is_found(aws):
    def drift(account):
        account.client("iam").create_role(RoleName="legacy-open", AssumeRolePolicyDocument=_document(
            {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}))

    added, _ = fx.drift_adds((fx.build_iam,), drift)
    assert added == {("IAM-04", "legacy-open")}  # the shop's role, trusting ec2.amazonaws.com, passes

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

"""The KMS collector: customer managed keys with rotation and policy."""

from __future__ import annotations

from tests.rollout import audit_fixtures as fx


def test_rotation_turned_off_is_found(aws):
    def drift(account):
        account.client("kms").disable_key_rotation(KeyId=account.key_arn)

    added, account = fx.drift_adds((), drift)
    assert added == {("KMS-01", account.key_arn.rsplit("/", 1)[-1])}


def test_a_disabled_key_is_found(aws):
    def drift(account):
        account.client("kms").disable_key(KeyId=account.key_arn.rsplit("/", 1)[-1])

    added, account = fx.drift_adds((), drift)
    assert added == {("KMS-04", account.key_arn.rsplit("/", 1)[-1])}


def test_a_key_policy_open_to_everyone_is_found(aws):
    import json

    def drift(account):
        account.client("kms").put_key_policy(KeyId=account.key_arn, PolicyName="default", Policy=json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Sid": "Owner", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{fx.ACCOUNT}:root"},
                 "Action": "kms:*", "Resource": "*"},
                {"Sid": "Anyone", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}]}))

    added, account = fx.drift_adds((), drift)
    assert added == {("KMS-03", account.key_arn.rsplit("/", 1)[-1])}  # moto's EBS key keeps its own policy: passes

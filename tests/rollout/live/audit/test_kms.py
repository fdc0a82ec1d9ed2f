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

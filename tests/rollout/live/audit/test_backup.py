"""The Backup collector: plans, selections and vaults."""

from __future__ import annotations

import pytest

from policies.core import UnknownValueError
from rollout.live.audit import backup


def test_an_undescribable_vault_key_is_unknown_never_a_pass():
    vault = backup.normalize_vault({"BackupVaultName": "v", "BackupVaultArn": "arn:v", "EncryptionKeyArn": "arn:k"},
                                   None)
    with pytest.raises(UnknownValueError):
        vault.props["kmsKeyArn"]
    known = backup.normalize_vault({"BackupVaultName": "v", "BackupVaultArn": "arn:v", "EncryptionKeyArn": "arn:k"},
                                   True)
    assert known.props["kmsKeyArn"] == "arn:k"


def test_a_short_lived_plan_and_a_vault_on_the_aws_managed_key_are_found(aws):
    from tests.rollout import audit_fixtures as fx

    def drift(account):
        client = account.client("backup")
        client.create_backup_vault(BackupVaultName="legacy-vault")
        client.create_backup_plan(BackupPlan={"BackupPlanName": "legacy-weekly", "Rules": [{
            "RuleName": "weekly", "TargetBackupVaultName": "legacy-vault", "ScheduleExpression": "cron(0 17 ? * 1 *)",
            "Lifecycle": {"DeleteAfterDays": 3}}]})

    added, _ = fx.drift_adds((fx.build_backup,), drift)
    assert added == {("BAK-01", "legacy-weekly"), ("BAK-02", "legacy-vault")}  # shop-daily and shop-vault pass

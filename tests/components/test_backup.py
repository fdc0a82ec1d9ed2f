"""Backup: CMK vault, daily + monthly plan with retention, selection of every data store, backup role."""

import pytest

from components.backup import DAILY_SCHEDULE, MONTHLY_SCHEDULE, Backup, BackupArgs, plan_rules

ARNS = ["arn:aws:rds:ap-southeast-1:123456789012:db:shop", "arn:aws:s3:::shop-assets"]


def test_vault_plan_selection_and_role(synth):
    inventory = synth(lambda: Backup("backup", BackupArgs(resource_arns=ARNS, daily_retention_days=35)))
    (vault,) = inventory.of_type("aws:backup/vault:Vault")
    assert vault.inputs["kmsKeyArn"].startswith("arn:aws:kms:")
    (plan,) = inventory.of_type("aws:backup/plan:Plan")
    rules = {r["ruleName"]: r for r in plan.inputs["rules"]}
    assert rules["daily"]["schedule"] == DAILY_SCHEDULE and rules["daily"]["lifecycle"] == {"deleteAfter": 35}
    assert rules["monthly"]["schedule"] == MONTHLY_SCHEDULE and rules["monthly"]["lifecycle"] == {"deleteAfter": 365}
    (selection,) = inventory.of_type("aws:backup/selection:Selection")
    assert selection.inputs["resources"] == ARNS and selection.inputs["iamRoleArn"].startswith("arn:aws:iam::")
    attached = {r.inputs["policyArn"] for r in inventory.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")}
    assert all("AWSBackupServiceRolePolicyFor" in arn for arn in attached) and len(attached) == 4


def test_no_selection_without_data_stores(synth):
    assert not synth(lambda: Backup("backup")).of_type("aws:backup/selection:Selection")


@pytest.mark.parametrize("args, daily, monthly, copies", [
    (BackupArgs(), 35, 365, False),
    (BackupArgs(daily_retention_days=7, monthly_retention_days=730), 7, 730, False),
    (BackupArgs(copy_to_vault_arn="arn:aws:backup:ap-southeast-2:1:backup-vault:dr"), 35, 365, True),
])
def test_plan_rules(args, daily, monthly, copies):
    rules = plan_rules("vault", args)
    assert [r["lifecycle"]["delete_after"] for r in rules] == [daily, monthly]
    assert all(("copy_actions" in r) is copies for r in rules)


def test_daily_rule_keeps_rpo_within_a_day():
    assert DAILY_SCHEDULE.startswith("cron(0 18 * * ? *")


def test_retention_below_a_week_is_rejected():
    with pytest.raises(ValueError):
        BackupArgs(daily_retention_days=3)

"""Backup: CMK vault, daily + monthly plan with retention, selection of every data store, backup role."""

import pytest

from components.backup import DAILY_SCHEDULE, MONTHLY_SCHEDULE, Backup, BackupArgs, plan_rules, schedule_clear_of
from components.database import BACKUP_WINDOW, MAINTENANCE_WINDOW

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
    assert DAILY_SCHEDULE.endswith(" * * ? *)")


def test_backup_rules_start_an_hour_clear_of_the_database_windows():
    """AWS Backup jobs for RDS fail or are postponed near the instance's backup and maintenance windows."""
    windows = [BACKUP_WINDOW, MAINTENANCE_WINDOW]
    assert schedule_clear_of(DAILY_SCHEDULE, windows) and schedule_clear_of(MONTHLY_SCHEDULE, windows)


@pytest.mark.parametrize(("schedule", "windows", "clear"), [
    ("cron(0 18 * * ? *)", ["18:00-19:00"], False),
    ("cron(30 19 * * ? *)", ["18:00-19:00"], False),
    ("cron(0 20 * * ? *)", ["18:00-19:00"], True),
    ("cron(30 16 * * ? *)", ["18:00-19:00"], False),
    ("cron(0 16 * * ? *)", ["18:00-19:00"], True),
    ("cron(30 23 * * ? *)", ["00:30-01:00"], False),
    ("cron(30 21 * * ? *)", ["18:00-19:00", "sun:19:30-sun:20:30"], True),
    ("cron(0 21 * * ? *)", ["sun:19:30-sun:20:30"], False),
])
def test_schedule_clear_of(schedule, windows, clear):
    assert schedule_clear_of(schedule, windows) is clear


def test_retention_below_a_week_is_rejected():
    with pytest.raises(ValueError):
        BackupArgs(daily_retention_days=3)

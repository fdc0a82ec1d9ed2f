"""Backup (phase 4): AWS Backup for every data store the stack has — the database and the buckets holding data.

It is built with phase 4, the first phase after the data arrives (phase 3 adds the database and the assets bucket;
phase 4 the event data bucket). Until then RDS automated backups (≥ 7 days, point-in-time) and S3 versioning
cover phase 3; AWS Backup adds what they do not: daily points kept 35 days, monthly points kept a year, in a
vault encrypted with its own key, optionally copied to a second region.

Fixed in code: the vault's customer-managed KMS key, a daily rule (RPO ≤ 24 h) and a monthly rule, both with a
completion window, and a backup role with only the AWS-managed backup and restore policies.

Cross-region copies (`copy_provider`, an AWS provider for the second region): a second vault there with its own
key in that region (a KMS key never leaves its region), and a copy action on both rules keeping copies as long as
the originals. `protect=True` on both vaults in production.
"""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field

from components.kms import customer_managed_key

DAILY_SCHEDULE = "cron(30 21 * * ? *)"
"""Daily at 21:30 UTC = 04:30 in Vietnam (UTC+7), still the quiet night of an SME shop, and clear of the database's
windows: RDS automated backups run 18:00-19:00 and maintenance Sun 19:30-20:30 UTC (components.database). AWS
Backup advises not to start a backup of an RDS instance within an hour of its automated backup or maintenance
window, where the job can fail or be postponed (AWS Backup developer guide, "Creating a backup plan", backup
window considerations for Amazon RDS); `schedule_clear_of` proves the gap."""
MONTHLY_SCHEDULE = "cron(30 22 1 * ? *)"
START_WINDOW_MINUTES = 60
CLEARANCE_MINUTES = 60
BACKUP_POLICIES = (
    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
    "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
)


class BackupArgs(BaseModel):
    """What varies per stack: the resources to back up and how long points are kept."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    resource_arns: list[Any] = Field(default_factory=list, description="ARNs of the databases and data buckets to "
                                                                        "back up. Defaults to none.")
    daily_retention_days: int = Field(35, ge=7, le=3650, description="Daily points kept. Defaults to 35.")
    monthly_retention_days: int = Field(365, ge=30, le=36_500, description="Monthly points kept. Defaults to 365.")
    copy_to_vault_arn: Any = Field(None, description="Existing vault in another region receiving copies. "
                                                     "Defaults to none.")
    copy_provider: Any = Field(None, description="AWS provider of the region to copy into: creates the copy vault "
                                                 "there. Defaults to none (no copies).")
    production: bool = Field(False, description="protect=True on the vaults. Defaults to false.")


def plan_rules(vault_name: Any, args: BackupArgs) -> list[dict[str, Any]]:
    """The daily and monthly rules (pure: tested with tables)."""
    def rule(name: str, schedule: str, days: int) -> dict[str, Any]:
        body: dict[str, Any] = {"rule_name": name, "target_vault_name": vault_name, "schedule": schedule,
                                "start_window": START_WINDOW_MINUTES, "completion_window": 360, "lifecycle": {"delete_after": days},
                                "recovery_point_tags": {"Rule": name}}
        if args.copy_to_vault_arn is not None:
            body["copy_actions"] = [{"destination_vault_arn": args.copy_to_vault_arn,
                                     "lifecycle": {"delete_after": days}}]
        return body

    return [rule("daily", DAILY_SCHEDULE, args.daily_retention_days),
            rule("monthly", MONTHLY_SCHEDULE, args.monthly_retention_days)]


def cron_start_minute(schedule: str) -> int:
    """Minute of the day (UTC) an AWS Backup `cron(m h ...)` expression starts at."""
    minute, hour = schedule.removeprefix("cron(").split()[:2]
    return int(hour) * 60 + int(minute)


def window_minutes(window: str) -> tuple[int, int]:
    """Start and end minute of the day of an RDS window `hh:mm-hh:mm` or `ddd:hh:mm-ddd:hh:mm` (day ignored)."""
    start, end = (part.split(":")[-2:] for part in window.split("-"))
    return int(start[0]) * 60 + int(start[1]), int(end[0]) * 60 + int(end[1])


def schedule_clear_of(schedule: str, windows: list[str], start_window: int = START_WINDOW_MINUTES,
                      clearance: int = CLEARANCE_MINUTES) -> bool:
    """Whether a backup that may start any time in [schedule, schedule + start_window] stays `clearance` minutes
    away from every window (circular over the day)."""
    start = cron_start_minute(schedule)
    job = (start, start + start_window)
    for window in windows:
        begin, end = window_minutes(window)
        if end < begin:
            end += 24 * 60
        for shift in (-24 * 60, 0, 24 * 60):
            if job[0] < end + shift + clearance and begin + shift - clearance < job[1]:
                return False
    return True


def backup_trust_policy() -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "backup.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


class Backup(pulumi.ComponentResource):
    """Vault (CMK), plan (daily + monthly), role, and one selection naming every data store."""

    def __init__(self, name: str, args: BackupArgs | None = None, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sme-rollout:backup:Backup", name, {}, opts)
        self._name = name
        self.args = args or BackupArgs()

        self.key = customer_managed_key(name, f"{name}: AWS Backup vault", self)
        self.vault = self._create_vault()
        self.copy_vault = self._create_copy_vault()
        if self.copy_vault is not None:
            self.args = self.args.model_copy(update={"copy_to_vault_arn": self.copy_vault.arn})
        self.plan = self._create_plan()
        self.role = self._create_role()
        self.selection = self._create_selection()

        self.vault_name = self.vault.name
        self.plan_id = self.plan.id
        self.register_outputs({"vaultName": self.vault.name, "planId": self.plan.id})

    def _child(self, **extra: Any) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, **extra)

    def _create_vault(self) -> aws.backup.Vault:
        return aws.backup.Vault(f"{self._name}-vault", kms_key_arn=self.key.arn, force_destroy=False,
                                opts=self._child(protect=self.args.production))

    def _create_copy_vault(self) -> aws.backup.Vault | None:
        """The second region's vault, encrypted with a key of that region."""
        provider = self.args.copy_provider
        if provider is None or self.args.copy_to_vault_arn is not None:
            return None
        key = customer_managed_key(f"{self._name}-copy", f"{self._name}: AWS Backup copy vault", self,
                                   provider=provider)
        return aws.backup.Vault(f"{self._name}-copy-vault", kms_key_arn=key.arn, force_destroy=False,
                                opts=self._child(provider=provider, protect=self.args.production))

    def _create_plan(self) -> aws.backup.Plan:
        return aws.backup.Plan(f"{self._name}-plan", rules=plan_rules(self.vault.name, self.args),
                               opts=self._child())

    def _create_role(self) -> aws.iam.Role:
        role = aws.iam.Role(f"{self._name}-role", assume_role_policy=backup_trust_policy(),
                            description="AWS Backup: back up and restore the stack's data stores.", opts=self._child())
        for number, policy_arn in enumerate(BACKUP_POLICIES, start=1):
            aws.iam.RolePolicyAttachment(f"{self._name}-role-{number}", role=role.name, policy_arn=policy_arn,
                                         opts=self._child())
        return role

    def _create_selection(self) -> aws.backup.Selection | None:
        if not self.args.resource_arns:
            return None
        return aws.backup.Selection(f"{self._name}-data", name=f"{self._name}-data", plan_id=self.plan.id, iam_role_arn=self.role.arn,
                                    resources=self.args.resource_arns, opts=self._child())

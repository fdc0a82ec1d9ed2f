"""Backup (phase 4): AWS Backup for every data store the stack has — the database and the buckets holding data.

It is built with phase 4, the first phase after the data arrives (phase 3 adds the database and the assets bucket;
phase 4 the event data bucket). Until then RDS automated backups (≥ 7 days, point-in-time) and S3 versioning
cover phase 3; AWS Backup adds what they do not: daily points kept 35 days, monthly points kept a year, in a
vault encrypted with its own key, optionally copied to a second region.

Fixed in code: the vault's customer-managed KMS key, a daily rule (RPO ≤ 24 h) and a monthly rule, both with a
completion window, and a backup role with only the AWS-managed backup and restore policies.
"""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field

from components.kms import customer_managed_key

DAILY_SCHEDULE = "cron(0 18 * * ? *)"
"""Daily at 18:00 UTC = 01:00 in Vietnam (UTC+7), the quietest hour of an SME shop."""
MONTHLY_SCHEDULE = "cron(0 19 1 * ? *)"
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
    copy_to_vault_arn: Any = Field(None, description="Vault in another region receiving copies. Defaults to none.")


def plan_rules(vault_name: Any, args: BackupArgs) -> list[dict[str, Any]]:
    """The daily and monthly rules (pure: tested with tables)."""
    def rule(name: str, schedule: str, days: int) -> dict[str, Any]:
        body: dict[str, Any] = {"rule_name": name, "target_vault_name": vault_name, "schedule": schedule,
                                "start_window": 60, "completion_window": 360, "lifecycle": {"delete_after": days},
                                "recovery_point_tags": {"Rule": name}}
        if args.copy_to_vault_arn is not None:
            body["copy_actions"] = [{"destination_vault_arn": args.copy_to_vault_arn,
                                     "lifecycle": {"delete_after": days}}]
        return body

    return [rule("daily", DAILY_SCHEDULE, args.daily_retention_days),
            rule("monthly", MONTHLY_SCHEDULE, args.monthly_retention_days)]


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
                                opts=self._child())

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
        return aws.backup.Selection(
            f"{self._name}-data",
            name=f"{self._name}-data",
            plan_id=self.plan.id,
            iam_role_arn=self.role.arn,
            resources=self.args.resource_arns,
            opts=self._child(),
        )

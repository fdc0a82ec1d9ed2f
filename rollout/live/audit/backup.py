"""The audit's collector for AWS Backup plans, selections and vaults (BAK-01..03)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from policies.core import UNKNOWN_STRING_VALUE, Subject
from rollout.live.audit.reading import Collection, Reader, subject

BACKUP_PLAN = "aws:backup/plan:Plan"
BACKUP_VAULT = "aws:backup/vault:Vault"
BACKUP_SELECTION = "aws:backup/selection:Selection"


def normalize_backup_plan(plan_arn: str, plan: Mapping[str, Any]) -> Subject:
    def lifecycle(value: Mapping[str, Any] | None) -> dict[str, Any] | None:
        if not value:
            return None
        return {
            "deleteAfter": value.get("DeleteAfterDays"),
            "coldStorageAfter": value.get("MoveToColdStorageAfterDays"),
        }

    rules = [{
        "ruleName": rule.get("RuleName"), "targetVaultName": rule.get("TargetBackupVaultName"),
        "schedule": rule.get("ScheduleExpression"), "lifecycle": lifecycle(rule.get("Lifecycle")),
        "copyActions": [{"destinationVaultArn": c.get("DestinationBackupVaultArn"),
                         "lifecycle": lifecycle(c.get("Lifecycle"))} for c in rule.get("CopyActions", [])],
    } for rule in plan.get("Rules", [])]
    return subject(BACKUP_PLAN, plan["BackupPlanName"], plan_arn, {"name": plan["BackupPlanName"], "rules": rules})


def normalize_backup_selection(plan_arn: str, plan_id: str, selection: Mapping[str, Any], selection_id: str) -> Subject:
    resources = selection.get("Resources", [])
    props = {
        "name": selection["SelectionName"], "planId": plan_id, "iamRoleArn": selection.get("IamRoleArn"),
        "resources": resources,
        "selectionTags": [{"type": t.get("ConditionType"), "key": t.get("ConditionKey"),
                           "value": t.get("ConditionValue")} for t in selection.get("ListOfTags", [])],
    }
    return subject(BACKUP_SELECTION, selection["SelectionName"], f"{plan_arn}#selection/{selection_id}", props,
                    {"planId": [plan_arn], "resources": list(resources)})


def normalize_vault(vault: Mapping[str, Any], customer_key: bool | None) -> Subject:
    """`kmsKeyArn` is what Pulumi sets only for a customer managed key; the AWS managed aws/backup key (what AWS
    uses when it is unset) leaves it absent. None = the key could not be described: unknown, not a pass."""
    key = vault.get("EncryptionKeyArn")
    value = key if customer_key else (UNKNOWN_STRING_VALUE if customer_key is None and key else None)
    return subject(BACKUP_VAULT, vault["BackupVaultName"], vault["BackupVaultArn"],
                    {"name": vault["BackupVaultName"], "kmsKeyArn": value})


def _customer_managed(kms: Any, key_arn: str | None) -> bool | None:
    from botocore.exceptions import ClientError

    if not key_arn:
        return False
    try:
        return kms.describe_key(KeyId=key_arn)["KeyMetadata"].get("KeyManager") == "CUSTOMER"
    except ClientError:
        return None


def collect_backup(reader: Reader, out: Collection) -> None:
    plans: list[tuple[str, str]] = []
    with out.attempt("backup", (BACKUP_PLAN, BACKUP_VAULT)) as found:
        backup = reader.client("backup")
        for summary in reader.items("backup", "list_backup_plans", "BackupPlansList[]"):
            plan = backup.get_backup_plan(BackupPlanId=summary["BackupPlanId"])["BackupPlan"]
            found.append(normalize_backup_plan(summary["BackupPlanArn"], plan))
            plans.append((summary["BackupPlanArn"], summary["BackupPlanId"]))
        for vault in reader.items("backup", "list_backup_vaults", "BackupVaultList[]"):
            found.append(normalize_vault(vault, _customer_managed(reader.client("kms"), vault.get("EncryptionKeyArn"))))
    if not plans:
        return
    with out.attempt("backup selections", (BACKUP_SELECTION,)) as found:
        backup = reader.client("backup")
        for plan_arn, plan_id in plans:
            for entry in reader.items("backup", "list_backup_selections", "BackupSelectionsList[]",
                                      BackupPlanId=plan_id):
                selection = backup.get_backup_selection(BackupPlanId=plan_id, SelectionId=entry["SelectionId"])
                found.append(normalize_backup_selection(plan_arn, plan_id, selection["BackupSelection"],
                                                        entry["SelectionId"]))

"""AWS Backup: plan rules with schedules and retention, encrypted vaults, every primary database selected
(BAK-01..03)."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from policies._helpers import each, get, items, known, of_type, to_int
from policies.core import Control, Enforcement, Severity, Subject
from policies.rds import CLUSTER, INSTANCE, is_replica

PLAN = "aws:backup/plan:Plan"
VAULT = "aws:backup/vault:Vault"
SELECTION = "aws:backup/selection:Selection"
FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"
EFS_BACKUP_POLICY = "aws:efs/backupPolicy:BackupPolicy"
VOLUME = "aws:ebs/volume:Volume"
# A sample ARN of each data store type, to test selection wildcards against (ARN formats of the RDS, EFS and EC2
# service authorization references).
_SAMPLE_ARN = {INSTANCE: "arn:aws:rds:region:account:db:x", CLUSTER: "arn:aws:rds:region:account:cluster:x",
               FILE_SYSTEM: "arn:aws:elasticfilesystem:region:account:file-system/fs-1",
               VOLUME: "arn:aws:ec2:region:account:volume/vol-1"}


def plan_rules(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    minimum = int(cfg.get("minRetentionDays", 35))
    rules = items(get(subject.props, "rules"))
    if not rules:
        yield "has no rules"
    for index, rule in enumerate(rules):
        where = f"rules[{get(rule, 'ruleName', default=index)}]"
        if not get(rule, "schedule"):
            yield f"{where} has no schedule"
        keep = to_int(get(rule, "lifecycle", "deleteAfter"))
        if keep is None:
            yield f"{where}.lifecycle.deleteAfter is not set"
        elif keep < minimum:
            yield f"{where}.lifecycle.deleteAfter is {keep}; keep at least {minimum} days"
        if cfg.get("requireCrossRegionCopy") and not items(get(rule, "copyActions")):
            yield f"{where} has no copyActions to another region (policy config requireCrossRegionCopy)"


def vault_kms(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if not get(subject.props, "kmsKeyArn"):
        yield "kmsKeyArn is not set (recovery points use the AWS managed key)"


def _tag_match(selection: Subject, tags: Mapping[str, Any]) -> bool:
    for tag in items(get(selection.props, "selectionTags")):
        if str(get(tag, "type", default="STRINGEQUALS")).upper() == "STRINGEQUALS" \
                and tags.get(get(tag, "key")) == get(tag, "value"):
            return True
    for conditions in items(get(selection.props, "conditions")):
        for condition in items(get(conditions, "stringEquals")):
            key = str(get(condition, "key", default=""))
            if key.startswith("aws:ResourceTag/") and tags.get(key.removeprefix("aws:ResourceTag/")) == get(condition, "value"):
                return True
    return False


def _wildcard_covers(selection: Subject, store_type: str) -> bool:
    return any(isinstance(arn, str) and (arn == "*" or fnmatch.fnmatch(_SAMPLE_ARN[store_type], arn) and "*" in arn)
               for arn in (known(selection.props, "resources") or []))


def databases_selected(subjects: Sequence[Subject], _cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    selections = of_type(subjects, SELECTION)
    efs_policies = of_type(subjects, EFS_BACKUP_POLICY)

    def check(store: Subject) -> Iterator[str]:
        if store.type == INSTANCE and is_replica(store.props):
            return
        if store.type == CLUSTER and get(store.props, "replicationSourceIdentifier"):
            return
        if store.type == FILE_SYSTEM and any(
                store.urn in p.property_dependencies.get("fileSystemId", ())
                and get(p.props, "backupPolicy", "status") == "ENABLED" for p in efs_policies):
            return  # EFS automatic backups: AWS Backup's default plan, enabled through the file system's policy
        tags = known(store.props, "tags") or {}
        for selection in selections:
            if store.urn in selection.property_dependencies.get("resources", ()) \
                    or _wildcard_covers(selection, store.type) or _tag_match(selection, tags):
                return
        yield "is not selected by any aws.backup.Selection (by resources or tags)"

    yield from each(subjects, [INSTANCE, CLUSTER, FILE_SYSTEM, VOLUME], check)


CONTROLS = (
    Control(
        id="BAK-01", title="Backup plans run on a schedule and keep backups", severity=Severity.MEDIUM,
        resource_types=(PLAN,), check=plan_rules,
        config_defaults={"minRetentionDays": 35, "requireCrossRegionCopy": False},
        description="Every rule has a schedule and keeps recovery points at least minRetentionDays; with config "
                    "requireCrossRegionCopy (advisable for production) every rule copies to another region.",
        remediation="Give each rule a cron schedule and lifecycle.deleteAfter >= 35 (and copyActions for prod).",
        sources=("custom",),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="BAK-02", title="Backup vaults use a customer managed key", severity=Severity.MEDIUM,
        resource_types=(VAULT,), check=vault_kms,
        description="Recovery points are encrypted with a KMS key the team controls.",
        remediation="Set kmsKeyArn on the vault.",
        sources=("FSBP Backup.1", "CKV_AWS_166"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="BAK-03", title="Every primary data store is backed up by AWS Backup", severity=Severity.MEDIUM,
        resource_types=(INSTANCE, CLUSTER, FILE_SYSTEM, VOLUME, SELECTION, EFS_BACKUP_POLICY),
        check=databases_selected, stack=True,
        description="Each primary RDS instance and cluster, EFS file system and EBS volume is covered by a backup "
                    "selection: its ARN flows into `resources` (property dependencies), a wildcard ARN of its type, "
                    "or a tag it carries; an EFS file system may instead enable automatic backups with an "
                    "aws.efs.BackupPolicy (status ENABLED).",
        remediation="Add aws.backup.Selection(resources=[db.arn]) or select by a tag the instance has.",
        sources=("SH RDS.26", "CKV2_AWS_8", "CKV2_AWS_9", "CKV2_AWS_18"),
        enforcement=Enforcement.ADVISORY,
    ),
)

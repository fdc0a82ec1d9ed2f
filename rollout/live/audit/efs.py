"""The audit's collector for EFS file systems: encryption at rest (EFS-01) and automatic backups (BAK-03, through
the file system's backup policy, or a backup selection that covers it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from policies.core import Subject
from rollout.live.audit.reading import Collection, Reader, optional, subject, tags

FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"
BACKUP_POLICY = "aws:efs/backupPolicy:BackupPolicy"


def efs_subjects(file_system: Mapping[str, Any], backup_policy: Mapping[str, Any] | None) -> list[Subject]:
    """A file system, and its backup policy as the aws.efs.BackupPolicy joined through `fileSystemId` (None: the
    file system has none, DescribeBackupPolicy answered PolicyNotFound)."""
    arn, fs_id = file_system["FileSystemArn"], file_system["FileSystemId"]
    fs_tags = tags(file_system.get("Tags"))
    name = file_system.get("Name") or fs_tags.get("Name")
    props = {
        "creationToken": file_system.get("CreationToken"),
        "encrypted": bool(file_system.get("Encrypted")),
        "kmsKeyId": file_system.get("KmsKeyId"),
        "performanceMode": file_system.get("PerformanceMode"),
        "throughputMode": file_system.get("ThroughputMode"),
        "tags": fs_tags,
    }
    label = f"{name} ({fs_id})" if name else fs_id
    subjects = [subject(FILE_SYSTEM, label, arn, props)]
    if backup_policy:
        subjects.append(
            subject(
                BACKUP_POLICY,
                f"{label}-backup-policy",
                f"{arn}#backupPolicy",
                {"fileSystemId": fs_id, "backupPolicy": {"status": backup_policy.get("Status")}},
                {"fileSystemId": [arn]},
            )
        )
    return subjects


def collect_efs(reader: Reader, out: Collection) -> None:
    with out.attempt("efs", (FILE_SYSTEM, BACKUP_POLICY)) as found:
        efs = reader.client("efs")
        for file_system in reader.items("efs", "describe_file_systems", "FileSystems[]"):
            if file_system.get("LifeCycleState") in ("deleting", "deleted"):
                continue
            policy = optional(efs.describe_backup_policy, "PolicyNotFound", FileSystemId=file_system["FileSystemId"])
            found.extend(efs_subjects(file_system, (policy or {}).get("BackupPolicy")))

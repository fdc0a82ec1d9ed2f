"""The EFS collector: file systems (encryption) and their backup policies, and backup coverage (BAK-03) of file
systems and data volumes through backup policies, selections by ARN and selections by tag."""

from __future__ import annotations

import datetime

from botocore.stub import Stubber

from rollout.live.audit import efs
from rollout.live.session import open_session
from tests.rollout import audit_fixtures as fx


def test_an_unencrypted_file_system_and_file_systems_without_backups_are_found(aws):
    found = {}

    def drift(account):
        client = account.client("efs")
        for token, encrypted in (("shop-media", True), ("shop-legacy", False)):
            found[token] = client.create_file_system(
                CreationToken=token, Encrypted=encrypted, Tags=[{"Key": "Name", "Value": token}]
            )["FileSystemId"]

    added, _ = fx.drift_adds((fx.build_web_tier,), drift)
    media, legacy = (f"{t} ({found[t]})" for t in ("shop-media", "shop-legacy"))
    # no backup plan and no backup policy (moto's DescribeBackupPolicy answers PolicyNotFound): BAK-03 on both
    assert added == {("EFS-01", legacy), ("BAK-03", media), ("BAK-03", legacy)}


def test_a_file_system_is_shaped_as_aws_efs_file_system():
    subjects = efs.efs_subjects(
        {
            "FileSystemId": "fs-1",
            "FileSystemArn": "arn:fs-1",
            "Name": "media",
            "Encrypted": True,
            "KmsKeyId": "arn:key",
            "Tags": [{"Key": "backup", "Value": "daily"}],
        },
        {"Status": "ENABLED"},
    )
    system, policy = subjects
    assert (system.type, system.name, system.props["encrypted"], system.props["kmsKeyId"]) == (
        efs.FILE_SYSTEM,
        "media (fs-1)",
        True,
        "arn:key",
    )
    assert policy.type == efs.BACKUP_POLICY and policy.property_dependencies == {"fileSystemId": ["arn:fs-1"]}
    assert efs.efs_subjects({"FileSystemId": "fs-2", "FileSystemArn": "arn:fs-2"}, None)[0].props["encrypted"] is False


# Responses below follow the AWS API references' response syntax (Amazon EFS DescribeFileSystems and
# DescribeBackupPolicy; AWS Backup ListBackupPlans, GetBackupPlan, ListBackupVaults, ListBackupSelections,
# GetBackupSelection): moto 5.2.5 implements neither PutBackupPolicy nor backup selections.
def _file_system(fs_id: str) -> dict:
    return {
        "OwnerId": fx.ACCOUNT,
        "CreationToken": fs_id,
        "FileSystemId": fs_id,
        "Name": fs_id,
        "FileSystemArn": f"arn:aws:elasticfilesystem:{fx.REGION}:{fx.ACCOUNT}:file-system/{fs_id}",
        "CreationTime": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        "LifeCycleState": "available",
        "NumberOfMountTargets": 2,
        "SizeInBytes": {"Value": 6144},
        "PerformanceMode": "generalPurpose",
        "Encrypted": True,
        "ThroughputMode": "elastic",
        "Tags": [],
    }


def _stub_efs(client) -> Stubber:
    stub = Stubber(client)
    stub.add_response(
        "describe_file_systems", {"FileSystems": [_file_system(f) for f in ("fs-auto", "fs-selected", "fs-off")]}
    )
    stub.add_response("describe_backup_policy", {"BackupPolicy": {"Status": "ENABLED"}}, {"FileSystemId": "fs-auto"})
    stub.add_client_error(
        "describe_backup_policy",
        service_error_code="PolicyNotFound",
        http_status_code=404,
        expected_params={"FileSystemId": "fs-selected"},
    )
    stub.add_response("describe_backup_policy", {"BackupPolicy": {"Status": "DISABLED"}}, {"FileSystemId": "fs-off"})
    return stub


def _stub_backup(client, key_arn: str) -> Stubber:
    plan_arn = f"arn:aws:backup:{fx.REGION}:{fx.ACCOUNT}:backup-plan:plan-1"
    stub = Stubber(client)
    stub.add_response(
        "list_backup_plans",
        {
            "BackupPlansList": [
                {"BackupPlanArn": plan_arn, "BackupPlanId": "plan-1", "BackupPlanName": "shop-daily", "VersionId": "v1"}
            ]
        },
    )
    stub.add_response(
        "get_backup_plan",
        {
            "BackupPlanArn": plan_arn,
            "BackupPlanId": "plan-1",
            "BackupPlan": {
                "BackupPlanName": "shop-daily",
                "Rules": [
                    {
                        "RuleName": "daily",
                        "TargetBackupVaultName": "shop-vault",
                        "ScheduleExpression": "cron(0 17 * * ? *)",
                        "Lifecycle": {"DeleteAfterDays": 35},
                    }
                ],
            },
        },
        {"BackupPlanId": "plan-1"},
    )
    stub.add_response(
        "list_backup_vaults",
        {
            "BackupVaultList": [
                {
                    "BackupVaultName": "shop-vault",
                    "BackupVaultArn": f"arn:aws:backup:{fx.REGION}:{fx.ACCOUNT}:backup-vault:shop-vault",
                    "EncryptionKeyArn": key_arn,
                }
            ]
        },
    )
    stub.add_response(
        "list_backup_selections",
        {"BackupSelectionsList": [{"SelectionId": "sel-1", "SelectionName": "data", "BackupPlanId": "plan-1"}]},
        {"BackupPlanId": "plan-1"},
    )
    selected = _file_system("fs-selected")["FileSystemArn"]
    stub.add_response(
        "get_backup_selection",
        {
            "BackupPlanId": "plan-1",
            "SelectionId": "sel-1",
            "BackupSelection": {
                "SelectionName": "data",
                "IamRoleArn": f"arn:aws:iam::{fx.ACCOUNT}:role/shop-backup",
                "Resources": [selected],
                "ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "backup", "ConditionValue": "daily"}],
            },
        },
        {"BackupPlanId": "plan-1", "SelectionId": "sel-1"},
    )
    return stub


def test_backup_coverage_of_file_systems_and_volumes_by_policy_arn_and_tag(aws):
    account = fx.account_with()
    ec2 = account.client("ec2")
    tagged = ec2.create_volume(
        AvailabilityZone=f"{fx.REGION}a",
        Size=20,
        Encrypted=True,
        TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "backup", "Value": "daily"}]}],
    )["VolumeId"]
    untagged = ec2.create_volume(AvailabilityZone=f"{fx.REGION}a", Size=20, Encrypted=True)["VolumeId"]
    session = open_session()
    clients = {
        "efs": session.client("efs", region_name=fx.REGION),
        "backup": session.client("backup", region_name=fx.REGION),
    }
    with _stub_efs(clients["efs"]), _stub_backup(clients["backup"], account.key_arn):
        result = fx.run(session, clients=clients)

    assert "BAK-03" not in result.skipped_controls
    bak03 = {f.name for f in result.findings if f.control == "BAK-03" and f.status == "violation"}
    # fs-auto: automatic backups on; fs-selected: by ARN; the tagged volume: by tag; the others are not covered
    assert bak03 == {"fs-off (fs-off)", untagged}
    assert tagged in {s.name for s in result.subjects}


def test_access_denied_on_efs_skips_its_controls(aws):
    fx.account_with()
    session = open_session()
    client = session.client("efs", region_name=fx.REGION)
    stub = Stubber(client)
    stub.add_client_error(
        "describe_file_systems",
        service_error_code="AccessDeniedException",
        service_message="not authorized to perform elasticfilesystem:DescribeFileSystems",
        http_status_code=403,
    )
    with stub:
        result = fx.run(session, clients={"efs": client})
    gap = next(u for u in result.unavailable if u.service == "efs")
    assert gap.reason.startswith("access denied (AccessDeniedException)")
    assert {"EFS-01", "BAK-03"} <= set(result.skipped_controls)

from pulumi_policy.proxy import UNKNOWN_NUMBER_VALUE as UN

from policies.backup import PLAN, SELECTION, VAULT
from policies.core import UNKNOWN_STRING_VALUE as U
from policies.rds import INSTANCE

PLAN_PROPS = {"name": "daily", "rules": [
    {"ruleName": "daily", "targetVaultName": "v", "schedule": "cron(0 3 * * ? *)", "lifecycle": {"deleteAfter": 35},
     "copyActions": [{"destinationVaultArn": "arn:aws:backup:us-east-1:1:backup-vault:dr"}]},
    {"ruleName": "monthly", "targetVaultName": "v", "schedule": "cron(0 4 1 * ? *)", "lifecycle": {"deleteAfter": 365},
     "copyActions": [{"destinationVaultArn": "arn:aws:backup:us-east-1:1:backup-vault:dr"}]},
]}


def test_bak01_plan_rules(res, variant, assert_exact):
    fixtures = {
        "pass_daily_and_monthly": res(PLAN, "a", PLAN_PROPS),
        "fail_no_schedule": res(PLAN, "b", variant(PLAN_PROPS, {"rules.0.schedule": variant.DELETE})),
        "fail_short_retention": res(PLAN, "c", variant(PLAN_PROPS, {"rules.0.lifecycle.deleteAfter": 7})),
        "fail_no_lifecycle": res(PLAN, "d", variant(PLAN_PROPS, {"rules.1.lifecycle": variant.DELETE})),
        "unknown_retention": res(PLAN, "e", variant(PLAN_PROPS, {"rules.0.lifecycle.deleteAfter": UN})),
    }
    assert_exact("BAK-01", fixtures)
    assert_exact("BAK-01", {"pass_copies": fixtures["pass_daily_and_monthly"],
                            "fail_no_cross_region_copy": res(PLAN, "f", variant(PLAN_PROPS, {"rules.1.copyActions": []}))},
                 {"requireCrossRegionCopy": True})


def test_bak02_vault_kms(res, assert_exact):
    assert_exact("BAK-02", {
        "pass_cmk": res(VAULT, "a", {"kmsKeyArn": "arn:aws:kms:k"}),
        "fail_default_key": res(VAULT, "b", {}),
        "unknown_key": res(VAULT, "c", {"kmsKeyArn": U}),
    })


def test_bak03_databases_selected(res, assert_exact):
    def stack(name, selection_props=None, by_arn=True, tags=None, replica=False):
        props = {"engine": "postgres", "tags": tags or {}}
        if replica:
            props["replicateSourceDb"] = "src"
        db = res(INSTANCE, name, props)
        if selection_props is None and not by_arn:
            return [db]
        selection = res(SELECTION, f"{name}-sel", {"planId": "p", "iamRoleArn": "r", **(selection_props or {"resources": ["arn"]})},
                        {"resources": [db.urn]} if by_arn else {})
        return [db, selection]

    other = res(INSTANCE, "other", {"engine": "postgres"})
    assert_exact("BAK-03", {
        "pass_by_arn": stack("a"),
        "pass_by_tag": stack("a2", {"selectionTags": [{"type": "STRINGEQUALS", "key": "backup", "value": "daily"}]},
                             by_arn=False, tags={"backup": "daily"}),
        "pass_by_condition": stack("a3", {"conditions": [{"stringEquals": [{"key": "aws:ResourceTag/backup", "value": "daily"}]}]},
                                   by_arn=False, tags={"backup": "daily"}),
        "pass_wildcard": stack("a4", {"resources": ["arn:aws:rds:*:*:db:*"]}, by_arn=False),
        "pass_replica_not_required": stack("a5", by_arn=False, replica=True),
        "fail_not_selected": stack("b", by_arn=False),
        "fail_other_tag": stack("c", {"selectionTags": [{"type": "STRINGEQUALS", "key": "backup", "value": "daily"}]},
                                by_arn=False, tags={"backup": "never"}),
        "fail_selection_of_another_db": [res(INSTANCE, "d", {"engine": "postgres"}), other,
                                         res(SELECTION, "d-sel", {"resources": ["x"]}, {"resources": [other.urn]})],
        "unknown_replica_source": [res(INSTANCE, "e", {"engine": "postgres", "replicateSourceDb": U})],
    })


def test_bak03_clusters_file_systems_and_volumes(res, assert_exact):
    from policies.backup import CLUSTER, EFS_BACKUP_POLICY, FILE_SYSTEM, VOLUME

    def selected(kind, name, props, resources=None):
        store = res(kind, name, props)
        selection = res(SELECTION, f"{name}-sel", {"planId": "p", "iamRoleArn": "r", "resources": resources or ["arn"]},
                        {} if resources else {"resources": [store.urn]})
        return [store, selection]

    fs = res(FILE_SYSTEM, "f", {"encrypted": True})
    assert_exact("BAK-03", {
        "pass_cluster_by_arn": selected(CLUSTER, "a", {"engine": "aurora-postgresql"}),
        "pass_volume_wildcard": selected(VOLUME, "a2", {"size": 10}, ["arn:aws:ec2:*:*:volume/*"]),
        "pass_efs_by_arn": selected(FILE_SYSTEM, "a3", {"encrypted": True}),
        "pass_efs_automatic_backups": [fs, res(EFS_BACKUP_POLICY, "f-bp", {"fileSystemId": "mock",
                                                                           "backupPolicy": {"status": "ENABLED"}},
                                               {"fileSystemId": [fs.urn]})],
        "pass_replica_cluster": [res(CLUSTER, "a4", {"engine": "aurora-mysql", "replicationSourceIdentifier": "arn:src"})],
        "fail_cluster_not_selected": [res(CLUSTER, "b", {"engine": "aurora-postgresql"})],
        "fail_volume_rds_wildcard_only": selected(VOLUME, "c", {"size": 10}, ["arn:aws:rds:*:*:db:*"]),
        "fail_efs_backups_disabled": [res(FILE_SYSTEM, "d", {"encrypted": True}),
                                      res(EFS_BACKUP_POLICY, "d-bp", {"fileSystemId": "fs-d", "backupPolicy": {"status": "DISABLED"}})],
        "unknown_efs_backup_status": [fs2 := res(FILE_SYSTEM, "e", {"encrypted": True}),
                                      res(EFS_BACKUP_POLICY, "e-bp", {"fileSystemId": "mock", "backupPolicy": {"status": U}},
                                          {"fileSystemId": [fs2.urn]})],
    })

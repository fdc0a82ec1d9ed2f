from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE as UB
from pulumi_policy.proxy import UNKNOWN_NUMBER_VALUE as UN

from policies.core import UNKNOWN_STRING_VALUE as U
from policies.core import evaluate
from policies.rds import CLUSTER, CLUSTER_INSTANCE, CLUSTER_PARAMETER_GROUP, INSTANCE, PARAMETER_GROUP, engine_family
from policies.registry import BY_ID

PRIMARY = {
    "engine": "postgres", "engineVersion": "16.4", "instanceClass": "db.t4g.medium", "storageEncrypted": True,
    "publiclyAccessible": False, "multiAz": True, "backupRetentionPeriod": 7, "deletionProtection": True,
    "skipFinalSnapshot": False, "iamDatabaseAuthenticationEnabled": True, "parameterGroupName": "pg-tls",
    "enabledCloudwatchLogsExports": ["postgresql", "upgrade"], "monitoringInterval": 60,
    "monitoringRoleArn": "arn:aws:iam::1:role/rds-monitoring",
    "performanceInsightsEnabled": True, "performanceInsightsKmsKeyId": "arn:aws:kms:k",
    "caCertIdentifier": "rds-ca-rsa2048-g1", "identifier": "shop-db",
}
REPLICA = {"replicateSourceDb": "shop-db", "instanceClass": "db.t4g.medium", "publiclyAccessible": False,
           "parameterGroupName": "pg-tls", "monitoringInterval": 60, "deletionProtection": True,
           "skipFinalSnapshot": True}
TLS_GROUP = {"name": "pg-tls", "family": "postgres16", "parameters": [{"name": "rds.force_ssl", "value": "1"}]}


def db(res, variant, name, changes=None, base=PRIMARY, deps=None):
    return res(INSTANCE, name, variant(base, changes or {}), deps)


def test_engine_family():
    assert [
        engine_family(e) for e in ("postgres", "postgres16", "mysql8.0", "aurora-mysql", "mariadb", "oracle-ee", None)
    ] == ["postgres", "postgres", "mysql", "mysql", "mariadb", None, None]


def test_rds01_storage_encrypted(res, variant, assert_exact):
    assert_exact(
        "RDS-01",
        {
            "pass_encrypted": db(res, variant, "a"),
            "pass_same_region_replica": db(res, variant, "a2", base=REPLICA),
            "pass_cross_region_replica_with_key": db(
                res,
                variant,
                "a3",
                {"replicateSourceDb": "arn:aws:rds:us-east-1:1:db:x", "kmsKeyId": "arn:aws:kms:k"},
                base=REPLICA,
            ),
            "fail_unencrypted": db(res, variant, "b", {"storageEncrypted": False}),
            "fail_cross_region_replica_without_key": db(
                res, variant, "c", {"replicateSourceDb": "arn:aws:rds:us-east-1:1:db:x"}, base=REPLICA
            ),
            "unknown_flag": db(res, variant, "d", {"storageEncrypted": UB}),
        },
    )


def test_rds02_not_public(res, variant, assert_exact):
    assert_exact("RDS-02", {
        "pass_private": db(res, variant, "a"),
        "fail_public": db(res, variant, "b", {"publiclyAccessible": True}),
        "fail_public_replica": db(res, variant, "c", {"publiclyAccessible": True}, base=REPLICA),
        "unknown_public": db(res, variant, "d", {"publiclyAccessible": UB}),
    })


def test_rds03_multi_az(res, variant, assert_exact):
    assert_exact("RDS-03", {
        "pass_multi_az": db(res, variant, "a"),
        "pass_replica_skipped": db(res, variant, "a2", base=REPLICA),
        "fail_single_az": db(res, variant, "b", {"multiAz": False}),
        "unknown_multi_az": db(res, variant, "c", {"multiAz": UB}),
    })


def test_rds03_relaxed_per_stack(res, variant):
    single = db(res, variant, "b", {"multiAz": False})
    assert evaluate([BY_ID["RDS-03"]], [single], {"RDS-03": {"required": False}}) == []
    assert len(evaluate([BY_ID["RDS-03"]], [single], {})) == 1


def test_rds04_backups(res, variant, assert_exact):
    assert_exact("RDS-04", {
        "pass_seven_days": db(res, variant, "a"),
        "pass_replica_skipped": db(res, variant, "a2", base=REPLICA),
        "fail_one_day": db(res, variant, "b", {"backupRetentionPeriod": 1}),
        "fail_unset": db(res, variant, "c", {"backupRetentionPeriod": variant.DELETE}),
        "unknown_days": db(res, variant, "d", {"backupRetentionPeriod": UN}),
    })
    assert_exact("RDS-04", {
        "pass_fourteen": db(res, variant, "a", {"backupRetentionPeriod": 14}),
        "fail_seven_below_fourteen": db(res, variant, "b"),
        "fail_replica_checked": db(res, variant, "c", base=REPLICA),
    }, {"minDays": 14, "checkReadReplicas": True})


def test_rds05_deletion(res, variant, assert_exact):
    assert_exact("RDS-05", {
        "pass_protected": db(res, variant, "a"),
        "pass_replica_skips_final_snapshot": db(res, variant, "a2", base=REPLICA),
        "fail_no_protection": db(res, variant, "b", {"deletionProtection": False}),
        "fail_skip_final_snapshot": db(res, variant, "c", {"skipFinalSnapshot": True}),
        "unknown_protection": db(res, variant, "d", {"deletionProtection": UB}),
    })


def with_group(res, variant, name, group_changes=None, db_changes=None, linked=True):
    group = res(PARAMETER_GROUP, f"{name}-pg", variant(TLS_GROUP, group_changes or {}))
    deps = {"parameterGroupName": [group.urn]} if linked else {}
    return [db(res, variant, name, {"parameterGroupName": "mock-name", **(db_changes or {})}, deps=deps), group]


def test_rds06_tls_parameter_group(res, variant, assert_exact):
    mysql = {"name": "my", "family": "mysql8.0", "parameters": [{"name": "require_secure_transport", "value": "1"}]}
    db2 = {"name": "d2", "family": "db2-se-11.5", "parameters": [{"name": "db2comm", "value": "SSL"}]}
    assert_exact(
        "RDS-06",
        {
            "pass_postgres_force_ssl": with_group(res, variant, "a"),
            "pass_mysql_secure_transport": with_group(res, variant, "a2", mysql, {"engine": "mysql"}),
            "pass_joined_by_literal_name": [db(res, variant, "a3"), res(PARAMETER_GROUP, "a3-pg", TLS_GROUP)],
            "fail_default_group": db(res, variant, "b", {"parameterGroupName": variant.DELETE}),
            "fail_force_ssl_off": with_group(res, variant, "c", {"parameters.0.value": "0"}),
            "fail_parameter_missing": with_group(res, variant, "d", {"parameters": []}),
            "fail_mysql_group_without_parameter": with_group(
                res, variant, "e", {**mysql, "parameters": []}, {"engine": "mysql"}
            ),
            "fail_group_outside_stack": db(res, variant, "f", {"parameterGroupName": "elsewhere"}),
            "unknown_parameter_value": with_group(res, variant, "g", {"parameters.0.value": U}),
            "pass_db2_ssl_only": with_group(res, variant, "h", db2, {"engine": "db2-se"}),
            "fail_db2_clear_text_too": with_group(
                res, variant, "i", {**db2, "parameters": [{"name": "db2comm", "value": "TCPIP,SSL"}]},
                {"engine": "db2-se"}),
            "fail_db2_without_db2comm": with_group(res, variant, "j", {**db2, "parameters": []}, {"engine": "db2-ae"}),
        },
    )


def test_rds07_iam_auth(res, variant, assert_exact):
    assert_exact("RDS-07", {
        "pass_iam_auth": db(res, variant, "a"),
        "fail_no_iam_auth": db(res, variant, "b", {"iamDatabaseAuthenticationEnabled": False}),
        "unknown_iam_auth": db(res, variant, "c", {"iamDatabaseAuthenticationEnabled": UB}),
    })


def test_rds08_monitoring(res, variant, assert_exact):
    assert_exact("RDS-08", {
        "pass_all_on": db(res, variant, "a"),
        "fail_missing_log_export": db(res, variant, "b", {"enabledCloudwatchLogsExports": ["postgresql"]}),
        "fail_no_enhanced_monitoring": db(res, variant, "c", {"monitoringInterval": 0}),
        "fail_no_performance_insights": db(res, variant, "d", {"performanceInsightsEnabled": False}),
        "fail_performance_insights_without_kms": db(res, variant, "e", {"performanceInsightsKmsKeyId": variant.DELETE}),
        "unknown_interval": db(res, variant, "f", {"monitoringInterval": UN}),
        "fail_interval_without_role": db(res, variant, "g", {"monitoringRoleArn": variant.DELETE}),
        "fail_invalid_interval": db(res, variant, "h", {"monitoringInterval": 7}),
    })


def test_rds09_patching(res, variant, assert_exact):
    assert_exact("RDS-09", {
        "pass_current_ca": db(res, variant, "a"),
        "pass_default_ca": db(res, variant, "a2", {"caCertIdentifier": variant.DELETE}),
        "fail_no_minor_upgrades": db(res, variant, "b", {"autoMinorVersionUpgrade": False}),
        "fail_old_ca": db(res, variant, "c", {"caCertIdentifier": "rds-ca-2019"}),
        "unknown_ca": db(res, variant, "d", {"caCertIdentifier": U}),
    })


def replica_stack(res, variant, name, replica_changes=None, source_changes=None, same_group=True):
    group = res(PARAMETER_GROUP, f"{name}-pg", TLS_GROUP)
    other = res(PARAMETER_GROUP, f"{name}-other", {**TLS_GROUP, "name": "other"})
    source = db(res, variant, f"{name}-src", {"parameterGroupName": "g", **(source_changes or {})},
                deps={"parameterGroupName": [group.urn]})
    replica = db(
        res,
        variant,
        name,
        {"replicateSourceDb": "src-id", "parameterGroupName": "g", **(replica_changes or {})},
        base=REPLICA,
        deps={"replicateSourceDb": [source.urn], "parameterGroupName": [(group if same_group else other).urn]},
    )
    return [replica, source, group, other]


def test_rds10_replicas_match_source(res, variant, assert_exact):
    assert_exact("RDS-10", {
        "pass_matching_replica": replica_stack(res, variant, "a"),
        "pass_primary_only": db(res, variant, "a2"),
        "fail_public_replica": replica_stack(res, variant, "b", {"publiclyAccessible": True}),
        "fail_other_parameter_group": replica_stack(res, variant, "c", same_group=False),
        "fail_other_monitoring": replica_stack(res, variant, "d", {"monitoringInterval": 0}),
        "fail_source_without_backups": replica_stack(res, variant, "e", source_changes={"backupRetentionPeriod": 0}),
        "unknown_public": replica_stack(res, variant, "f", {"publiclyAccessible": UB}),
    })


CLUSTER_OK = {
    "engine": "aurora-postgresql", "engineVersion": "16.4", "storageEncrypted": True, "kmsKeyId": "arn:aws:kms:k",
    "backupRetentionPeriod": 7, "deletionProtection": True, "skipFinalSnapshot": False,
    "iamDatabaseAuthenticationEnabled": True, "dbClusterParameterGroupName": "apg-tls",
    "enabledCloudwatchLogsExports": ["postgresql"], "clusterIdentifier": "shop-aurora",
}
CLUSTER_MEMBER = {"clusterIdentifier": "shop-aurora", "engine": "aurora-postgresql", "instanceClass": "db.r6g.large",
                  "publiclyAccessible": False, "autoMinorVersionUpgrade": True, "monitoringInterval": 60,
                  "monitoringRoleArn": "arn:aws:iam::1:role/rds-monitoring",
                  "performanceInsightsEnabled": True, "performanceInsightsKmsKeyId": "arn:aws:kms:k",
                  "caCertIdentifier": "rds-ca-rsa2048-g1"}
CLUSTER_TLS = {
    "name": "apg-tls",
    "family": "aurora-postgresql16",
    "parameters": [{"name": "rds.force_ssl", "value": "1"}],
}


def cluster(res, variant, name, changes=None):
    return res(CLUSTER, name, variant(CLUSTER_OK, changes or {}))


def member(res, variant, name, changes=None):
    return res(CLUSTER_INSTANCE, name, variant(CLUSTER_MEMBER, changes or {}))


def test_engine_family_of_other_engines():
    assert [
        engine_family(e)
        for e in (
            "aurora",
            "aurora5.6",
            "aurora-postgresql15",
            "sqlserver-se",
            "sqlserver-ex-15.0",
            "custom-sqlserver-ee",
            "db2-se",
        )
    ] == ["mysql", "mysql", "postgres", "sqlserver", "sqlserver", "sqlserver", "db2"]


def test_cluster_controls(res, variant, assert_exact):
    assert_exact(
        "RDS-01",
        {
            "pass_cluster_encrypted": cluster(res, variant, "a"),
            "pass_serverless_v1": cluster(
                res, variant, "a2", {"storageEncrypted": variant.DELETE, "engineMode": "serverless"}
            ),
            "fail_cluster_unencrypted": cluster(res, variant, "b", {"storageEncrypted": False}),
            "fail_cluster_default": cluster(res, variant, "b2", {"storageEncrypted": variant.DELETE}),
            "unknown_cluster_flag": cluster(res, variant, "c", {"storageEncrypted": UB}),
        },
    )
    assert_exact("RDS-02", {
        "pass_private_member": member(res, variant, "a"),
        "fail_public_member": member(res, variant, "b", {"publiclyAccessible": True}),
    })
    assert_exact(
        "RDS-04",
        {
            "pass_cluster_week": cluster(res, variant, "a"),
            "fail_cluster_default_one_day": cluster(res, variant, "b", {"backupRetentionPeriod": variant.DELETE}),
            "pass_replica_cluster": cluster(
                res,
                variant,
                "c",
                {"backupRetentionPeriod": 1, "replicationSourceIdentifier": "arn:aws:rds:us-east-1:1:cluster:x"},
            ),
        },
    )
    assert_exact("RDS-05", {
        "pass_cluster_protected": cluster(res, variant, "a"),
        "fail_cluster_unprotected": cluster(res, variant, "b", {"deletionProtection": False}),
        "fail_cluster_skips_snapshot": cluster(res, variant, "c", {"skipFinalSnapshot": True}),
    })
    assert_exact("RDS-07", {
        "pass_cluster_iam_auth": cluster(res, variant, "a"),
        "fail_cluster_no_iam_auth": cluster(res, variant, "b", {"iamDatabaseAuthenticationEnabled": variant.DELETE}),
    })
    assert_exact("RDS-08", {
        "pass_cluster_logs": cluster(res, variant, "a"),
        "pass_member_monitored": member(res, variant, "a2"),
        "fail_cluster_no_logs": cluster(res, variant, "b", {"enabledCloudwatchLogsExports": variant.DELETE}),
        "fail_member_no_monitoring": member(res, variant, "c", {"monitoringInterval": 0}),
        "fail_member_no_insights": member(res, variant, "d", {"performanceInsightsEnabled": False}),
    })
    assert_exact("RDS-09", {
        "pass_member_patched": member(res, variant, "a"),
        "fail_member_no_minor_upgrades": member(res, variant, "b", {"autoMinorVersionUpgrade": False}),
    })


def test_rds06_clusters_and_engines(res, variant, assert_exact):
    def with_cluster_group(name, group_changes=None, cluster_changes=None):
        group = res(CLUSTER_PARAMETER_GROUP, f"{name}-cpg", variant(CLUSTER_TLS, group_changes or {}))
        c = res(CLUSTER, name, variant(CLUSTER_OK, {"dbClusterParameterGroupName": "mock", **(cluster_changes or {})}),
                {"dbClusterParameterGroupName": [group.urn]})
        return [c, group]

    aurora_mysql = {"family": "aurora-mysql8.0", "parameters": [{"name": "require_secure_transport", "value": "ON"}]}
    sqlserver = {"name": "ss", "family": "sqlserver-se-15.0", "parameters": [{"name": "rds.force_ssl", "value": "1"}]}
    assert_exact(
        "RDS-06",
        {
            "pass_aurora_postgres_force_ssl": with_cluster_group("a"),
            "pass_aurora_mysql_secure_transport": with_cluster_group("a2", aurora_mysql, {"engine": "aurora-mysql"}),
            "fail_aurora_mysql_v1_without_parameter": with_cluster_group(
                "a3", {**aurora_mysql, "family": "aurora5.6", "parameters": []}, {"engine": "aurora"}
            ),
            "fail_cluster_default_group": cluster(res, variant, "b", {"dbClusterParameterGroupName": variant.DELETE}),
            "fail_cluster_force_ssl_off": with_cluster_group("c", {"parameters.0.value": "0"}),
            "fail_cluster_group_outside_stack": cluster(
                res, variant, "d", {"dbClusterParameterGroupName": "elsewhere"}
            ),
            "pass_sqlserver_force_ssl": [
                db(res, variant, "e", {"engine": "sqlserver-se", "parameterGroupName": "ss"}),
                res(PARAMETER_GROUP, "e-pg", sqlserver),
            ],
            "fail_sqlserver_without_force_ssl": [
                db(res, variant, "f", {"engine": "sqlserver-ex", "parameterGroupName": "ss"}),
                res(PARAMETER_GROUP, "f-pg", {**sqlserver, "parameters": []}),
            ],
            "pass_oracle_not_judged": db(
                res, variant, "g", {"engine": "oracle-se2", "parameterGroupName": variant.DELETE}
            ),
            "unknown_cluster_parameter": with_cluster_group("h", {"parameters.0.value": U}),
        },
    )


def test_rds11_private_snapshots(res, assert_exact):
    from policies.rds import SNAPSHOTS

    snapshot, cluster_snapshot, copy = SNAPSHOTS
    assert_exact(
        "RDS-11",
        {
            "pass_private": res(snapshot, "a", {"dbInstanceIdentifier": "db", "dbSnapshotIdentifier": "s"}),
            "pass_shared_with_account": res(
                cluster_snapshot, "a2", {"dbClusterIdentifier": "c", "sharedAccounts": ["123456789012"]}
            ),
            "fail_public": res(snapshot, "b", {"dbInstanceIdentifier": "db", "sharedAccounts": ["all"]}),
            "fail_public_cluster_snapshot": res(
                cluster_snapshot, "c", {"dbClusterIdentifier": "c", "sharedAccounts": ["ALL"]}
            ),
            "fail_public_copy": res(copy, "d", {"sourceDbSnapshotIdentifier": "s", "sharedAccounts": ["1", "all"]}),
            "unknown_accounts": res(snapshot, "e", {"dbInstanceIdentifier": "db", "sharedAccounts": [U]}),
        },
    )


def test_rds12_statement_logging(res, variant, assert_exact):
    logging = {"name": "pg-log", "family": "postgres16", "parameters": [
        {"name": "log_statement", "value": "ddl"}, {"name": "log_min_duration_statement", "value": "1000"}]}
    cluster_logging = {**logging, "name": "apg-log", "family": "aurora-postgresql16"}

    def logged(name, group_changes=None, db_changes=None):
        return with_group(res, variant, name, {**logging, **(group_changes or {})}, db_changes)

    assert_exact(
        "RDS-12",
        {
            "pass_postgres_logs_statements": logged("a"),
            "pass_mysql_not_judged": db(res, variant, "a2", {"engine": "mysql", "parameterGroupName": variant.DELETE}),
            "pass_replica_not_judged": db(res, variant, "a3", base=REPLICA),
            "pass_cluster_logs_statements": [
                cluster(res, variant, "a4", {"dbClusterParameterGroupName": "apg-log"}),
                res(CLUSTER_PARAMETER_GROUP, "a4-pg", cluster_logging),
            ],
            "fail_default_group": db(res, variant, "b", {"parameterGroupName": variant.DELETE}),
            "fail_statement_none": logged("c", {"parameters.0.value": "none"}),
            "fail_slow_statements_off": logged("d", {"parameters.1.value": "-1"}),
            "fail_parameters_missing": logged("e", {"parameters": [{"name": "rds.force_ssl", "value": "1"}]}),
            "fail_group_outside_stack": db(res, variant, "f", {"parameterGroupName": "elsewhere"}),
            "fail_cluster_without_logging": [
                cluster(res, variant, "g", {"dbClusterParameterGroupName": "apg-nolog"}),
                res(CLUSTER_PARAMETER_GROUP, "g-pg", {**cluster_logging, "name": "apg-nolog", "parameters": []}),
            ],
            "unknown_value": logged("h", {"parameters.0.value": U}),
        },
    )


def test_rds13_tagged_snapshots(res, variant, assert_exact):
    assert_exact("RDS-13", {
        "pass_instance": db(res, variant, "a", {"copyTagsToSnapshot": True}),
        "pass_cluster": cluster(res, variant, "a2", {"copyTagsToSnapshot": True}),
        "fail_instance_default": db(res, variant, "b"),
        "fail_cluster_off": cluster(res, variant, "c", {"copyTagsToSnapshot": False}),
        "unknown_flag": db(res, variant, "d", {"copyTagsToSnapshot": UB}),
    })


def test_rds14_patched_postgres(res, variant, assert_exact):
    assert_exact("RDS-14", {
        "pass_current": db(res, variant, "a"),
        "pass_fixed_minor": db(res, variant, "a2", {"engineVersion": "13.3"}),
        "pass_major_only": db(res, variant, "a3", {"engineVersion": "13"}),
        "pass_unset": db(res, variant, "a4", {"engineVersion": variant.DELETE}),
        "pass_mysql": db(res, variant, "a5", {"engine": "mysql", "engineVersion": "5.7.10"}),
        "pass_aurora_12": cluster(res, variant, "a6", {"engineVersion": "12.4"}),
        "pass_old_9_6_patched": db(res, variant, "a7", {"engineVersion": "9.6.22"}),
        "fail_13_2": db(res, variant, "b", {"engineVersion": "13.2"}),
        "fail_9_6_21": db(res, variant, "c", {"engineVersion": "9.6.21"}),
        "fail_9_5": db(res, variant, "c2", {"engineVersion": "9.5.25"}),
        "fail_aurora_11_8": cluster(res, variant, "d", {"engineVersion": "11.8"}),
        "fail_aurora_instance_10_13": db(res, variant, "e", {"engine": "aurora-postgresql", "engineVersion": "10.13"}),
        "unknown_version": db(res, variant, "f", {"engineVersion": U}),
    })


def test_rds15_backtracking(res, variant, assert_exact):
    mysql = {"engine": "aurora-mysql", "engineVersion": "8.0.mysql_aurora.3.05.2"}
    assert_exact("RDS-15", {
        "pass_backtrack_window": cluster(res, variant, "a", {**mysql, "backtrackWindow": 86400}),
        "pass_postgres_not_judged": cluster(res, variant, "a2"),
        "pass_serverless_v1": cluster(res, variant, "a3", {**mysql, "engineMode": "serverless"}),
        "fail_no_window": cluster(res, variant, "b", mysql),
        "fail_zero_window": cluster(res, variant, "c", {"engine": "aurora", "backtrackWindow": 0}),
        "unknown_window": cluster(res, variant, "d", {**mysql, "backtrackWindow": UN}),
    })


def test_rds16_customer_managed_key(res, variant, assert_exact):
    assert_exact("RDS-16", {
        "pass_cluster_key": cluster(res, variant, "a"),
        "pass_instance_key": db(res, variant, "a2", {"kmsKeyId": "arn:aws:kms:k"}),
        "pass_same_region_replica": db(res, variant, "a3", base=REPLICA),
        "fail_cluster_aws_managed": cluster(res, variant, "b", {"kmsKeyId": variant.DELETE}),
        "fail_instance_aws_managed": db(res, variant, "c"),
        "unknown_key": cluster(res, variant, "d", {"kmsKeyId": U}),
    })


def test_rds17_standard_support(res, variant, assert_exact):
    mysql = {"engine": "mysql", "engineVersion": "8.0.39", "parameterGroupName": "mysql-tls"}
    assert_exact("RDS-17", {
        "pass_postgres_16": db(res, variant, "a"),
        "pass_mysql_8_4": db(res, variant, "a2", {**mysql, "engineVersion": "8.4.3"}),
        "pass_unset_version": db(res, variant, "a4", {"engineVersion": variant.DELETE}),
        "pass_mariadb_not_in_the_calendar": db(res, variant, "a5", {"engine": "mariadb", "engineVersion": "10.6"}),
        "pass_postgres_17_not_in_the_calendar": db(res, variant, "a6", {"engineVersion": "17.2"}),
        "pass_aurora_not_judged": db(res, variant, "a7", {"engine": "aurora-mysql", "engineVersion": "5.7.mysql_aurora"
                                                                                               ".2.11.2"}),
        "fail_mysql_8_0": db(res, variant, "b", mysql),
        "fail_mysql_8_0_major_only": db(res, variant, "b2", {**mysql, "engineVersion": "8.0"}),
        "fail_replica_of_8_0": db(res, variant, "b3", {"engine": "mysql", "engineVersion": "8.0.39"}, base=REPLICA),
        "fail_postgres_13": db(res, variant, "b4", {"engineVersion": "13.15"}),
        "unknown_version": db(res, variant, "c", {**mysql, "engineVersion": U}),
    }, config={"date": "2026-12-01"})


def test_rds17_judges_on_the_check_date(res, variant, assert_exact):
    """MySQL 8.0's last day of standard support is 2026-07-31; Extended Support is billed from 2026-08-01."""
    mysql = {"engine": "mysql", "engineVersion": "8.0.39", "parameterGroupName": "mysql-tls"}
    fixtures = {"pass_postgres": db(res, variant, "a"), "fail_mysql_8_0": db(res, variant, "b", mysql)}
    assert_exact("RDS-17", fixtures, config={"date": "2026-08-01"})
    last_day = {"pass_postgres": fixtures["pass_postgres"], "pass_mysql_8_0": fixtures["fail_mysql_8_0"],
                "fail_postgres_11": db(res, variant, "c", {"engineVersion": "11.22"})}
    assert_exact("RDS-17", last_day, config={"date": "2026-07-31"})


def test_rds17_names_the_dates_and_the_version_to_move_to(res, variant):
    from policies.core import evaluate as run

    subject = db(res, variant, "b", {"engine": "mysql", "engineVersion": "8.0.39"})
    (finding,) = [f for f in run([BY_ID["RDS-17"]], [subject], {"RDS-17": {"date": "2026-12-01"}})
                  if f.status == "violation"]
    assert "2026-07-31" in finding.message and "2026-08-01" in finding.message and "2028-08-01" in finding.message
    assert finding.message.endswith("move to mysql 8.4")

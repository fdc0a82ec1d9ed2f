from policies.apply.rds import INSTANCE, PARAMETER_GROUP

DB = {"identifier": "dev-db", "engine": "postgres", "engineVersion": "16.4", "instanceClass": "db.t4g.micro",
      "performanceInsightsEnabled": True, "performanceInsightsRetentionPeriod": 7, "backupWindow": "18:00-19:00",
      "maintenanceWindow": "sun:19:30-sun:20:30", "manageMasterUserPassword": True, "backupRetentionPeriod": 7,
      "parameterGroupName": "pg"}


def test_apl_rds_01_performance_insights(res, variant, assert_exact):
    assert_exact("APL-RDS-01", {
        "pass_postgres_micro": res(INSTANCE, "a", DB),
        "fail_mysql_micro": res(INSTANCE, "b", variant(DB, {"engine": "mysql"})),
        "fail_retention": res(INSTANCE, "c", variant(DB, {"performanceInsightsRetentionPeriod": 30})),
    })


def test_apl_rds_02_identifier(res, variant, assert_exact):
    assert_exact("APL-RDS-02", {"pass_id": res(INSTANCE, "a", DB),
                                "fail_starts_with_digit": res(INSTANCE, "b", variant(DB, {"identifier": "1db"}))})


def test_apl_rds_03_windows(res, variant, assert_exact):
    assert_exact("APL-RDS-03", {
        "pass_apart": res(INSTANCE, "a", DB),
        "fail_overlap": res(INSTANCE, "b", variant(DB, {"maintenanceWindow": "sun:18:30-sun:19:30"})),
        "fail_short": res(INSTANCE, "c", variant(DB, {"backupWindow": "18:00-18:15"})),
        "fail_format": res(INSTANCE, "d", variant(DB, {"backupWindow": "6pm-7pm"})),
    })


def test_apl_rds_04_password_source(res, variant, assert_exact):
    assert_exact("APL-RDS-04", {"pass_managed": res(INSTANCE, "a", DB),
                                "fail_both": res(INSTANCE, "b", variant(DB, {"password": "x" * 12}))})


def test_apl_rds_05_parameter_family(res, assert_exact):
    good = res(PARAMETER_GROUP, "pg16", {"family": "postgres16", "name": "pg"})
    bad = res(PARAMETER_GROUP, "pg15", {"family": "postgres15", "name": "pg"})
    assert_exact("APL-RDS-05", {"pass_family": [res(INSTANCE, "a", DB), good],
                                "fail_family": [res(INSTANCE, "b", DB), bad]})


def test_apl_rds_06_replica_source_backups(res, variant, assert_exact):
    source = res(INSTANCE, "src", DB)
    no_backups = res(INSTANCE, "src0", variant(DB, {"identifier": "dev-db0", "backupRetentionPeriod": 0}))
    assert_exact("APL-RDS-06", {
        "pass_source_backed_up": [res(INSTANCE, "r1", {"replicateSourceDb": "dev-db"}), source],
        "fail_source_without_backups": [res(INSTANCE, "r2", {"replicateSourceDb": "dev-db0"}), no_backups],
    })


def test_apl_rds_07_log_exports(res, variant, assert_exact):
    assert_exact("APL-RDS-07", {
        "pass_postgres": res(INSTANCE, "a", variant(DB, {"enabledCloudwatchLogsExports": ["postgresql", "upgrade"]})),
        "pass_mysql": res(INSTANCE, "b", variant(DB, {"engine": "mysql", "engineVersion": "8.0",
                                                      "enabledCloudwatchLogsExports": ["error", "slowquery"]})),
        "fail_mysql_type_on_postgres": res(INSTANCE, "c", variant(DB, {"enabledCloudwatchLogsExports": ["slowquery"]})),
    })


def test_apl_rds_08_option_group(res, variant, assert_exact):
    from policies.apply.rds import OPTION_GROUP

    mysql = variant(DB, {"engine": "mysql", "engineVersion": "8.0.39", "optionGroupName": "og"})
    good = res(OPTION_GROUP, "og80", {"name": "og", "engineName": "mysql", "majorEngineVersion": "8.0"})
    old = res(OPTION_GROUP, "og57", {"name": "og", "engineName": "mysql", "majorEngineVersion": "5.7"})
    other = res(OPTION_GROUP, "ogmaria", {"name": "og", "engineName": "mariadb", "majorEngineVersion": "8.0"})
    assert_exact("APL-RDS-08", {"pass_matching": [res(INSTANCE, "a", mysql), good],
                                "fail_old_major": [res(INSTANCE, "b", mysql), old],
                                "fail_other_engine": [res(INSTANCE, "c", mysql), other]})

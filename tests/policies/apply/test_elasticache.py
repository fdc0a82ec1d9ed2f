from policies.apply.elasticache import REPLICATION_GROUP, USER, USER_GROUP

RG = {"replicationGroupId": "dev-cache", "engine": "valkey", "engineVersion": "8.0", "transitEncryptionEnabled": True,
      "userGroupIds": ["g"], "automaticFailoverEnabled": True, "multiAzEnabled": True, "numCacheClusters": 2}


def test_apl_ec_01_valkey_group_members(res, assert_exact):
    pw = res(USER, "default", {"userId": "d", "engine": "valkey", "authenticationMode": {"type": "password"}})
    nopw = res(USER, "nopw", {"userId": "n", "engine": "valkey", "authenticationMode": {"type": "no-password-required"}})
    assert_exact("APL-EC-01", {
        "pass_password_user": [res(USER_GROUP, "g1", {"engine": "valkey", "userIds": ["d"]}), pw],
        "pass_redis_group": [res(USER_GROUP, "g2", {"engine": "redis", "userIds": ["n"]}), nopw],
        "fail_no_password_user": [res(USER_GROUP, "g3", {"engine": "valkey", "userIds": ["d", "n"]}), pw, nopw],
    })


def test_apl_ec_02_iam_user_ids(res, assert_exact):
    assert_exact("APL-EC-02", {
        "pass_iam": res(USER, "a", {"userId": "app", "userName": "app", "authenticationMode": {"type": "iam"}}),
        "fail_iam_mismatch": res(USER, "b", {"userId": "x", "userName": "app", "authenticationMode": {"type": "iam"}}),
        "fail_reserved_default": res(USER, "c", {"userId": "default", "userName": "default"}),
    })


def test_apl_ec_03_rbac_prerequisites(res, variant, assert_exact):
    assert_exact("APL-EC-03", {
        "pass_rbac": res(REPLICATION_GROUP, "a", RG),
        "fail_no_tls": res(REPLICATION_GROUP, "b", variant(RG, {"transitEncryptionEnabled": False})),
        "fail_old_valkey": res(REPLICATION_GROUP, "c", variant(RG, {"engineVersion": "7.1"})),
        "fail_token_and_groups": res(REPLICATION_GROUP, "d", variant(RG, {"authToken": "t" * 20})),
    })


def test_apl_ec_04_failover(res, variant, assert_exact):
    assert_exact("APL-EC-04", {
        "pass_two_nodes": res(REPLICATION_GROUP, "a", RG),
        "fail_one_node": res(REPLICATION_GROUP, "b", variant(RG, {"numCacheClusters": 1})),
        "fail_multi_az_without_failover": res(REPLICATION_GROUP, "c", variant(RG, {"automaticFailoverEnabled": False})),
    })


def test_apl_ec_05_ids(res, variant, assert_exact):
    assert_exact("APL-EC-05", {
        "pass_id": res(REPLICATION_GROUP, "a", RG),
        "fail_too_long": res(REPLICATION_GROUP, "b", variant(RG, {"replicationGroupId": "c" * 41})),
        "fail_double_hyphen": res(REPLICATION_GROUP, "c", variant(RG, {"replicationGroupId": "a--b"})),
        "fail_auto_name_too_long": res(REPLICATION_GROUP, "d" * 35, variant(RG, {"replicationGroupId": variant.DELETE})),
    })


def test_apl_ec_06_windows(res, variant, assert_exact):
    windows = {**RG, "snapshotWindow": "18:00-19:00", "maintenanceWindow": "sun:19:30-sun:20:30"}
    assert_exact("APL-EC-06", {
        "pass_apart": res(REPLICATION_GROUP, "a", windows),
        "fail_overlap": res(REPLICATION_GROUP, "b", variant(windows, {"maintenanceWindow": "tue:18:30-tue:19:30"})),
        "fail_short_snapshot": res(REPLICATION_GROUP, "c", variant(windows, {"snapshotWindow": "18:00-18:30"})),
        "fail_format": res(REPLICATION_GROUP, "d", variant(windows, {"maintenanceWindow": "sunday 19:30"})),
    })

from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE as UB
from pulumi_policy.proxy import UNKNOWN_NUMBER_VALUE as UN

from policies.core import UNKNOWN_STRING_VALUE as U
from policies.elasticache import REPLICATION_GROUP, node_count

GOOD = {"atRestEncryptionEnabled": True, "kmsKeyId": "arn:aws:kms:x", "transitEncryptionEnabled": True,
        "authToken": "s3cret-token-value", "automaticFailoverEnabled": True, "multiAzEnabled": True,
        "numCacheClusters": 2, "snapshotRetentionLimit": 3}


def rg(res, variant, name, changes=None):
    return res(REPLICATION_GROUP, name, variant(GOOD, changes or {}))


def test_ec01_at_rest(res, variant, assert_exact):
    assert_exact("EC-01", {
        "pass_encrypted": rg(res, variant, "a"),
        "fail_not_encrypted": rg(res, variant, "b", {"atRestEncryptionEnabled": False}),
        "unknown_flag": rg(res, variant, "c", {"atRestEncryptionEnabled": UB}),
    })
    assert_exact("EC-01", {
        "pass_cmk": rg(res, variant, "a"),
        "fail_no_cmk": rg(res, variant, "b", {"kmsKeyId": variant.DELETE}),
    }, {"requireKmsKey": True})


def test_ec02_in_transit(res, variant, assert_exact):
    assert_exact("EC-02", {
        "pass_tls": rg(res, variant, "a"),
        "pass_required_mode": rg(res, variant, "a2", {"transitEncryptionMode": "required"}),
        "fail_no_tls": rg(res, variant, "b", {"transitEncryptionEnabled": False}),
        "fail_preferred_mode": rg(res, variant, "c", {"transitEncryptionMode": "preferred"}),
        "unknown_tls": rg(res, variant, "d", {"transitEncryptionEnabled": UB}),
    })


def test_ec03_auth(res, variant, assert_exact):
    assert_exact("EC-03", {
        "pass_token": rg(res, variant, "a"),
        "pass_user_groups": rg(res, variant, "a2", {"authToken": variant.DELETE, "userGroupIds": ["g1"]}),
        "fail_no_auth": rg(res, variant, "b", {"authToken": variant.DELETE}),
        "unknown_token": rg(res, variant, "c", {"authToken": U}),
    })


def test_ec04_high_availability(res, variant, assert_exact):
    assert_exact("EC-04", {
        "pass_two_nodes": rg(res, variant, "a"),
        "pass_cluster_mode": rg(res, variant, "a2", {"numCacheClusters": variant.DELETE, "numNodeGroups": 2,
                                                     "replicasPerNodeGroup": 1}),
        "fail_no_failover": rg(res, variant, "b", {"automaticFailoverEnabled": False}),
        "fail_no_multi_az": rg(res, variant, "c", {"multiAzEnabled": False}),
        "fail_one_node": rg(res, variant, "d", {"numCacheClusters": 1}),
        "unknown_nodes": rg(res, variant, "e", {"numCacheClusters": UN}),
    })


def test_node_count_defaults_to_one():
    assert node_count({}) == 1
    assert node_count({"replicasPerNodeGroup": 2}) == 3


def test_ec05_snapshots(res, variant, assert_exact):
    fixtures = {
        "pass_retained": rg(res, variant, "a"),
        "fail_no_snapshots": rg(res, variant, "b", {"snapshotRetentionLimit": variant.DELETE}),
        "unknown_limit": rg(res, variant, "c", {"snapshotRetentionLimit": UN}),
    }
    assert_exact("EC-05", fixtures)
    assert_exact("EC-05", {"pass_seven": rg(res, variant, "a", {"snapshotRetentionLimit": 7}),
                           "fail_three_below_seven": fixtures["pass_retained"]}, {"minRetentionDays": 7})


def test_standalone_cache_clusters(res, assert_exact):
    from policies.elasticache import CLUSTER

    def cluster(name, **props):
        return res(CLUSTER, name, {"clusterId": name, "nodeType": "cache.t4g.micro", "numCacheNodes": 1, **props})

    member = cluster("m", replicationGroupId="shop-cache")
    for control in ("EC-01", "EC-02", "EC-03"):
        assert_exact(control, {
            "pass_group_member": member,
            "fail_single_redis_node": cluster("r", engine="redis"),
            "fail_single_valkey_node": cluster("v", engine="valkey"),
        })
    assert_exact("EC-02", {"pass_memcached_tls": cluster("mc", engine="memcached", transitEncryptionEnabled=True),
                           "fail_memcached_plain": cluster("mc2", engine="memcached")})
    assert_exact(
        "EC-04",
        {
            "pass_memcached_cross_az": cluster("mc", engine="memcached", azMode="cross-az", numCacheNodes=2),
            "pass_group_member": member,
            "fail_single_redis_node": cluster("r", engine="redis"),
            "fail_memcached_single_az": cluster("mc2", engine="memcached"),
        },
    )
    assert_exact("EC-05", {"pass_redis_snapshots": cluster("r", engine="redis", snapshotRetentionLimit=3),
                           "pass_memcached_not_judged": cluster("mc", engine="memcached"),
                           "fail_redis_without_snapshots": cluster("r2", engine="redis"),
                           "unknown_limit": cluster("r3", engine="redis", snapshotRetentionLimit=UN)})


def test_ec06_minor_upgrades(res, variant, assert_exact):
    from policies.elasticache import CLUSTER

    assert_exact("EC-06", {
        "pass_default_on": rg(res, variant, "a"),
        "pass_explicit_on": rg(res, variant, "a2", {"autoMinorVersionUpgrade": True}),
        "pass_memcached_not_judged": res(CLUSTER, "a3", {"engine": "memcached", "autoMinorVersionUpgrade": False}),
        "fail_group_off": rg(res, variant, "b", {"autoMinorVersionUpgrade": False}),
        "fail_redis_cluster_off": res(CLUSTER, "c", {"engine": "redis", "autoMinorVersionUpgrade": "false"}),
        "unknown_flag": rg(res, variant, "d", {"autoMinorVersionUpgrade": UB}),
    })


def test_ec07_own_subnet_group(res, variant, assert_exact):
    from policies.elasticache import CLUSTER

    assert_exact("EC-07", {
        "pass_group_subnets": rg(res, variant, "a", {"subnetGroupName": "shop-cache-subnets"}),
        "pass_member_uses_group": res(CLUSTER, "a2", {"replicationGroupId": "shop-cache"}),
        "pass_memcached_subnets": res(CLUSTER, "a3", {"engine": "memcached", "subnetGroupName": "mc-subnets"}),
        "fail_group_default": rg(res, variant, "b"),
        "fail_cluster_default": res(CLUSTER, "c", {"engine": "memcached"}),
        "unknown_subnet_group": rg(res, variant, "d", {"subnetGroupName": U}),
    })

"""The ElastiCache collector: replication groups."""

from __future__ import annotations

from rollout.live.audit import elasticache
from tests.rollout import audit_fixtures as fx


def test_a_hand_made_plaintext_cache_is_found(aws):
    def drift(account):
        account.client("elasticache").create_replication_group(
            ReplicationGroupId="legacy-cache", ReplicationGroupDescription="hand-made", Engine="redis",
            CacheNodeType="cache.t4g.micro", NumCacheClusters=1)

    added, _ = fx.drift_adds((fx.build_cache,), drift)
    assert added == {("EC-01", "legacy-cache"), ("EC-02", "legacy-cache"), ("EC-03", "legacy-cache"),
                     ("EC-04", "legacy-cache"), ("EC-05", "legacy-cache")}


def test_minor_upgrades_and_subnet_group_are_read_from_the_group_and_its_members():
    group = {"ReplicationGroupId": "g", "ARN": "arn:aws:elasticache:r:1:replicationgroup:g",
             "MemberClusters": ["g-001", "g-002"], "AutoMinorVersionUpgrade": False}
    props = elasticache.normalize_replication_group(group, {"g-001": "shop-cache-subnets"}).props
    assert props["autoMinorVersionUpgrade"] is False and props["subnetGroupName"] == "shop-cache-subnets"
    assert elasticache.normalize_replication_group(group, {"g-002": "default"}).props["subnetGroupName"] == "default"


def test_a_group_whose_members_were_not_listed_has_an_unknown_subnet_group(aws):
    fx.account_with(fx.build_cache)
    result = fx.run()
    ec07 = [f for f in result.findings if f.control == "EC-07"]
    assert [(f.name, f.status) for f in ec07] == [("shop-cache", "unknown")]  # moto lists no member clusters

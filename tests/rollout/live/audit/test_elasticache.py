"""The ElastiCache collector: replication groups."""

from __future__ import annotations

from tests.rollout import audit_fixtures as fx


def test_a_hand_made_plaintext_cache_is_found(aws):
    def drift(account):
        account.client("elasticache").create_replication_group(
            ReplicationGroupId="legacy-cache", ReplicationGroupDescription="hand-made", Engine="redis",
            CacheNodeType="cache.t4g.micro", NumCacheClusters=1)

    added, _ = fx.drift_adds((fx.build_cache,), drift)
    assert added == {("EC-01", "legacy-cache"), ("EC-02", "legacy-cache"), ("EC-03", "legacy-cache"),
                     ("EC-04", "legacy-cache"), ("EC-05", "legacy-cache")}


def test_a_member_cluster_gives_the_group_its_subnet_group_and_security_groups():
    from rollout.live.audit import elasticache

    group = {"ReplicationGroupId": "shop-cache", "ARN": "arn:rg", "MemberClusters": ["shop-cache-001"],
             "AutoMinorVersionUpgrade": True}
    member = {"CacheClusterId": "shop-cache-001", "CacheSubnetGroupName": "shop-cache-subnets",
              "SecurityGroups": [{"SecurityGroupId": "sg-1", "Status": "active"}]}
    shaped = elasticache.normalize_replication_group(group, member, "123456789012", "ap-southeast-1")
    assert (shaped.props["subnetGroupName"], list(shaped.props["securityGroupIds"])) == ("shop-cache-subnets", ["sg-1"])
    assert shaped.props["autoMinorVersionUpgrade"] is True
    assert shaped.property_dependencies == {
        "securityGroupIds": ["arn:aws:ec2:ap-southeast-1:123456789012:security-group/sg-1"]}
    assert "subnetGroupName" not in elasticache.normalize_replication_group(group).props

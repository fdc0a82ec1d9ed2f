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

"""Pricing rules of rollout.analysis.cost.pricers.elasticache on hand-built inventories."""

from __future__ import annotations

import pytest

from tests.rollout.analysis.cost.builders import US, price, res


def test_elasticache_nodes_in_both_regions_and_unknown_node_types():
    group = res(
        "aws:elasticache/replicationGroup:ReplicationGroup",
        "cache",
        {"nodeType": "cache.t4g.small", "numCacheClusters": 2, "engine": "redis"},
    )
    # Singapore: 2 nodes x 730 h x 0.048 (old but sourced data) = 70.08
    assert price(group).total_monthly == pytest.approx(70.08)
    big = res(
        "aws:elasticache/replicationGroup:ReplicationGroup",
        "cache",
        {"nodeType": "cache.m7g.xlarge", "numCacheClusters": 2, "engine": "redis"},
    )
    sg = price(big)
    assert not sg.resources[0].components[0].price_known
    assert "not found for ap-southeast-1" in sg.resources[0].components[0].note
    assert sg.total_monthly == 0
    # 2 nodes x 730 h x 0.032 = 46.72
    assert price(group, region=US).total_monthly == pytest.approx(46.72)
    valkey = res(
        "aws:elasticache/replicationGroup:ReplicationGroup",
        "cache",
        {"nodeType": "cache.t4g.small", "numCacheClusters": 2, "engine": "valkey"},
    )
    component = price(valkey, region=US).resources[0].components[0]
    # 2 x 730 x 0.0256 = 37.376, sourced from the AWS price list read of 2026-09-09 ([K3])
    assert component.monthly == pytest.approx(37.376)
    assert not component.derived
    # in Singapore the same Valkey node is Redis OSS 0.048 x 0.8 = 0.0384: 2 x 730 x 0.0384 = 56.064, derived
    sg_valkey = price(valkey).resources[0].components[0]
    assert (sg_valkey.monthly, sg_valkey.derived) == (pytest.approx(56.064), True)

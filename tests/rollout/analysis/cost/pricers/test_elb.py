"""Pricing rules of rollout.analysis.cost.pricers.elb on hand-built inventories."""

from __future__ import annotations

import pytest

from tests.rollout.analysis.cost.builders import price, res


def test_alb_hours_lcus_and_public_ipv4_per_zone():
    report = price(res("aws:lb/loadBalancer:LoadBalancer", "alb", {"subnets": ["a", "b"]}))
    # 730 x 0.0252 = 18.396; 1 LCU x 730 x 0.008 = 5.84; 2 IPs x 730 x 0.005 = 7.30 => 31.536
    assert report.total_monthly == pytest.approx(31.536)
    internal = price(res("aws:lb/loadBalancer:LoadBalancer", "alb", {"internal": True}))
    assert internal.total_monthly == pytest.approx(18.396 + 5.84)

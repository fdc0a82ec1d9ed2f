"""Pricing rules of rollout.analysis.cost.pricers.vpc on hand-built inventories."""

from __future__ import annotations

import pytest

from tests.rollout.analysis.cost.builders import price, res


def test_nat_gateway_hours_and_gb():
    report = price(res("aws:ec2/natGateway:NatGateway", "nat"))
    # 730 x 0.059 = 43.07; 10 GB (small) x 0.059 = 0.59
    assert report.total_monthly == pytest.approx(43.66)

"""Pricing rules of rollout.analysis.cost.pricers.amp on hand-built inventories."""

from __future__ import annotations

import pytest

from tests.rollout.analysis.cost.builders import US, price, res


def test_prometheus_samples_after_free_tier():
    # small: 2e8 samples = 20 x 10M, minus 4 free = 16 x 0.90 = 14.40; 1 GB storage within the free 10 GB
    assert price(res("aws:amp/workspace:Workspace", "amp"), region=US).total_monthly == pytest.approx(14.40)

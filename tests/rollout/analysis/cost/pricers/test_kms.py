"""Pricing rules of rollout.analysis.cost.pricers.kms on hand-built inventories."""

from __future__ import annotations

import pytest

from tests.rollout.analysis.cost.builders import line, price, res


def test_customer_managed_key_and_requests():
    report = price(res("aws:kms/key:Key", "k"))
    # 1.00 per key-month + 1 x 10k requests x 0.03
    assert report.total_monthly == pytest.approx(1.03)
    assert line(report, "Customer managed key").quantity == 1

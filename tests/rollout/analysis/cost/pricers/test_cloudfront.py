"""Pricing rules of rollout.analysis.cost.pricers.cloudfront on hand-built inventories."""

from __future__ import annotations

import pytest

from rollout.model.settings import UsageSettings
from tests.rollout.analysis.cost.builders import line, price, res

CF = "aws:cloudfront/distribution:Distribution"


def test_cloudfront_small_usage_fits_the_always_free_allowance():
    report = price(res(CF, "cdn"))
    data = line(report, "Data transfer out")
    # 100 GB and 1M requests (100 x 10k) are inside 1 TB + 10M requests free
    assert (data.quantity, data.free_quantity, data.monthly) == (100, 100, 0)
    assert report.total_monthly == 0
    assert report.free_tiers_used[0][1] == 100


def test_cloudfront_by_region_group_and_price_class():
    usage = UsageSettings(by_resource={"cdn": {"monthlyDataTransferGb": 3000, "monthlyHttpsRequests": 50e6}})
    # Asia edges: (3000 - 1000 free) x 0.120 = 240; (5000 - 1000 free) x 10k x 0.0120 = 48 => 288
    assert price(res(CF, "cdn"), usage=usage).total_monthly == pytest.approx(288)
    # PriceClass_100 has no Asian edges: (2000 x 0.085) + (4000 x 0.0100) = 170 + 40 = 210
    narrow = price(res(CF, "cdn", {"priceClass": "PriceClass_100"}), usage=usage)
    assert narrow.total_monthly == pytest.approx(210)
    assert "excludes asia" in narrow.resources[0].note


def test_cloudfront_flat_rate_plan_option():
    report = price(res(CF, "cdn"), usage=UsageSettings(cloudfront_plan="pro"))
    assert [(c.name, c.monthly, c.usage_based) for c in report.resources[0].components] == [
        ("Flat-rate plan (pro)", 15.0, False)]

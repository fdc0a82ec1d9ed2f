"""Pricing rules of rollout.analysis.cost.pricers.kms on hand-built inventories."""

from __future__ import annotations

import pytest

from tests.rollout.analysis.cost.builders import line, price, res


def test_customer_managed_key_and_requests():
    report = price(res("aws:kms/key:Key", "k"))
    # 1.00 per key-month + 1 x 10k requests x 0.03
    assert report.total_monthly == pytest.approx(1.03)
    assert line(report, "Customer managed key").quantity == 1


def test_a_key_outside_the_catalog_regions_has_awss_one_key_price_its_requests_stay_unknown():
    # a backup copy key in Tokyo, which the catalog has no prices for: AWS's page gives one key price ([P3])
    report = price(res("aws:kms/key:Key", "k"), region="ap-northeast-1")
    key, requests = line(report, "Customer managed key"), line(report, "Requests")
    assert (key.price_known, key.monthly) == (True, 1.0) and "one rate in every commercial region" in key.note
    assert not requests.price_known
    assert not line(price(res("aws:kms/key:Key", "k"), region="cn-north-1"), "Customer managed key").price_known

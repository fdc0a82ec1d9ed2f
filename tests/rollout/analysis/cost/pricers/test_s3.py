"""Pricing rules of rollout.analysis.cost.pricers.s3 on hand-built inventories."""

from __future__ import annotations

import pytest

from tests.rollout.analysis.cost.builders import US, price, res


def test_bucket_storage_and_requests():
    bucket = res("aws:s3/bucket:Bucket", "b")
    # 5 GB x 0.025 + 10 x 1k PUT x 0.005 + 100 x 1k GET x 0.0004 = 0.215
    assert price(bucket).total_monthly == pytest.approx(0.215)
    # us-east-1 Standard storage is 0.023: 0.115 + 0.05 + 0.04 = 0.205
    assert price(bucket, region=US).total_monthly == pytest.approx(0.205)

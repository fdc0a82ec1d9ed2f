"""Pricing rules of rollout.analysis.cost.pricers.secretsmanager on hand-built inventories."""

from __future__ import annotations

import pytest

from rollout.model.settings import UsageSettings
from tests.rollout.analysis.cost.builders import SG, line, price, res


def test_secret_month_plus_api_calls_from_usage():
    report = price(res("aws:secretsmanager/secret:Secret", "s"))
    # 0.40 per secret-month + small profile 10k calls x 0.05 per 10k
    assert report.total_monthly == pytest.approx(0.45)
    usage = UsageSettings(by_resource={"s": {"monthlyApiCalls": 1e6}})
    # 0.40 + 100 x 0.05 = 5.40
    assert price(res("aws:secretsmanager/secret:Secret", "s"), region=SG, usage=usage).total_monthly == \
        pytest.approx(5.40)
    assert line(report, "API requests").usage_based

"""Pricing rules of rollout.analysis.cost.pricers.cloudwatch on hand-built inventories."""

from __future__ import annotations

import pytest

from rollout.model.settings import UsageSettings
from tests.rollout.analysis.cost.builders import price, res


def test_cloudwatch_alarms_dashboards_and_logs_after_free_tier():
    alarms = [res("aws:cloudwatch/metricAlarm:MetricAlarm", f"a{i}", {"period": 60}) for i in range(12)]
    dashboards = [res("aws:cloudwatch/dashboard:Dashboard", f"d{i}") for i in range(4)]
    logs = res("aws:cloudwatch/logGroup:LogGroup", "app", {"retentionInDays": 30})
    usage = UsageSettings(by_type={"aws:cloudwatch/logGroup:LogGroup": {"monthlyIngestGb": 10}})
    report = price(*alarms, *dashboards, logs, usage=usage)
    # alarms: 12 - 10 free = 2 x 0.10 = 0.20; dashboards: 4 - 3 free = 1 x 3.00 = 3.00
    # logs: (10 - 5 free) GB x 0.70 = 3.50; stored 10 GB x 30 days / 30 = 10 GB x 0.03 = 0.30
    assert sum(r.monthly for r in report.resources[:12]) == pytest.approx(0.20)
    assert sum(r.monthly for r in report.resources[12:16]) == pytest.approx(3.00)
    assert report.resources[16].monthly == pytest.approx(3.80)


def test_metric_math_alarm_is_billed_per_metric():
    alarm = res("aws:cloudwatch/metricAlarm:MetricAlarm", "error-rate", {"metricQueries": [
        {"id": "e", "expression": "m1/m2"}, {"id": "m1", "metric": {"metricName": "5xx"}},
        {"id": "m2", "metric": {"metricName": "Requests"}}]})
    assert price(alarm).resources[0].components[0].quantity == 2

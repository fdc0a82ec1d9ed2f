"""Pricing rules of rollout.analysis.cost.pricers.cloudwatch on hand-built inventories."""

from __future__ import annotations

import pytest

from rollout.model.settings import UsageSettings
from tests.rollout.analysis.cost.builders import US, price, res


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


def test_high_resolution_and_anomaly_detection_alarms():
    alarm = "aws:cloudwatch/metricAlarm:MetricAlarm"
    high = res(alarm, "p95", {"period": 10})
    band = res(alarm, "band", {"metricQueries": [
        {"id": "m1", "metric": {"metricName": "Latency", "namespace": "AWS/ELB", "period": 60, "stat": "p95"}},
        {"id": "ad1", "expression": "ANOMALY_DETECTION_BAND(m1, 2)"}]})
    report = price(high, band, region=US)
    # Infracost: high resolution 1 metric = 0.30 (no free tier); anomaly detection = 3 standard metrics x 0.10,
    # all three inside the 10 free standard alarm metrics
    assert [(r.name, r.components[0].name, r.components[0].quantity, r.components[0].price, r.monthly)
            for r in report.resources] == [
        ("p95", "High-resolution alarm metrics", 1, 0.30, pytest.approx(0.30)),
        ("band", "Standard anomaly detection alarm (3 metrics)", 3, 0.10, 0.0)]
    assert report.resources[1].components[0].free_quantity == 3


def test_a_log_metric_filter_is_billed_as_the_custom_metric_it_publishes(synth):
    from tests.rollout.analysis.cost.builders import breakdown, golden

    def program() -> None:
        import pulumi_aws as aws

        errors = aws.cloudwatch.LogMetricFilterMetricTransformationArgs(name="Errors", namespace="App", value="1")
        by_route = aws.cloudwatch.LogMetricFilterMetricTransformationArgs(
            name="Latency", namespace="App", value="$.latency", dimensions={"Route": "$.route"})
        aws.cloudwatch.LogMetricFilter("errors", log_group_name="app", pattern="ERROR", metric_transformation=errors)
        aws.cloudwatch.LogMetricFilter("latency", log_group_name="app", pattern="{ $.latency > 0 }",
                                       metric_transformation=by_route)

    report = golden(synth, program)
    # Amazon CloudWatch: a custom metric 0.30 a month; with dimensions each value combination is another metric
    assert breakdown(report) == [
        ("errors", "Custom metric published", 1.0, "month", 0.3),
        ("latency", "Custom metric published", 1.0, "month", 0.3),
    ]
    assert report.resources[0].components[0].note == ""
    assert "lower bound" in report.resources[1].components[0].note

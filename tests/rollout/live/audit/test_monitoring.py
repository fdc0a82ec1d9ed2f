"""The monitoring collector: log groups, alarms, topics, trails and budgets."""

from __future__ import annotations

from tests.rollout import audit_fixtures as fx


def test_short_retention_and_a_muted_alarm_are_found(aws):
    def drift(account):
        account.client("logs").put_retention_policy(logGroupName=account.log_group, retentionInDays=7)
        account.client("cloudwatch").put_metric_alarm(
            AlarmName="shop-web-5xx", MetricName="HTTPCode_Target_5XX_Count", Namespace="AWS/ApplicationELB",
            Statistic="Sum", Period=60, EvaluationPeriods=5, Threshold=10, ComparisonOperator="GreaterThanThreshold",
            ActionsEnabled=False)

    added, _ = fx.drift_adds((fx.build_baseline, fx.build_observability), drift)
    assert added == {("CW-01", "/shop/web"), ("CW-02", "shop-web-5xx")}

"""CloudWatch alarms, log groups and dashboards."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rollout.analysis.cost.context import PricingContext, Priced
from rollout.model.inventory import Resource


def _metric_alarm(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    queries = inputs.get("metricQueries") or []
    metrics = sum(1 for q in queries if isinstance(q, Mapping) and q.get("metric")) if queries else 1
    period = inputs.get("period")
    if isinstance(period, (int, float)) and period < 60:
        return Priced([ctx.line("High-resolution alarm metrics", "cloudwatch:alarm:high-resolution", "month",
                                 max(metrics, 1))])
    return Priced([ctx.line("Standard alarm metrics", "cloudwatch:alarm:standard", "month", max(metrics, 1))])


def _log_group(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    ingest = ctx.usage(resource, "monthlyIngestGb")
    retention = inputs.get("retentionInDays")
    if isinstance(retention, int) and retention > 0:
        stored = ingest * retention / 30
        label = f"Storage (ingest x {retention} days / 30, uncompressed upper bound)"
    else:
        stored, label = ctx.usage(resource, "storageGb"), "Storage (never expires)"
    return Priced([
        ctx.line("Data ingested", "cloudwatch:logs:ingest", "GB", ingest, usage_based=True),
        ctx.line(label, "cloudwatch:logs:storage", "GB-month", stored, usage_based=True),
    ])


def _dashboard(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    return Priced([ctx.line("Dashboard", "cloudwatch:dashboard", "month", 1)])


PRICERS = {
    "aws:cloudwatch/metricAlarm:MetricAlarm": _metric_alarm,
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:cloudwatch/dashboard:Dashboard": _dashboard,
}

"""CloudWatch alarms, log groups and dashboards."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rollout.analysis.cost.context import Priced, PricingContext
from rollout.model.inventory import Resource


def _metric_alarm(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    queries = [q for q in inputs.get("metricQueries") or [] if isinstance(q, Mapping)]
    metrics = sum(1 for q in queries if q.get("metric")) if queries else 1
    period = inputs.get("period")
    resolution = "high-resolution" if isinstance(period, (int, float)) and period < 60 else "standard"
    label = "High-resolution" if resolution == "high-resolution" else "Standard"
    if any("ANOMALY_DETECTION_BAND" in str(q.get("expression") or "") for q in queries):
        # An anomaly detection alarm is billed as three alarm metrics: the metric and the band's upper and lower
        # bounds (Amazon CloudWatch pricing, alarms).
        return Priced([ctx.line(f"{label} anomaly detection alarm (3 metrics)", f"cloudwatch:alarm:{resolution}",
                                "month", 3 * max(metrics, 1))])
    return Priced([ctx.line(f"{label} alarm metrics", f"cloudwatch:alarm:{resolution}", "month", max(metrics, 1))])


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

"""CloudWatch alarms, log groups, log metric filters and dashboards, and vended logs (flow logs, log deliveries)."""

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


def _log_metric_filter(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    # A metric filter publishes a custom metric, billed as one (Amazon CloudWatch pricing: metrics emitted by log
    # metric filters are charged as custom metrics); each distinct set of dimension values is another metric.
    transformation = inputs.get("metricTransformation") or {}
    dimensions = transformation.get("dimensions") if isinstance(transformation, Mapping) else None
    note = ("each distinct combination of dimension values is a metric of its own: 1 is a lower bound"
            if dimensions else "")
    return Priced([ctx.line("Custom metric published", "cloudwatch:metric", "month", 1, note=note)])


def _vended_logs(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    # VPC flow logs and CloudWatch log deliveries are "vended logs", billed per GB delivered (tiered); the catalog
    # has no vended-logs price yet.
    return Priced([ctx.unknown("Vended logs delivered", "GB", "no catalog price for CloudWatch vended logs",
                               usage_based=True)])


PRICERS = {
    "aws:cloudwatch/metricAlarm:MetricAlarm": _metric_alarm,
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:cloudwatch/dashboard:Dashboard": _dashboard,
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": _log_metric_filter,
    "aws:cloudwatch/logDelivery:LogDelivery": _vended_logs,
    "aws:ec2/flowLog:FlowLog": _vended_logs,
}

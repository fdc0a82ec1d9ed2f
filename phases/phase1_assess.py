"""Phase 1: Assess. Measure before changing anything: what the site costs, whether it is up, who changes what."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from components.baseline import Baseline, BaselineArgs

if TYPE_CHECKING:
    from phases import Context

NUMBER = 1
TITLE = "Assess"
GOAL = ("A measured baseline before any change: monthly cost with budget and anomaly alerts, uptime and latency "
        "of the current site, and an audit trail of every change to the account.")
KPIS: tuple[str, ...] = ("TTFB p50/p95/p99", "error rate", "uptime", "monthly cost")
ADDS: tuple[str, ...] = (
    "AWS Budget with actual and forecast alerts",
    "Cost Anomaly Detection monitor and subscription",
    "KMS-encrypted SNS alert topic (email subscriptions)",
    "Route 53 HTTPS health check on the current site, its CloudWatch alarm in us-east-1 paging the alert emails",
    "private, versioned log bucket with lifecycle",
    "multi-region CloudTrail trail (log file validation, KMS)",
)


def manual_steps(config: Any) -> tuple[str, ...]:
    """What the SME does by hand at this phase (printed by `rollout plan`)."""
    return (
        "Confirm the SNS subscription e-mail each alert address receives (alert topic"
        + ("" if config.region == "us-east-1" else ", and the uptime topic in us-east-1") + ").",
        "Lower the TTL of the site's DNS records to 300 s at the current DNS host now, at least one old TTL "
        "before phase 2's switch, so that a switch (or its rollback) takes effect within minutes.",
        "Run `rollout assess https://" + config.site.domain + " --save baseline.json`: the baseline later phases "
        "are compared with.",
    )


def build(ctx: Context) -> None:
    """The baseline component, named `baseline`."""
    config = ctx.config
    baseline = Baseline("baseline", BaselineArgs(
        site_domain=config.site.domain,
        health_check_path=config.site.health_check_path,
        monthly_budget_usd=config.budget.monthly_limit_usd,
        budget_thresholds_percent=config.budget.thresholds_percent,
        alert_emails=config.budget.alert_emails,
        anomaly_monitor=config.budget.anomaly_monitor,
        region=config.region,
        production=config.production,
    ), ctx.opts(NUMBER), us_east_1=ctx.us_east_1 if config.region != "us-east-1" else None)
    ctx.components["baseline"] = baseline
    ctx.outputs["alertTopicArn"] = baseline.alert_topic_arn
    ctx.outputs["logBucketName"] = baseline.log_bucket_name

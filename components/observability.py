"""Observability (phase 5): Managed Prometheus and Grafana, encrypted log groups, SLO alarms and dashboards as code.

What is watched is decided by a pure function, `slo_signals`, from the components that exist at the phase being
built (no queue alarms without queues, no replica-lag alarm without replicas). The same signals drive the
CloudWatch alarms (wired to the alert topic), the CloudWatch dashboard and the Grafana dashboard. CloudWatch alarms
cover every in-region signal; Grafana alert rules cover what CloudWatch alarms cannot reach from this region
(CloudFront metrics live in us-east-1) plus Prometheus scrape health, so nothing pages twice.

Fixed in code: a customer-managed key for Prometheus and the log groups; Prometheus logging; Grafana with
SSO/SAML sign-in only, service-managed permissions, network access limited to listed CIDRs and a VPC endpoint,
and a workspace role that may only query this Prometheus workspace, read CloudWatch metrics and publish to the
alert topic (and encrypt with its KMS key: an SNS topic with SSE accepts a publish only from a caller allowed
kms:GenerateDataKey* and kms:Decrypt on the topic's key, docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).

Sign-in: with AWS_SSO (IAM Identity Center must be enabled in the account) the listed Identity Center users and
groups get the ADMIN or EDITOR role (`aws.grafana.RoleAssociation`); with SAML the IdP's metadata and the
assertion values that map to admin and editor (`aws.grafana.WorkspaceSamlConfiguration`). Without either, nobody
can sign in: the stack config requires them from phase 5.

The Grafana provider authenticates with a workspace service-account token. Tokens live at most 30 days
(CreateWorkspaceServiceAccountToken, secondsToLive <= 2592000): the token is named after the 20-day window the run
falls in (`token_window`), so the first `pulumi up` of a new window replaces it before the old one expires, and a
stack left alone longer gets a fresh token on its next `pulumi up`. Content (data sources, dashboards, alert rules)
goes through the workspace API, which network access control restricts to the listed CIDRs and the VPC endpoint:
`pulumi up` must run from one of them (a runner inside the VPC reaches it through the endpoint), or set
`provisioning=False` (observability.grafanaProvisioning) and the workspace is built without its content.

Writers: nothing in AWS scrapes a site's servers into Prometheus by itself. The component exports the workspace's
remote-write URL and a least-privilege policy (`aps:RemoteWrite` on this workspace) for the role of whatever runs
the collector (a Prometheus agent or the ADOT collector with SigV4 on the web tier or the current server).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field, field_validator

from components.kms import LOGS_SERVICE, customer_managed_key

PERIOD_SECONDS = 300
GRAFANA_VERSION = "10.4"
TOKEN_SECONDS = 30 * 24 * 3600
"""The longest a workspace service-account token may live (secondsToLive maximum 2592000)."""
TOKEN_WINDOW_DAYS = 20
"""A new token every 20 days: ten days before the previous one expires."""
IDENTITY_STORE_ID = re.compile(r"([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}")
"""IAM Identity Center user and group ids (Identity Store API, UserId / GroupId pattern)."""
CLOUDWATCH_UID = "cloudwatch"
PROMETHEUS_UID = "prometheus"
GRAFANA_QUERY_ACTIONS = ("aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata")
CLOUDWATCH_READ_ACTIONS = ("cloudwatch:GetMetricData", "cloudwatch:ListMetrics", "cloudwatch:DescribeAlarms",
                           "cloudwatch:GetMetricStatistics", "ec2:DescribeRegions", "tag:GetResources")
"""CloudWatch's read APIs have no resource-level permissions (Resource must be "*"); they are read-only."""


# --- what to watch (pure) ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Metric:
    id: str
    namespace: str
    name: str
    dimensions: dict[str, Any]
    stat: str


@dataclass(frozen=True)
class Signal:
    """One SLO signal: a metric (or metric math over several) compared with a threshold."""

    key: str
    title: str
    metrics: tuple[Metric, ...]
    threshold: float
    comparison: Literal["GreaterThanThreshold", "LessThanThreshold"]
    expression: str | None = None
    region: str | None = None
    """None: the stack's region; otherwise (CloudFront) the region CloudWatch keeps the metric in."""
    component: str = ""


@dataclass(frozen=True)
class Watched:
    """What exists at the phase being built, as the dimension values CloudWatch knows it by."""

    load_balancer: Any = None
    target_groups: dict[str, Any] = field(default_factory=dict)
    distribution_id: Any = None
    queues: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    database: Any = None
    replicas: tuple[Any, ...] = ()
    cache_nodes: tuple[Any, ...] = ()


def slo_signals(watched: Watched, slo: Any) -> list[Signal]:
    """The signals for the components in `watched`, with thresholds from the SLO config (phases.config.SloConfig)."""
    signals: list[Signal] = []
    if watched.distribution_id is not None:
        cf = {"DistributionId": watched.distribution_id, "Region": "Global"}
        signals += [
            Signal("cdn-5xx", "CDN 5xx rate (%)", (Metric("a", "AWS/CloudFront", "5xxErrorRate", cf, "Average"),),
                   slo.five_xx_rate_percent, "GreaterThanThreshold", region="us-east-1", component="cdn"),
            Signal("cdn-errors", "CDN error rate (%)", (Metric("a", "AWS/CloudFront", "TotalErrorRate", cf, "Average"),),
                   slo.error_rate_percent, "GreaterThanThreshold", region="us-east-1", component="cdn"),
            Signal("cdn-origin-p95", "CDN origin latency p95 (ms)",
                   (Metric("a", "AWS/CloudFront", "OriginLatency", cf, "p95"),),
                   slo.p95_latency_ms, "GreaterThanThreshold", region="us-east-1", component="cdn"),
        ]
    if watched.load_balancer is not None:
        lb = {"LoadBalancer": watched.load_balancer}
        signals += [
            Signal("alb-p95", "ALB target response time p95 (s)",
                   (Metric("a", "AWS/ApplicationELB", "TargetResponseTime", lb, "p95"),),
                   slo.p95_latency_ms / 1000, "GreaterThanThreshold", component="web_tier"),
            Signal("alb-5xx", "ALB 5xx rate (%)",
                   (Metric("a", "AWS/ApplicationELB", "RequestCount", lb, "Sum"),
                    Metric("b", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", lb, "Sum"),
                    Metric("c", "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", lb, "Sum")),
                   slo.five_xx_rate_percent, "GreaterThanThreshold", expression="100*(FILL(b,0)+FILL(c,0))/a",
                   component="web_tier"),
            Signal("alb-errors", "ALB error rate (%)",
                   (Metric("a", "AWS/ApplicationELB", "RequestCount", lb, "Sum"),
                    Metric("b", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", lb, "Sum"),
                    Metric("c", "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", lb, "Sum"),
                    Metric("d", "AWS/ApplicationELB", "TargetConnectionErrorCount", lb, "Sum"),
                    Metric("e", "AWS/ApplicationELB", "RejectedConnectionCount", lb, "Sum")),
                   slo.error_rate_percent, "GreaterThanThreshold",
                   expression="100*(FILL(b,0)+FILL(c,0)+FILL(d,0)+FILL(e,0))/a", component="web_tier"),
        ]
        for name, target_group in watched.target_groups.items():
            dims = {"LoadBalancer": watched.load_balancer, "TargetGroup": target_group}
            signals.append(Signal(f"{name}-unhealthy", f"{name}: unhealthy targets",
                                  (Metric("a", "AWS/ApplicationELB", "UnHealthyHostCount", dims, "Maximum"),),
                                  0, "GreaterThanThreshold", component="web_tier"))
    for name, (queue, dead_letter_queue) in watched.queues.items():
        signals += [
            Signal(f"{name}-age", f"{name}: oldest message age (s)",
                   (Metric("a", "AWS/SQS", "ApproximateAgeOfOldestMessage", {"QueueName": queue}, "Maximum"),),
                   slo.queue_age_seconds, "GreaterThanThreshold", component="queue"),
            Signal(f"{name}-dlq", f"{name}: messages in the DLQ",
                   (Metric("a", "AWS/SQS", "ApproximateNumberOfMessagesVisible", {"QueueName": dead_letter_queue},
                           "Maximum"),),
                   0, "GreaterThanThreshold", component="queue"),
        ]
    if watched.database is not None:
        signals.append(Signal("db-cpu", "Database CPU (%)",
                              (Metric("a", "AWS/RDS", "CPUUtilization", {"DBInstanceIdentifier": watched.database},
                                      "Average"),),
                              slo.database_cpu_percent, "GreaterThanThreshold", component="database"))
        for number, replica in enumerate(watched.replicas, start=1):
            signals.append(Signal(f"db-replica{number}-lag", f"Replica {number} lag (s)",
                                  (Metric("a", "AWS/RDS", "ReplicaLag", {"DBInstanceIdentifier": replica}, "Maximum"),),
                                  slo.replica_lag_seconds, "GreaterThanThreshold", component="database"))
    for number, node in enumerate(watched.cache_nodes, start=1):
        dims = {"CacheClusterId": node}
        signals += [
            Signal(f"cache{number}-hit-ratio", f"Cache node {number} hit ratio (%)",
                   (Metric("a", "AWS/ElastiCache", "CacheHitRate", dims, "Average"),),
                   slo.cache_hit_ratio_percent, "LessThanThreshold", component="cache"),
            Signal(f"cache{number}-evictions", f"Cache node {number} evictions",
                   (Metric("a", "AWS/ElastiCache", "Evictions", dims, "Sum"),),
                   slo.cache_evictions, "GreaterThanThreshold", component="cache"),
        ]
    return signals


def _resolve_dimensions(signal: Signal) -> pulumi.Output[list[dict[str, str]]]:
    """Each metric's dimensions with Output values resolved (dimension values may come from other resources)."""
    return pulumi.Output.all(*[pulumi.Output.all(**m.dimensions) if m.dimensions else pulumi.Output.from_input({})
                               for m in signal.metrics])


def cloudwatch_dashboard_body(signals: Sequence[Signal], dimensions: Sequence[Sequence[dict[str, str]]],
                              region: str) -> str:
    """One graph widget per signal with its threshold as a horizontal line, two per row."""
    widgets = []
    for index, (signal, dims) in enumerate(zip(signals, dimensions)):
        metrics: list[list[Any]] = []
        if signal.expression:
            metrics.append([{"expression": signal.expression, "label": signal.title, "id": "x"}])
        for metric, metric_dims in zip(signal.metrics, dims):
            flat = [part for key, value in metric_dims.items() for part in (key, value)]
            options = {"id": metric.id, "stat": metric.stat, "visible": signal.expression is None}
            metrics.append([metric.namespace, metric.name, *flat, options])
        widgets.append({"type": "metric", "x": (index % 2) * 12, "y": (index // 2) * 6, "width": 12, "height": 6,
                        "properties": {"title": signal.title, "region": signal.region or region, "view": "timeSeries",
                                       "period": PERIOD_SECONDS, "metrics": metrics,
                                       "annotations": {"horizontal": [{"label": "SLO", "value": signal.threshold}]}}})
    return json.dumps({"widgets": widgets})


def _grafana_query(metric: Metric, dims: dict[str, str], region: str | None, ref_id: str,
                   hide: bool = False) -> dict[str, Any]:
    return {"refId": ref_id, "datasource": {"type": "cloudwatch", "uid": CLOUDWATCH_UID}, "queryMode": "Metrics",
            "namespace": metric.namespace, "metricName": metric.name, "dimensions": dims,
            "statistic": metric.stat, "period": str(PERIOD_SECONDS), "region": region or "default",
            "matchExact": True, "id": metric.id, "hide": hide, "metricQueryType": 0, "metricEditorMode": 0}


def grafana_dashboard(title: str, signals: Sequence[Signal], dimensions: Sequence[Sequence[dict[str, str]]]) -> str:
    """A Grafana dashboard (CloudWatch data source) with one time-series panel per signal and its threshold."""
    panels = []
    for index, (signal, dims) in enumerate(zip(signals, dimensions)):
        targets = [_grafana_query(m, d, signal.region, m.id.upper(), hide=signal.expression is not None)
                   for m, d in zip(signal.metrics, dims)]
        if signal.expression:
            targets.append({"refId": "X", "datasource": {"type": "cloudwatch", "uid": CLOUDWATCH_UID},
                            "expression": signal.expression, "id": "x", "metricEditorMode": 1,
                            "metricQueryType": 0, "region": signal.region or "default"})
        panels.append({"id": index + 1, "type": "timeseries", "title": signal.title,
                       "gridPos": {"x": (index % 2) * 12, "y": (index // 2) * 8, "w": 12, "h": 8},
                       "targets": targets,
                       "fieldConfig": {"defaults": {"thresholds": {"mode": "absolute", "steps": [
                           {"color": "green", "value": None}, {"color": "red", "value": signal.threshold}]},
                           "custom": {"thresholdsStyle": {"mode": "line"}}}, "overrides": []}})
    return json.dumps({"title": title, "uid": re.sub(r"[^a-z0-9-]", "-", title.lower())[:40], "schemaVersion": 39,
                       "time": {"from": "now-6h", "to": "now"}, "refresh": "1m", "panels": panels})


def grafana_rule(signal: Signal, dims: Sequence[dict[str, str]]) -> dict[str, Any]:
    """A Grafana alert rule for a signal: CloudWatch queries, a math node for expressions, reduce, threshold."""
    window = {"from_": 3 * PERIOD_SECONDS, "to": 0}
    data = [{"ref_id": m.id.upper(), "datasource_uid": CLOUDWATCH_UID, "relative_time_range": window,
             "model": json.dumps(_grafana_query(m, d, signal.region, m.id.upper()))}
            for m, d in zip(signal.metrics, dims)]
    source = "A"
    expr = {"type": "__expr__", "uid": "__expr__"}
    if signal.expression:
        math = re.sub(r"\b([a-e])\b", lambda found: f"${found.group(1).upper()}", signal.expression)
        math = re.sub(r"FILL\((\$[A-E]),0\)", r"\1", math)
        data.append({"ref_id": "M", "datasource_uid": "__expr__", "relative_time_range": window,
                     "model": json.dumps({"refId": "M", "type": "math", "expression": math, "datasource": expr})})
        source = "M"
    data.append({"ref_id": "R", "datasource_uid": "__expr__", "relative_time_range": window,
                 "model": json.dumps({"refId": "R", "type": "reduce", "reducer": "last", "expression": source,
                                      "datasource": expr})})
    evaluator = "gt" if signal.comparison == "GreaterThanThreshold" else "lt"
    data.append({"ref_id": "T", "datasource_uid": "__expr__", "relative_time_range": window,
                 "model": json.dumps({"refId": "T", "type": "threshold", "expression": "R", "datasource": expr,
                                      "conditions": [{"evaluator": {"type": evaluator,
                                                                    "params": [signal.threshold]}}]})})
    return {"name": signal.title, "condition": "T", "for_": "5m", "no_data_state": "OK",
            "exec_err_state": "Error", "labels": {"slo": signal.key}, "datas": data,
            "annotations": {"summary": f"{signal.title} breached {signal.threshold}"}}


SCRAPE_HEALTH_RULE: dict[str, Any] = {
    "name": "Prometheus targets down", "condition": "T", "for_": "5m", "no_data_state": "OK", "exec_err_state": "Error",
    "labels": {"slo": "scrape-health"}, "annotations": {"summary": "A scraped target has been down for 5 minutes"},
    "datas": [
        {"ref_id": "A", "datasource_uid": PROMETHEUS_UID, "relative_time_range": {"from_": 600, "to": 0},
         "model": json.dumps({"refId": "A", "expr": "sum(up == 0) or vector(0)", "instant": True})},
        {"ref_id": "T", "datasource_uid": "__expr__", "relative_time_range": {"from_": 600, "to": 0},
         "model": json.dumps({"refId": "T", "type": "threshold", "expression": "A",
                              "datasource": {"type": "__expr__", "uid": "__expr__"},
                              "conditions": [{"evaluator": {"type": "gt", "params": [0]}}]})},
    ],
}


# --- alarms -----------------------------------------------------------------------------------------------------

def alarm_inputs(signal: Signal, topic_arn: Any) -> dict[str, Any]:
    """The MetricAlarm arguments for an in-region signal: 3 of 3 periods, missing data not breaching."""
    common: dict[str, Any] = {
        "alarm_description": f"SLO: {signal.title} {'>' if signal.comparison.startswith('Greater') else '<'} "
                             f"{signal.threshold}",
        "comparison_operator": signal.comparison, "threshold": signal.threshold, "evaluation_periods": 3,
        "datapoints_to_alarm": 3, "treat_missing_data": "notBreaching", "actions_enabled": True,
        "alarm_actions": [topic_arn], "ok_actions": [topic_arn],
    }
    if signal.expression is None and len(signal.metrics) == 1:
        metric = signal.metrics[0]
        stat = {"extended_statistic": metric.stat} if re.fullmatch(r"p\d+(\.\d+)?", metric.stat) else {"statistic": metric.stat}
        return {**common, "namespace": metric.namespace, "metric_name": metric.name, "dimensions": metric.dimensions,
                "period": PERIOD_SECONDS, **stat}
    queries = [{"id": "x", "expression": signal.expression, "label": signal.title, "return_data": True}]
    queries += [{"id": m.id, "return_data": False, "metric": {"namespace": m.namespace, "metric_name": m.name,
                                                              "dimensions": m.dimensions, "period": PERIOD_SECONDS,
                                                              "stat": m.stat}} for m in signal.metrics]
    return {**common, "metric_queries": queries}


class SloAlarmsArgs(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    alert_topic_arn: Any = Field(description="SNS topic the alarms notify. Required.")
    signals: list[Any] = Field(default_factory=list, description="Signals to alarm on (in-region ones only). "
                                                                 "Defaults to none.")


class SloAlarms(pulumi.ComponentResource):
    """One CloudWatch alarm per in-region signal, notifying the alert topic on alarm and on recovery."""

    def __init__(self, name: str, args: SloAlarmsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sme-rollout:observability:SloAlarms", name, {}, opts)
        self.alarms = {s.key: aws.cloudwatch.MetricAlarm(f"{name}-{s.key}", **alarm_inputs(s, args.alert_topic_arn),
                                                         opts=pulumi.ResourceOptions(parent=self))
                       for s in args.signals if s.region is None}
        self.register_outputs({"alarmNames": {k: a.name for k, a in self.alarms.items()}})


# --- the observability stack --------------------------------------------------------------------------------------

def token_window(day: date) -> str:
    """The name suffix of the service-account token for `day`: the start of its 20-day window (UTC)."""
    ordinal = day.toordinal()
    return date.fromordinal(ordinal - ordinal % TOKEN_WINDOW_DAYS).isoformat()


class GrafanaSaml(BaseModel):
    """SAML sign-in: the IdP's metadata and the assertion attribute values that make a user admin or editor."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    idp_metadata_url: str = Field(description="URL of the IdP's SAML metadata. Required.")
    role_assertion: str = Field("role", description="Assertion attribute holding the user's roles. Defaults to role.")
    admin_role_values: list[str] = Field(min_length=1, description="Role values that make a user admin. Required.")
    editor_role_values: list[str] = Field(min_length=1, description="Role values that make a user editor. Required.")


class ObservabilityArgs(BaseModel):
    """What varies per stack."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    alert_topic_arn: Any = Field(description="SNS topic for alarms and Grafana notifications. Required.")
    vpc_id: Any = Field(description="VPC of the Grafana VPC endpoint. Required.")
    subnet_ids: Any = Field(description="Private subnets of the Grafana VPC endpoint. Required.")
    vpc_cidr: str = Field("10.40.0.0/16", description="VPC CIDR allowed to reach the endpoint. Defaults to 10.40.0.0/16.")
    allowed_cidrs: list[str] = Field(default_factory=list, description="Public CIDRs (offices, VPN) allowed to open "
                                                                       "Grafana. Defaults to none (VPC endpoint only).")
    grafana_auth: Literal["AWS_SSO", "SAML"] = Field("AWS_SSO", description="Grafana sign-in. Defaults to AWS_SSO.")
    alert_topic_key_arn: Any = Field(None, description="KMS key of the alert topic (Grafana must encrypt with it to "
                                                      "publish). Defaults to none (topic without SSE).")
    admin_user_ids: list[str] = Field(default_factory=list, description="IAM Identity Center users with the ADMIN "
                                                                        "role. Defaults to none.")
    admin_group_ids: list[str] = Field(default_factory=list, description="IAM Identity Center groups with the ADMIN "
                                                                         "role. Defaults to none.")
    editor_user_ids: list[str] = Field(default_factory=list, description="IAM Identity Center users with the EDITOR "
                                                                         "role. Defaults to none.")
    editor_group_ids: list[str] = Field(default_factory=list, description="IAM Identity Center groups with the "
                                                                          "EDITOR role. Defaults to none.")
    saml: GrafanaSaml | None = Field(None, description="SAML sign-in (grafana_auth SAML). Defaults to none.")
    provisioning: bool = Field(True, description="Provision data sources, dashboards and alert rules through the "
                                                 "workspace API (the runner must reach it). Defaults to true.")
    today: date | None = Field(None, description="The date the token window is computed from. Defaults to today "
                                                 "(UTC).")
    log_retention_days: int = Field(365, description="Retention of the log groups. Defaults to 365.")
    signals: list[Any] = Field(default_factory=list, description="Signals of the components existing so far: "
                                                                  "in-region ones become CloudWatch alarms, the others "
                                                                  "Grafana alert rules. Defaults to none.")

    @field_validator("admin_user_ids", "admin_group_ids", "editor_user_ids", "editor_group_ids")
    @classmethod
    def _identity_ids(cls, value: list[str]) -> list[str]:
        for identity in value:
            if not IDENTITY_STORE_ID.fullmatch(identity):
                raise ValueError(f"{identity!r} is not an IAM Identity Center user or group id")
        return value


def grafana_role_policy(workspace_arn: str, topic_arn: str, topic_key_arn: str | None = None) -> str:
    statements: list[dict[str, Any]] = [
        {"Sid": "QueryPrometheus", "Effect": "Allow", "Action": list(GRAFANA_QUERY_ACTIONS), "Resource": workspace_arn},
        {"Sid": "ReadCloudWatchMetrics", "Effect": "Allow", "Action": list(CLOUDWATCH_READ_ACTIONS), "Resource": "*"},
        {"Sid": "NotifyAlertTopic", "Effect": "Allow", "Action": ["sns:Publish"], "Resource": topic_arn},
    ]
    if topic_key_arn:
        # Publishing to an SSE topic needs the topic key (sns-key-management.html, "publishers ... kms:GenerateDataKey*,
        # kms:Decrypt"), through SNS only.
        statements.append({"Sid": "EncryptForAlertTopic", "Effect": "Allow",
                           "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": topic_key_arn,
                           "Condition": {"StringEquals": {"kms:ViaService": f"sns.{topic_arn.split(':')[3]}.amazonaws.com"}}})
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def remote_write_policy(workspace_arn: str) -> str:
    """What a collector needs to write metrics into this workspace, and nothing else."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "RemoteWrite", "Effect": "Allow", "Action": ["aps:RemoteWrite"], "Resource": workspace_arn}]})


def grafana_trust_policy(account_id: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "grafana.amazonaws.com"}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:SourceAccount": account_id}}}]})


class Observability(pulumi.ComponentResource):
    """AMP + AMG workspaces, log groups, SLO alarms, CloudWatch and Grafana dashboards, Grafana alerting."""

    def __init__(self, name: str, args: ObservabilityArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sme-rollout:observability:Observability", name, {}, opts)
        self._name = name
        self.args = args
        self._physical = f"{pulumi.get_stack()}-{name}"
        self._region = aws.get_region_output(opts=pulumi.InvokeOutputOptions(parent=self)).region
        self._account = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id

        self.key = customer_managed_key(name, f"{name}: Prometheus workspace and log groups", self, [LOGS_SERVICE])
        self.prometheus_log_group = self._create_log_group("prometheus", f"/aws/vendedlogs/prometheus/{self._physical}")
        self.app_log_group = self._create_log_group("app", f"/sme-rollout/{self._physical}/app")
        self.prometheus = self._create_prometheus()
        self.grafana_role = self._create_grafana_role()
        self.grafana = self._create_grafana()
        self._create_sign_in()
        self.remote_write_policy = aws.iam.Policy(
            f"{self._name}-remote-write", description=f"{self._name}: write metrics into the Prometheus workspace",
            policy=self.prometheus.arn.apply(remote_write_policy), opts=self._child())
        self.alarms = SloAlarms(f"{name}-slo", SloAlarmsArgs(alert_topic_arn=args.alert_topic_arn,
                                                              signals=args.signals),
                                pulumi.ResourceOptions(parent=self))
        self.grafana_provider = self._create_grafana_provider() if args.provisioning else None
        self.folder_uid = self._create_grafana_content(args.signals) if args.provisioning else None

        self.prometheus_endpoint = self.prometheus.prometheus_endpoint
        self.prometheus_remote_write_url = pulumi.Output.concat(self.prometheus.prometheus_endpoint,
                                                                "api/v1/remote_write")
        self.remote_write_policy_arn = self.remote_write_policy.arn
        self.grafana_endpoint = self.grafana.endpoint
        self.app_log_group_arn = self.app_log_group.arn
        self.app_log_group_name = self.app_log_group.name
        self.register_outputs({"prometheusEndpoint": self.prometheus.prometheus_endpoint,
                               "grafanaEndpoint": self.grafana.endpoint})

    def _child(self, **extra: Any) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, **extra)

    def _create_log_group(self, suffix: str, path: str) -> aws.cloudwatch.LogGroup:
        return aws.cloudwatch.LogGroup(f"{self._name}-{suffix}", name=path, kms_key_id=self.key.arn,
                                       retention_in_days=self.args.log_retention_days, opts=self._child())

    def _create_prometheus(self) -> aws.amp.Workspace:
        return aws.amp.Workspace(
            f"{self._name}-prometheus", alias=self._physical, kms_key_arn=self.key.arn,
            logging_configuration={"log_group_arn": pulumi.Output.concat(self.prometheus_log_group.arn, ":*")},
            opts=self._child())

    def _create_grafana_role(self) -> aws.iam.Role:
        role = aws.iam.Role(f"{self._name}-grafana", assume_role_policy=self._account.apply(grafana_trust_policy),
                            description="Managed Grafana: query this Prometheus, read CloudWatch, notify the alert topic.",
                            opts=self._child())
        policy = pulumi.Output.all(self.prometheus.arn, self.args.alert_topic_arn, self.args.alert_topic_key_arn).apply(
            lambda arns: grafana_role_policy(arns[0], arns[1], arns[2]))
        aws.iam.RolePolicy(f"{self._name}-grafana", role=role.id, policy=policy, opts=self._child())
        return role

    def _create_grafana_network(self) -> dict[str, Any]:
        endpoint_group = aws.ec2.SecurityGroup(
            f"{self._name}-grafana-endpoint", vpc_id=self.args.vpc_id, description="Grafana VPC endpoint: HTTPS from the VPC",
            ingress=[{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": [self.args.vpc_cidr],
                      "description": "HTTPS from the VPC"}], opts=self._child())
        endpoint = aws.ec2.VpcEndpoint(
            f"{self._name}-grafana", vpc_id=self.args.vpc_id, vpc_endpoint_type="Interface",
            service_name=pulumi.Output.concat("com.amazonaws.", self._region, ".grafana-workspace"),
            subnet_ids=self.args.subnet_ids, security_group_ids=[endpoint_group.id], private_dns_enabled=True,
            opts=self._child())
        prefix_list = aws.ec2.ManagedPrefixList(
            f"{self._name}-grafana-clients", name=f"{self._physical}-grafana-clients", address_family="IPv4",
            max_entries=max(len(self.args.allowed_cidrs), 1),
            entries=[{"cidr": cidr, "description": "allowed Grafana client"} for cidr in self.args.allowed_cidrs],
            opts=self._child())
        return {"prefix_list_ids": [prefix_list.id], "vpce_ids": [endpoint.id]}

    def _create_grafana(self) -> aws.grafana.Workspace:
        return aws.grafana.Workspace(
            f"{self._name}-grafana", name=self._physical, account_access_type="CURRENT_ACCOUNT",
            authentication_providers=[self.args.grafana_auth], permission_type="SERVICE_MANAGED",
            role_arn=self.grafana_role.arn, data_sources=["CLOUDWATCH", "PROMETHEUS"],
            notification_destinations=["SNS"], grafana_version=GRAFANA_VERSION,
            network_access_control=self._create_grafana_network(),
            configuration=json.dumps({"plugins": {"pluginAdminEnabled": False},
                                      "unifiedAlerting": {"enabled": True}}),
            opts=self._child())

    def _create_sign_in(self) -> None:
        """Who may sign in: Identity Center users and groups by role (AWS_SSO), or the SAML IdP's role values."""
        args = self.args
        if args.grafana_auth == "AWS_SSO":
            for role, users, groups in (("ADMIN", args.admin_user_ids, args.admin_group_ids),
                                        ("EDITOR", args.editor_user_ids, args.editor_group_ids)):
                if users or groups:
                    aws.grafana.RoleAssociation(f"{self._name}-grafana-{role.lower()}s", role=role,
                                                workspace_id=self.grafana.id, user_ids=list(users) or None,
                                                group_ids=list(groups) or None, opts=self._child())
        elif args.saml is not None:
            saml = args.saml
            aws.grafana.WorkspaceSamlConfiguration(
                f"{self._name}-grafana-saml", workspace_id=self.grafana.id, idp_metadata_url=saml.idp_metadata_url,
                role_assertion=saml.role_assertion, admin_role_values=list(saml.admin_role_values),
                editor_role_values=list(saml.editor_role_values), opts=self._child())

    def _create_grafana_provider(self) -> Any:
        import pulumiverse_grafana as grafana

        account = aws.grafana.WorkspaceServiceAccount(
            f"{self._name}-pulumi", name="pulumi", grafana_role="ADMIN", workspace_id=self.grafana.id,
            opts=self._child())
        window = token_window(self.args.today or datetime.now(UTC).date())
        token = aws.grafana.WorkspaceServiceAccountToken(
            f"{self._name}-pulumi", name=f"pulumi-{window}", service_account_id=account.service_account_id,
            workspace_id=self.grafana.id, seconds_to_live=TOKEN_SECONDS, opts=self._child())
        return grafana.Provider(f"{self._name}-grafana", url=pulumi.Output.concat("https://", self.grafana.endpoint),
                                auth=token.key, opts=self._child())

    def _create_grafana_content(self, signals: Sequence[Signal]) -> pulumi.Output[str]:
        import pulumiverse_grafana as grafana

        opts = self._child(provider=self.grafana_provider)
        grafana.oss.DataSource(f"{self._name}-cloudwatch", name="CloudWatch", type="cloudwatch", uid=CLOUDWATCH_UID,
                               json_data_encoded=self._region.apply(lambda region: json.dumps(
                                   {"authType": "ec2_iam_role", "defaultRegion": region})), opts=opts)
        grafana.oss.DataSource(f"{self._name}-prometheus", name="Prometheus", type="prometheus", uid=PROMETHEUS_UID,
                               is_default=True, url=self.prometheus.prometheus_endpoint,
                               json_data_encoded=self._region.apply(lambda region: json.dumps(
                                   {"httpMethod": "POST", "sigV4Auth": True, "sigV4AuthType": "ec2_iam_role",
                                    "sigV4Region": region})), opts=opts)
        folder = grafana.oss.Folder(f"{self._name}-slo", title="SLO", uid=f"{self._name}-slo"[:40], opts=opts)
        contact = grafana.alerting.ContactPoint(f"{self._name}-alerts", name="alert-topic",
                                                sns=[{"topic": self.args.alert_topic_arn, "auth_provider": "default"}],
                                                opts=opts)
        grafana.alerting.NotificationPolicy(f"{self._name}-alerts", contact_point=contact.name,
                                            group_bies=["alertname", "slo"], opts=opts)
        remote = [s for s in signals if s.region is not None]
        rules = pulumi.Output.all(*[_resolve_dimensions(s) for s in remote]).apply(
            lambda dims: [grafana_rule(s, d) for s, d in zip(remote, dims)] + [SCRAPE_HEALTH_RULE])
        grafana.alerting.RuleGroup(f"{self._name}-slo", name="slo", folder_uid=folder.uid, interval_seconds=60,
                                   rules=rules, opts=opts)
        return folder.uid


class DashboardsArgs(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    signals: list[Any] = Field(default_factory=list, description="Signals of every component built. Defaults to none.")
    grafana_provider: Any = Field(description="The workspace's Grafana provider; None when Grafana content is not "
                                              "provisioned (no Grafana dashboard then). Required.")
    folder_uid: Any = Field(description="Grafana folder of the dashboard. Required.")


class Dashboards(pulumi.ComponentResource):
    """The CloudWatch and Grafana SLO dashboards, built last so that they show every component of the phase."""

    def __init__(self, name: str, args: DashboardsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        import pulumiverse_grafana as grafana

        super().__init__("sme-rollout:observability:Dashboards", name, {}, opts)
        physical = f"{pulumi.get_stack()}-{name}"
        region = aws.get_region_output(opts=pulumi.InvokeOutputOptions(parent=self)).region
        signals = list(args.signals)
        dimensions = pulumi.Output.all(*[_resolve_dimensions(s) for s in signals])
        self.cloudwatch = aws.cloudwatch.Dashboard(
            name, dashboard_name=physical,
            dashboard_body=pulumi.Output.all(region, dimensions).apply(
                lambda values: cloudwatch_dashboard_body(signals, values[1], values[0])),
            opts=pulumi.ResourceOptions(parent=self))
        self.grafana = None if args.grafana_provider is None else grafana.oss.Dashboard(
            name, folder=args.folder_uid, overwrite=True,
            config_json=dimensions.apply(lambda dims: grafana_dashboard(f"{physical} SLO", signals, dims)),
            opts=pulumi.ResourceOptions(parent=self, provider=args.grafana_provider))
        self.dashboard_name = self.cloudwatch.dashboard_name
        self.register_outputs({"dashboardName": self.cloudwatch.dashboard_name})

"""The audit's collector for CloudWatch log groups and alarms, SNS topics, CloudTrail trails, budgets (CW-01..02)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from policies.core import Subject
from rollout.live.audit.reading import Collection, Reader, subject

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
BUDGET = "aws:budgets/budget:Budget"
TRAIL = "aws:cloudtrail/trail:Trail"
TOPIC = "aws:sns/topic:Topic"


def normalize_log_group(group: Mapping[str, Any]) -> Subject:
    # A log group without retention never expires, which Pulumi spells retentionInDays=0.
    props = {"name": group["logGroupName"], "retentionInDays": group.get("retentionInDays", 0),
             "kmsKeyId": group.get("kmsKeyId")}
    arn = group.get("logGroupArn") or str(group["arn"]).removesuffix(":*")
    return subject(LOG_GROUP, group["logGroupName"], arn, props)


def normalize_alarm(alarm: Mapping[str, Any]) -> Subject:
    props = {
        "name": alarm["AlarmName"], "actionsEnabled": alarm.get("ActionsEnabled", True),
        "alarmActions": alarm.get("AlarmActions", []), "okActions": alarm.get("OKActions", []),
        "insufficientDataActions": alarm.get("InsufficientDataActions", []),
        "metricName": alarm.get("MetricName"), "namespace": alarm.get("Namespace"),
        "comparisonOperator": alarm.get("ComparisonOperator"), "threshold": alarm.get("Threshold"),
        "evaluationPeriods": alarm.get("EvaluationPeriods"), "period": alarm.get("Period"),
    }
    return subject(METRIC_ALARM, alarm["AlarmName"], alarm["AlarmArn"], props)


def collect_monitoring(reader: Reader, out: Collection) -> None:
    with out.attempt("logs", (LOG_GROUP,)) as found:
        found.extend(normalize_log_group(g) for g in reader.items("logs", "describe_log_groups", "logGroups[]"))
    with out.attempt("cloudwatch", (METRIC_ALARM,)) as found:
        found.extend(normalize_alarm(a) for a in reader.items("cloudwatch", "describe_alarms", "MetricAlarms[]",
                                                               AlarmTypes=["MetricAlarm"]))
    with out.attempt("sns", (TOPIC,)) as found:
        for topic in reader.items("sns", "list_topics", "Topics[]"):
            arn = topic["TopicArn"]
            found.append(subject(TOPIC, arn.rsplit(":", 1)[-1], arn, {"name": arn.rsplit(":", 1)[-1]}))
    with out.attempt("cloudtrail", (TRAIL,)) as found:
        for trail in reader.client("cloudtrail").describe_trails(includeShadowTrails=True).get("trailList", []):
            found.append(subject(TRAIL, trail["Name"], trail["TrailARN"], {
                "name": trail["Name"], "s3BucketName": trail.get("S3BucketName"),
                "isMultiRegionTrail": trail.get("IsMultiRegionTrail"), "kmsKeyId": trail.get("KmsKeyId"),
                "enableLogFileValidation": trail.get("LogFileValidationEnabled")}))
    with out.attempt("budgets", (BUDGET,)) as found:
        for budget in reader.items("budgets", "describe_budgets", "Budgets[]", AccountId=reader.account):
            limit = budget.get("BudgetLimit") or {}
            found.append(subject(BUDGET, budget["BudgetName"],
                                  f"arn:aws:budgets::{reader.account}:budget/{budget['BudgetName']}",
                                  {"name": budget["BudgetName"], "budgetType": budget.get("BudgetType"),
                                   "limitAmount": limit.get("Amount"), "limitUnit": limit.get("Unit")}))

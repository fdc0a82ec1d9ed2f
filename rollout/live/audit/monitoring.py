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


def normalize_topic(arn: str, attributes: Mapping[str, str]) -> Subject:
    """An SNS topic from GetTopicAttributes (KmsMasterKeyId, Policy: the SNS-01/02 inputs)."""
    name = arn.rsplit(":", 1)[-1]
    return subject(TOPIC, name, arn, {"name": name, "kmsMasterKeyId": attributes.get("KmsMasterKeyId") or None,
                                       "policy": attributes.get("Policy") or None})


def normalize_trail(trail: Mapping[str, Any], status: Mapping[str, Any], selectors: Mapping[str, Any]) -> Subject:
    """A trail from DescribeTrails + GetTrailStatus (IsLogging) + GetEventSelectors, in aws.cloudtrail.Trail inputs."""
    props = {
        "name": trail["Name"], "s3BucketName": trail.get("S3BucketName"),
        "isMultiRegionTrail": trail.get("IsMultiRegionTrail"), "kmsKeyId": trail.get("KmsKeyId"),
        "enableLogFileValidation": trail.get("LogFileValidationEnabled"),
        "cloudWatchLogsGroupArn": trail.get("CloudWatchLogsLogGroupArn"),
        "cloudWatchLogsRoleArn": trail.get("CloudWatchLogsRoleArn"),
        "snsTopicName": trail.get("SnsTopicName"),
        "enableLogging": status.get("IsLogging"),
        "eventSelectors": [{"includeManagementEvents": s.get("IncludeManagementEvents"),
                            "readWriteType": s.get("ReadWriteType")} for s in selectors.get("EventSelectors") or []]
                          or None,
        "advancedEventSelectors": [
            {"name": s.get("Name"), "fieldSelectors": [{"field": f.get("Field"), "equals": f.get("Equals")}
                                                       for f in s.get("FieldSelectors", [])]}
            for s in selectors.get("AdvancedEventSelectors") or []] or None,
    }
    return subject(TRAIL, trail["Name"], trail["TrailARN"], props)


def collect_monitoring(reader: Reader, out: Collection) -> None:
    with out.attempt("logs", (LOG_GROUP,)) as found:
        found.extend(normalize_log_group(g) for g in reader.items("logs", "describe_log_groups", "logGroups[]"))
    with out.attempt("cloudwatch", (METRIC_ALARM,)) as found:
        found.extend(normalize_alarm(a) for a in reader.items("cloudwatch", "describe_alarms", "MetricAlarms[]",
                                                               AlarmTypes=["MetricAlarm"]))
    with out.attempt("sns", (TOPIC,)) as found:
        sns = reader.client("sns")
        for topic in reader.items("sns", "list_topics", "Topics[]"):
            arn = topic["TopicArn"]
            found.append(normalize_topic(arn, sns.get_topic_attributes(TopicArn=arn).get("Attributes", {})))
    with out.attempt("cloudtrail", (TRAIL,)) as found:
        cloudtrail = reader.client("cloudtrail")
        for trail in cloudtrail.describe_trails(includeShadowTrails=True).get("trailList", []):
            status = cloudtrail.get_trail_status(Name=trail["TrailARN"])
            selectors = cloudtrail.get_event_selectors(TrailName=trail["TrailARN"])
            found.append(normalize_trail(trail, status, selectors))
    with out.attempt("budgets", (BUDGET,)) as found:
        for budget in reader.items("budgets", "describe_budgets", "Budgets[]", AccountId=reader.account):
            limit = budget.get("BudgetLimit") or {}
            found.append(subject(BUDGET, budget["BudgetName"],
                                  f"arn:aws:budgets::{reader.account}:budget/{budget['BudgetName']}",
                                  {"name": budget["BudgetName"], "budgetType": budget.get("BudgetType"),
                                   "limitAmount": limit.get("Amount"), "limitUnit": limit.get("Unit")}))

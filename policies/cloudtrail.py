"""CloudTrail trails: every region and management events, log file validation, KMS encryption, delivery to
CloudWatch Logs, delivery notifications (CT-01..05)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from policies._helpers import explicitly_false, get, items, truthy
from policies.core import Control, Enforcement, Severity, Subject

TRAIL = "aws:cloudtrail/trail:Trail"


def _advanced_selects_management(selectors: list[Any]) -> bool:
    """Whether advanced event selectors keep management events: a selector whose eventCategory equals Management."""
    for selector in selectors:
        for field in items(get(selector, "fieldSelectors")):
            if get(field, "field") == "eventCategory" and "Management" in [str(v) for v in items(get(field, "equals"))]:
                return True
    return False


def all_regions_and_management(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    props = subject.props
    if not truthy(get(props, "isMultiRegionTrail")):
        yield "isMultiRegionTrail is not true (activity in other regions goes unrecorded)"
    if explicitly_false(get(props, "enableLogging")):
        yield "enableLogging is false"
    advanced = items(get(props, "advancedEventSelectors"))
    if advanced:
        if not _advanced_selects_management(advanced):
            yield "advancedEventSelectors select no Management events"
        return
    for index, selector in enumerate(items(get(props, "eventSelectors"))):
        if explicitly_false(get(selector, "includeManagementEvents")):
            yield f"eventSelectors[{index}].includeManagementEvents is false"
        elif get(selector, "readWriteType", default="All") != "All":
            yield f"eventSelectors[{index}].readWriteType is {get(selector, 'readWriteType')}; record All"


def log_validation(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if not truthy(get(subject.props, "enableLogFileValidation")):
        yield "enableLogFileValidation is not true (tampered log files go unnoticed)"


def kms_encrypted(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if not get(subject.props, "kmsKeyId"):
        yield "kmsKeyId is not set (log files use SSE-S3 only)"


def cloudwatch_delivery(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if not get(subject.props, "cloudWatchLogsGroupArn") or not get(subject.props, "cloudWatchLogsRoleArn"):
        yield ("cloudWatchLogsGroupArn and cloudWatchLogsRoleArn are not both set (no metric filters or alarms on "
               "API calls)")


def delivery_notifications(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if not get(subject.props, "snsTopicName"):
        yield "snsTopicName is not set: nothing is told when a log file is delivered (or stops being delivered)"


_TYPES = (TRAIL,)
CONTROLS = (
    Control(
        id="CT-01", title="CloudTrail records every region's management events", severity=Severity.HIGH,
        resource_types=_TYPES, check=all_regions_and_management,
        description="The trail is multi-region, logging, and does not exclude management events (eventSelectors "
                    "includeManagementEvents=false or readWriteType other than All; advanced selectors without "
                    "eventCategory=Management). Checkov CKV_AWS_67 reads isMultiRegionTrail only.",
        remediation="Set is_multi_region_trail=True and keep management events (read and write) selected.",
        sources=("FSBP CloudTrail.1", "CIS 3.1", "CKV_AWS_67", "CKV_AWS_251"),
    ),
    Control(
        id="CT-02", title="CloudTrail validates its log files", severity=Severity.HIGH, resource_types=_TYPES,
        check=log_validation,
        description="Digest files prove that log files were not changed or deleted after delivery.",
        remediation="Set enable_log_file_validation=True.",
        sources=("FSBP CloudTrail.4", "CIS 3.2", "CKV_AWS_36"),
    ),
    Control(
        id="CT-03", title="CloudTrail logs are encrypted with KMS", severity=Severity.HIGH, resource_types=_TYPES,
        check=kms_encrypted,
        description="SSE-KMS adds a key policy between the log bucket's readers and the API history.",
        remediation="Set kms_key_id to a customer managed key whose policy allows cloudtrail.amazonaws.com.",
        sources=("FSBP CloudTrail.2", "CIS 3.5", "CKV_AWS_35"),
    ),
    Control(
        id="CT-04", title="CloudTrail delivers to CloudWatch Logs", severity=Severity.MEDIUM, resource_types=_TYPES,
        check=cloudwatch_delivery,
        description="Delivery to a log group lets metric filters and alarms react to root logins, policy changes "
                    "and console sign-in failures. Advisory: CloudWatch Logs ingestion of every API call has a "
                    "monthly cost an SME may decide against. Both the group and the role are needed for delivery "
                    "(Checkov CKV2_AWS_10 accepts the group alone).",
        remediation="Set cloud_watch_logs_group_arn (the group's ARN with ':*') and cloud_watch_logs_role_arn.",
        sources=("FSBP CloudTrail.5", "CKV2_AWS_10"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="CT-05", title="CloudTrail announces log deliveries", severity=Severity.LOW, resource_types=_TYPES,
        check=delivery_notifications, enforcement=Enforcement.ADVISORY,
        description="snsTopicName publishes a message for every log file delivered, so a consumer (an SQS queue, a "
                    "SIEM) can process logs as they arrive and notice when they stop. Advisory and low: a busy "
                    "account sends hundreds of messages a day, too many for an e-mail subscription (AWS recommends "
                    "SQS), and this project alarms on the trail through CloudWatch instead (CT-04).",
        remediation="Set sns_topic_name to an encrypted topic whose policy lets cloudtrail.amazonaws.com publish, "
                    "with an SQS subscriber.",
        sources=("CKV_AWS_252",),
    ),
)

"""CloudWatch log groups and alarms: explicit retention, KMS, alarms that notify someone (CW-01..02)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from policies._helpers import explicitly_false, get, items, to_int
from policies.core import Control, Enforcement, Severity, Subject

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def log_group(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    minimum = int(cfg.get("minRetentionDays", 365))
    days = to_int(get(subject.props, "retentionInDays"))
    if days is None:
        yield "retentionInDays is not set explicitly"
    elif days != 0 and days < minimum:
        yield f"retentionInDays is {days}; keep at least {minimum} (or 0 = never expire)"
    if not get(subject.props, "kmsKeyId"):
        yield "kmsKeyId is not set"


def alarm(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if explicitly_false(get(subject.props, "actionsEnabled")):
        yield "actionsEnabled is false"
    if not items(get(subject.props, "alarmActions")):
        yield "alarmActions is empty (nobody is notified)"


CONTROLS = (
    Control(
        id="CW-01", title="Log groups keep logs long enough, encrypted", severity=Severity.MEDIUM,
        resource_types=(LOG_GROUP,), check=log_group, config_defaults={"minRetentionDays": 365},
        description="Retention must be explicit: 0 (never expire) or at least minRetentionDays; logs "
                    "encrypted with KMS.",
        remediation="Set retentionInDays (e.g. 365) and kmsKeyId.",
        sources=("SH CloudWatch.16", "CKV_AWS_66", "CKV_AWS_338", "CKV_AWS_158"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="CW-02", title="Alarms notify someone", severity=Severity.HIGH, resource_types=(METRIC_ALARM,),
        check=alarm,
        description="An alarm with actions disabled or no alarm actions never reaches anyone.",
        remediation="Keep actionsEnabled true and set alarmActions to the alert topic ARN.",
        sources=("SH CloudWatch.15", "SH CloudWatch.17", "CKV_AWS_319"),
    ),
)

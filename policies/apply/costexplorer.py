"""Cost Explorer anomaly detection: one AWS services monitor per account, IMMEDIATE subscriptions (APL-CE-01..02)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from policies._helpers import get, items, known, of_type
from policies.apply._rule import rule
from policies.core import Subject

MONITOR = "aws:costexplorer/anomalyMonitor:AnomalyMonitor"
SUBSCRIPTION = "aws:costexplorer/anomalySubscription:AnomalySubscription"


def one_services_monitor(subjects: Sequence[Subject], _cfg: Mapping[str, Any]):
    services = [m for m in of_type(subjects, MONITOR)
                if known(m.props, "monitorType") == "DIMENSIONAL" and known(m.props, "monitorDimension") == "SERVICE"]
    if len(services) > 1:
        for monitor in services:
            others = ", ".join(m.name for m in services if m is not monitor)
            yield monitor, (f"one of {len(services)} AWS services monitors (also {others}); an account may have one: "
                            "adopt it by ARN instead")


def immediate_needs_sns(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if get(subject.props, "frequency") == "IMMEDIATE":
        others = sorted({str(get(s, "type")) for s in items(get(subject.props, "subscribers"))} - {"SNS"})
        if others:
            yield f"IMMEDIATE alerts go to SNS subscribers only, not {', '.join(others)}"


CONTROLS = (
    rule("APL-CE-01", "At most one AWS services anomaly monitor", (MONITOR,), one_services_monitor, stack=True,
         description="An account may have only one DIMENSIONAL/SERVICE monitor; a second fails (and so does the "
                     "first where the account already has one: adopt it).",
         remediation="Keep one monitor; subscribe to the existing one by ARN.",
         sources=("https://docs.aws.amazon.com/cost-management/latest/userguide/management-limits.html",)),
    rule("APL-CE-02", "IMMEDIATE anomaly subscriptions notify SNS", (SUBSCRIPTION,), immediate_needs_sns,
         description="Individual (IMMEDIATE) alerts support only SNS topics; e-mail needs DAILY or WEEKLY.",
         remediation="Send IMMEDIATE alerts to an SNS topic (e-mail subscribed to it).",
         sources=("https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/"
                  "API_AnomalySubscription.html",)),
)

"""AWS Budgets: notifications per budget and subscribers per notification (APL-BUD-01)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from policies._helpers import get, items
from policies.apply._rule import rule
from policies.core import Subject

BUDGET = "aws:budgets/budget:Budget"
API = "https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/"
MAX_NOTIFICATIONS = 5
MAX_EMAILS = 10
MAX_TOPICS = 1


def notifications(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    listed = items(get(subject.props, "notifications"))
    if len(listed) > MAX_NOTIFICATIONS:
        yield f"{len(listed)} notifications; a budget may have at most {MAX_NOTIFICATIONS}"
    for number, notification in enumerate(listed, start=1):
        emails = len(items(get(notification, "subscriberEmailAddresses")))
        topics = len(items(get(notification, "subscriberSnsTopicArns")))
        if emails > MAX_EMAILS:
            yield f"notification {number}: {emails} email subscribers; at most {MAX_EMAILS}"
        if topics > MAX_TOPICS:
            yield f"notification {number}: {topics} SNS subscribers; at most {MAX_TOPICS}"
        if emails + topics == 0:
            yield f"notification {number} has no subscriber"


CONTROLS = (
    rule("APL-BUD-01", "Budget notifications fit the Budgets API's limits", (BUDGET,), notifications,
         description="A budget has at most 5 notifications; each has 1-11 subscribers: one SNS topic and up to 10 "
                     "e-mail addresses.",
         remediation="Alert on fewer thresholds, or subscribe more people to the SNS topic instead of by e-mail.",
         sources=(API + "API_budgets_CreateBudget.html", API + "API_budgets_NotificationWithSubscribers.html")),
)

"""CloudWatch Logs: retention values, log delivery names (APL-LOG-01..02)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from policies._helpers import get, to_int
from policies.apply._rule import rule
from policies.core import Subject

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
DELIVERY_SOURCE = "aws:cloudwatch/logDeliverySource:LogDeliverySource"
DELIVERY_DESTINATION = "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination"
RETENTION_DAYS = {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
                  3653}


def retention(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    days = to_int(get(subject.props, "retentionInDays"))
    if days is not None and days != 0 and days not in RETENTION_DAYS:
        yield f"retentionInDays {days} is not one of CloudWatch Logs' values ({sorted(RETENTION_DAYS)})"
    name = get(subject.props, "name")
    if isinstance(name, str) and not re.fullmatch(r"[\.\-_/#A-Za-z0-9]{1,512}", name):
        yield f"name {name!r}: 1-512 characters of a-z, A-Z, 0-9, '_', '-', '/', '.', '#'"


def delivery_name(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    name = get(subject.props, "name")
    if isinstance(name, str) and not re.fullmatch(r"[\w-]{1,60}", name):
        yield f"name {name!r}: 1-60 characters of letters, digits, '_' and '-'"


CONTROLS = (
    rule("APL-LOG-01", "Log groups use a retention CloudWatch offers and a valid name", (LOG_GROUP,), retention,
         description="retentionInDays is one of the fixed values (or never expire); names are 1-512 characters.",
         remediation="Pick the nearest allowed retention.",
         sources=("https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html",
                  "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html")),
    rule("APL-LOG-02", "Log delivery sources and destinations have valid names", (DELIVERY_SOURCE,
                                                                                  DELIVERY_DESTINATION),
         delivery_name, description="1-60 characters matching [\\w-]*.", remediation="Shorten the name.",
         sources=("https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutDeliverySource.html",)),
)

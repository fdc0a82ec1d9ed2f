"""CloudWatch alarms: what PutMetricAlarm refuses (APL-CW-01)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from policies._helpers import get, items, to_int
from policies.apply._rule import rule
from policies.core import Subject

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
API = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html"


def alarm(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    props = subject.props
    periods, datapoints = to_int(get(props, "evaluationPeriods")), to_int(get(props, "datapointsToAlarm"))
    if datapoints is not None and periods is not None and datapoints > periods:
        yield f"datapointsToAlarm {datapoints} is above evaluationPeriods {periods}"
    if get(props, "statistic") and get(props, "extendedStatistic"):
        yield "statistic and extendedStatistic together; an alarm takes one"
    extended = get(props, "extendedStatistic")
    if isinstance(extended, str) and not re.fullmatch(r"(p|tm|wm|tc|ts)\d{1,2}(\.\d+)?|(p|tm|wm|tc|ts)\(.+\)|IQM",
                                                      extended):
        yield f"extendedStatistic {extended!r} is not a percentile or trimmed statistic (e.g. p95)"
    period = to_int(get(props, "period"))
    if period is not None and period not in (10, 20, 30) and period % 60:
        yield f"period {period} s: use 10, 20, 30 or a multiple of 60"
    queries = items(get(props, "metricQueries"))
    if queries:
        if get(props, "metricName") or get(props, "namespace"):
            yield "metricQueries together with metricName/namespace; an alarm takes one or the other"
        returned = [q for q in queries if get(q, "returnData") is True]
        if len(returned) != 1:
            yield f"{len(returned)} metric queries return data; exactly one must (the alarm's expression)"


CONTROLS = (
    rule("APL-CW-01", "Metric alarms are ones PutMetricAlarm accepts", (ALARM,), alarm,
         description="datapointsToAlarm <= evaluationPeriods; statistic or extendedStatistic, not both; period 10, "
                     "20, 30 or a multiple of 60; metric math with exactly one query returning data and no "
                     "metricName/namespace beside it.", remediation="Fix the alarm's arguments.", sources=(API,)),
)

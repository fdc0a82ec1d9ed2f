"""k6-style thresholds: parsing and evaluation."""

from __future__ import annotations

import pytest

from rollout.errors import UserError
from rollout.live.assess import thresholds


@pytest.mark.parametrize(("expression", "metric", "op", "value"), [
    ("p95<300", "total.p95", "<", 300.0), ("p(99) <= 800", "total.p99", "<=", 800.0),
    ("ttfb.p50<800", "ttfb.p50", "<", 800.0), ("tls_max<50", "tls.max", "<", 50.0),
    ("error_rate<0.01", "error_rate", "<", 0.01), ("queue.p95>=1.5", "queue.p95", ">=", 1.5),
])
def test_parse_threshold(expression, metric, op, value):
    threshold = thresholds.parse_threshold(expression)
    assert (threshold.metric, threshold.op, threshold.value) == (metric, op, value)


@pytest.mark.parametrize("expression", ["p97<3", "p95", "p95<abc", "latency<3", "ttfb.error_rate<0.1", ""])
def test_parse_threshold_rejects_what_it_does_not_understand(expression):
    with pytest.raises(UserError, match="--threshold"):
        thresholds.parse_threshold(expression)


def test_evaluate_thresholds_against_a_report():
    report = {"error_rate": 0.02, "latency_ms": {"total": {"p95": 250.0}, "ttfb": {"p99": None}}}
    results = thresholds.evaluate_thresholds(report, [thresholds.parse_threshold(t) for t in
                                                  ("p95<300", "error_rate<0.01", "ttfb.p99<800", "p95>=250")])
    assert [r["passed"] for r in results] == [True, False, False, True]  # an unmeasured value does not pass

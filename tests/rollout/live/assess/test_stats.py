"""Statistics: nearest-rank percentiles, distributions, the run summary."""

from __future__ import annotations

import pytest

from rollout.live.assess import stats


@pytest.mark.parametrize(("values", "p", "expected"), [
    ([5.0], 50, 5.0), ([5.0], 99, 5.0),
    (list(map(float, range(1, 11))), 50, 5.0),   # ceil(0.5 * 10) = 5th
    (list(map(float, range(1, 11))), 90, 9.0),
    (list(map(float, range(1, 11))), 95, 10.0),  # ceil(9.5) = 10th
    (list(map(float, range(1, 101))), 95, 95.0),
    (list(map(float, range(1, 101))), 99, 99.0),
    ([1.0, 2.0, 3.0], 50, 2.0),
])
def test_percentile_is_nearest_rank(values, p, expected):
    assert stats.percentile(values, p) == expected


def test_distribution_ignores_missing_values_and_counts_samples():
    assert stats.distribution([3.0, None, 1.0, 2.0]) == {
        "p50": 2.0, "p90": 3.0, "p95": 3.0, "p99": 3.0, "max": 3.0, "samples": 3}
    assert stats.distribution([]) == {"p50": None, "p90": None, "p95": None, "p99": None, "max": None, "samples": 0}


def test_summarize_counts_errors_status_codes_and_error_kinds():
    samples = [stats.Sample(status=200, ttfb=10, total=12), stats.Sample(status=503, ttfb=5, total=6),
               stats.Sample(error="timeout", message="ReadTimeout: x"), stats.Sample(status=200, ttfb=30, total=31)]
    summary = stats.summarize(samples, queueing=False)
    assert (summary["requests"], summary["errors"], summary["error_rate"]) == (4, 2, 0.5)
    assert summary["status_codes"] == {"200": 2, "503": 1}
    assert summary["error_kinds"] == {"timeout": 1}
    assert summary["latency_ms"]["ttfb"]["samples"] == 3
    assert "queue" not in summary["latency_ms"]

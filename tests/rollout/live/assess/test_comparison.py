"""Baselines and the change against them."""

from __future__ import annotations

import pytest

from rollout.errors import UserError
from rollout.live.assess import comparison
from tests.rollout.assess_servers import sample_report


def test_compare_reports_numeric_changes_and_changed_values():
    before = sample_report(
        latency_ms={"ttfb": {"p50": 400.0, "p95": 900.0}, "total": {"p50": 500.0, "p95": 1000.0, "p99": 1200.0}},
        cdn=None,
    )
    after = sample_report(
        latency_ms={"ttfb": {"p50": 100.0, "p95": 200.0}, "total": {"p50": 150.0, "p95": 250.0, "p99": 300.0}}
    )
    rows = {row["metric"]: row for row in comparison.compare(before, after)}
    assert rows["total p95 ms"]["change"] == -750.0
    assert rows["total p95 ms"]["change_pct"] == -75.0
    assert (rows["cdn"]["before"], rows["cdn"]["after"], rows["cdn"]["change"]) == (None, "cloudflare", None)
    assert rows["error rate"]["change_pct"] is None  # 0 before: no percentage


@pytest.mark.parametrize(("text", "message"), [
    ("{", "not JSON"), ("[]", "not a baseline"), ('{"url": "x"}', "not a baseline")])
def test_load_baseline_rejects_other_files(text, message):
    with pytest.raises(UserError, match=message):
        comparison.load_baseline(text, "old.json")

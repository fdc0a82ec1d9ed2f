"""The cost report model of rollout.analysis.cost.report: totals, completeness, per-phase sums, diffs."""

from __future__ import annotations

import pytest

from rollout.analysis.cost.report import CostComponent, CostDiff, CostReport, ResourceChange, ResourceCost


def component(monthly: float | None, known: bool = True) -> CostComponent:
    return CostComponent("x", "hour", 1.0, monthly, monthly, price_known=known)


def test_totals_skip_unknown_lines_and_count_them():
    first = ResourceCost("u1", "t", "a", 1, (component(2.0), component(None, known=False)))
    second = ResourceCost("u2", "t", "b", 2, (component(3.5),))
    report = CostReport("p", "s", 2, "us-east-1", "2026-01-01", (first, second))
    assert report.total_monthly == pytest.approx(5.5)
    assert report.lines == (2, 1)
    assert report.by_phase == pytest.approx({1: 2.0, 2: 3.5})
    assert not first.complete and second.complete


def test_diff_amount_and_percent():
    diff = CostDiff(10.0, 12.5, (ResourceChange("u", "t", "n", "changed", 10.0, 12.5),))
    assert diff.amount == pytest.approx(2.5)
    assert diff.percent == pytest.approx(25.0)
    assert diff.changes[0].diff == pytest.approx(2.5)
    assert CostDiff(0.0, 1.0, ()).percent is None

"""The cost report model of rollout.analysis.cost.report: totals, completeness, per-phase sums, diffs."""

from __future__ import annotations

import pytest

from rollout.analysis.cost.report import (
    CostComponent,
    CostDiff,
    CostReport,
    ResourceChange,
    ResourceCost,
    cents,
    rounded_parts,
)


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


def test_rows_add_up_to_the_total_and_float_noise_does_not_move_a_cent() -> None:
    assert cents(136.26500000000001) == cents(136.26499999999999) == 136.27
    by_phase = {1: 1.245, 2: 47.675000000000004, 3: 82.655, 4: 2.9299999999999997, 5: 1.76, 6: 76.728}
    rows = rounded_parts(by_phase)
    assert round(sum(rows.values()), 2) == cents(sum(by_phase.values())) == 212.99
    # the newest phase's row is the change between the two totals a plan shows
    assert rows[6] == round(cents(sum(by_phase.values())) - cents(sum(v for k, v in by_phase.items() if k < 6)), 2)
    assert rounded_parts({None: 0.004, 2: 1.0}) == {None: 0.0, 2: 1.0}


def test_the_summary_has_one_shape_and_says_what_it_leaves_out():
    first = ResourceCost("u1", "t", "a", 1, (component(10.004),))
    second = ResourceCost("u2", "t", "b", 2, (component(5.0), component(None, known=False)))
    before = CostReport("p", "s", 1, "us-east-1", "2026-01-01", (first,))
    after = CostReport("p", "s", 2, "us-east-1", "2026-01-01", (first, second),
                       unpriced_types={"aws:sns/topic:Topic": 1}, unpriced_phases=(2,))
    summary = after.summary(before, compared=True)
    assert summary == {
        "currency": "USD", "exchange_rate": None, "catalog_date": "2026-01-01",
        "total_monthly": 15.0, "total_is_lower_bound": True,
        "previous_total_monthly": 10.0, "previous_total_is_lower_bound": False,
        "diff_monthly": 5.0, "diff_percent": 50.0,
        "by_phase": {"1": 10.0, "2": 5.0}, "phases_lower_bound": ["2"],
        "lines": {"priced": 2, "price_unknown": 1}, "unpriced_types": {"aws:sns/topic:Topic": 1},
    }
    # phase 1 changes by its whole total; a program without phases is compared with nothing
    assert before.summary(None, compared=True)["diff_monthly"] == 10.0
    assert before.summary(None, compared=False)["diff_monthly"] is None
    assert before.summary(None, compared=True)["diff_percent"] is None

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


def test_json_document_has_the_summary_then_every_component():
    from rollout.analysis.cost import compare, price_inventory
    from rollout.model.inventory import Inventory, Resource
    from rollout.model.settings import UsageSettings

    nat = Resource(urn="urn:pulumi:test::proj::aws:ec2/natGateway:NatGateway::nat",
                   type="aws:ec2/natGateway:NatGateway", name="nat", inputs={}, phase=1)
    eip = Resource(urn="urn:pulumi:test::proj::aws:ec2/eip:Eip::ip", type="aws:ec2/eip:Eip", name="ip", inputs={},
                   phase=2)
    before = price_inventory(Inventory("proj", "test", 1, (nat,)), UsageSettings(), "ap-southeast-1")
    after = price_inventory(Inventory("proj", "test", 2, (nat, eip)), UsageSettings(), "ap-southeast-1")
    diff = compare(before, after)
    document = after.to_json(diff, compare_phase=1, catalog_path="catalog.json")
    assert document["phase"] == 2 and document["compare_phase"] == 1 and document["catalog"] == "catalog.json"
    assert document["total_monthly"] == round(after.total_monthly, 6)
    assert document["diff_monthly"] == pytest.approx(3.65)  # one public IPv4 address: 730 h x $0.005
    added = next(r for r in document["resources"] if r["name"] == "ip")
    assert added["change"] == "added" and added["components"][0]["unit"]
    # the summary is the same object `rollout plan --format json` prints as its `cost`
    summary = after.summary_json(diff)
    assert {k: document[k] for k in summary} == summary
    assert set(summary) == {"currency", "exchange_rate", "catalog_date", "total_monthly", "previous_total_monthly",
                            "diff_monthly", "diff_percent", "by_phase", "lines"}
    assert list(summary["by_phase"]) == ["1", "2"] and summary["lines"]["priced"] >= 2
    assert after.summary_json()["diff_monthly"] is None

"""The cost renderers on reports priced from hand-built inventories: figures and marks."""

from __future__ import annotations

import pytest

from rollout.analysis.cost import compare, price_inventory
from rollout.model.inventory import Inventory, Resource
from rollout.model.settings import UsageSettings
from rollout.render.cost import money, quantity, render_markdown, render_table, signed, unit_price

NAT = Resource(urn="urn:pulumi:test::proj::aws:ec2/natGateway:NatGateway::nat", type="aws:ec2/natGateway:NatGateway",
               name="nat", inputs={}, phase=1)
EIP = Resource(urn="urn:pulumi:test::proj::aws:ec2/eip:Eip::ip", type="aws:ec2/eip:Eip", name="ip", inputs={},
               phase=2)


@pytest.fixture(scope="module")
def priced():
    before = price_inventory(Inventory("proj", "test", 1, (NAT,)), UsageSettings(), "ap-southeast-1")
    after = price_inventory(Inventory("proj", "test", 2, (NAT, EIP)), UsageSettings(), "ap-southeast-1")
    return after, compare(before, after)


@pytest.mark.parametrize(("amount", "currency", "text"), [
    (None, "USD", "price unknown"), (1234.5, "USD", "$1,234.50"), (-3.65, "USD", "-$3.65"),
    (2500000.4, "VND", "2,500,000 ₫")])
def test_money(amount, currency, text) -> None:
    assert money(amount, currency) == text


def test_signed_quantity_and_unit_price() -> None:
    assert signed(3.65, "USD") == "+$3.65" and signed(-3.65, "USD") == "-$3.65"
    assert quantity(None) == "?" and quantity(730.0) == "730" and quantity(0.5) == "0.5"
    assert unit_price(None, "USD") == "price unknown" and unit_price(0.005, "USD") == "$0.005"


def test_markdown_marks_what_the_phase_added(priced) -> None:
    after, diff = priced
    text = render_markdown(after, diff, 1)
    assert "| + | `ip` | `aws:ec2/eip:Eip` | $3.65 | +$3.65 |" in text


def test_table_ends_with_the_overall_total(priced, capsys) -> None:
    after, diff = priced
    render_table(after, diff, 1)
    out = capsys.readouterr().out
    assert "OVERALL TOTAL" in out and f"${after.total_monthly:,.2f}" in out and "+ ip" in out


def test_a_total_with_unknown_or_unpriced_lines_is_a_lower_bound() -> None:
    from rollout.analysis.cost.report import CostComponent, CostReport, ResourceCost
    from rollout.render.cost import is_lower_bound, total_money, unpriced_summary

    def report(unknown_lines: int = 0, unpriced_types: dict[str, int] | None = None) -> CostReport:
        lines = [CostComponent("x", "hour", 1.0, 1.0, 1.0)] * 4
        lines += [CostComponent("y", "hour", 1.0, None, None, price_known=False)] * unknown_lines
        return CostReport("p", "s", 2, "us-east-1", "2026-01-01", (ResourceCost("u", "t", "n", 2, tuple(lines)),),
                          unpriced_types=unpriced_types or {})

    complete, unknown = report(), report(unknown_lines=2)
    unpriced = report(unpriced_types={"aws:sns/topic:Topic": 1, "aws:ec2/vpcEndpoint:VpcEndpoint": 2})
    assert [is_lower_bound(r) for r in (complete, unknown, unpriced, None)] == [False, True, True, False]
    assert total_money(153.14, "USD", True) == "≥ $153.14" and total_money(153.14, "USD", False) == "$153.14"
    assert unpriced_summary(unknown) == "2 cost lines of unknown price"
    assert unpriced_summary(unpriced) == "3 resources of types with no pricing rule"


def test_the_cost_tree_fits_80_columns_and_uses_a_wider_terminal() -> None:
    from rich.console import Console

    from rollout.analysis.cost import CostComponent, CostReport, ResourceCost
    from rollout.render.cost import render_table

    component = CostComponent("Storage (ingest x 365 days / 30, uncompressed upper bound)", "GB-month", 12.1667,
                              0.03, 0.365, usage_based=True)
    report = CostReport("shop", "prod", 2, "ap-southeast-1", "2026-09-25", (ResourceCost(
        "urn:a", "aws:cloudwatch/logGroup:LogGroup", "network-flow-logs", 2, (component,)),))
    narrow = Console(width=80, force_terminal=True, color_system=None, record=True)
    render_table(report, None, None, console=narrow)
    text = narrow.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "(cloudwatch.LogGroup)" in text
    assert "12.1667 GB-month" in text and "$0.36" in text and "  Price  " not in text.splitlines()[1]
    wide = Console(width=160, force_terminal=True, color_system=None, record=True)
    render_table(report, None, None, console=wide)
    wide_text = wide.export_text()
    assert "Price" in wide_text.splitlines()[1] and "$0.03" in wide_text

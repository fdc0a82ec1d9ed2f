"""The cost renderers on reports priced from hand-built inventories: figures, marks and the JSON document's shape."""

from __future__ import annotations

import pytest

from rollout.analysis.cost import compare, price_inventory
from rollout.model.inventory import Inventory, Resource
from rollout.model.settings import UsageSettings
from rollout.render.cost import cost_document, money, quantity, render_markdown, render_table, signed, unit_price

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


def test_document_has_totals_change_and_every_component(priced) -> None:
    after, diff = priced
    document = cost_document(after, diff, 1, "catalog.json")
    assert document["phase"] == 2 and document["compare_phase"] == 1 and document["catalog"] == "catalog.json"
    assert document["total_monthly"] == round(after.total_monthly, 6)
    assert document["diff_monthly"] == pytest.approx(3.65)  # one public IPv4 address: 730 h x $0.005
    added = next(r for r in document["resources"] if r["name"] == "ip")
    assert added["change"] == "added" and added["components"][0]["unit"]


def test_markdown_marks_what_the_phase_added(priced) -> None:
    after, diff = priced
    text = render_markdown(after, diff, 1)
    assert "| + | `ip` | `aws:ec2/eip:Eip` | $3.65 | +$3.65 |" in text


def test_table_ends_with_the_overall_total(priced, capsys) -> None:
    after, diff = priced
    render_table(after, diff, 1)
    out = capsys.readouterr().out
    assert "OVERALL TOTAL" in out and f"${after.total_monthly:,.2f}" in out and "+ ip" in out

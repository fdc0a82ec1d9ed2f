"""Pricing rules of rollout.analysis.cost.pricers.sqs on hand-built inventories."""

from __future__ import annotations

import pytest

from tests.rollout.analysis.cost.builders import SG, US, line, price, res


def test_sqs_first_million_free_and_fifo_price():
    standard = res("aws:sqs/queue:Queue", "email")
    fifo = res("aws:sqs/queue:Queue", "orders", {"fifoQueue": True, "name": "orders.fifo"})
    report = price(standard, fifo, region=US)
    # small = 1M requests each; the account's free 1M goes to the first queue: 0; FIFO 1 x 0.50 = 0.50
    assert report.resources[0].monthly == 0
    assert report.resources[1].monthly == pytest.approx(0.50)
    assert line(report, "Requests (fifo)", 1).price_key == "sqs:requests:fifo"
    singapore = price(standard, region=SG)
    assert not singapore.resources[0].components[0].price_known

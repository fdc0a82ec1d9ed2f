"""Pricing rules of rollout.analysis.cost.pricers.kinesis on hand-built inventories."""

from __future__ import annotations

from tests.rollout.analysis.cost.builders import price, res


def test_firehose_is_billed_on_data_ingested():
    report = price(res("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "logs"))
    component = report.resources[0].components[0]
    assert (component.name, component.unit, component.usage_based) == ("Data ingested", "GB", True)

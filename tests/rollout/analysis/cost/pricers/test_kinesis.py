"""Pricing rules of rollout.analysis.cost.pricers.kinesis on hand-built inventories."""

from __future__ import annotations

from tests.rollout.analysis.cost.builders import price, res


def test_firehose_is_billed_on_data_ingested():
    report = price(res("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "logs"))
    component = report.resources[0].components[0]
    assert (component.name, component.unit, component.usage_based) == ("Data ingested", "GB", True)


def test_provisioned_and_on_demand_streams(synth):
    from rollout.model.settings import UsageSettings
    from tests.rollout.analysis.cost.builders import breakdown, golden

    def program() -> None:
        import pulumi_aws as aws

        aws.kinesis.Stream("clicks", shard_count=4)
        aws.kinesis.Stream("orders", stream_mode_details={"stream_mode": "ON_DEMAND"})

    usage = UsageSettings(by_resource={"clicks": {"monthlyPutUnits": 6.5e6}, "orders": {"monthlyIngestGb": 0.2}})
    # Infracost: 2,920 shard-hours x 0.015 = 43.80; 6.5M PUT units x 0.014 = 0.09; on-demand 730 h x 0.04 = 29.20
    assert breakdown(golden(synth, program, usage)) == [
        ("clicks", "Shards (provisioned) x 4", 2920.0, "shard-hour", 43.8),
        ("clicks", "PUT payload units", 6.5, "1M units", 0.09),
        ("orders", "Stream (on-demand)", 730.0, "hour", 29.2),
        ("orders", "Data ingested", 0.2, "GB", 0.02),
    ]

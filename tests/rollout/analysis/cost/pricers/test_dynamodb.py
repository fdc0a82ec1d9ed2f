"""Golden breakdowns for rollout.analysis.cost.pricers.dynamodb."""

from __future__ import annotations

from rollout.model.settings import UsageSettings
from tests.rollout.analysis.cost.builders import SG, breakdown, golden


def test_on_demand_and_provisioned_tables(synth):
    def program() -> None:
        import pulumi_aws as aws

        aws.dynamodb.Table("carts", billing_mode="PAY_PER_REQUEST", hash_key="id",
                           attributes=[{"name": "id", "type": "S"}])
        aws.dynamodb.Table("orders", billing_mode="PROVISIONED", hash_key="id", read_capacity=30,
                           write_capacity=20, attributes=[{"name": "id", "type": "S"}, {"name": "c", "type": "S"}],
                           global_secondary_indexes=[{"name": "by-c", "hash_key": "c", "projection_type": "ALL",
                                                      "read_capacity": 10, "write_capacity": 5}])

    usage = UsageSettings(by_resource={"carts": {"monthlyWriteRequestUnits": 3e6, "monthlyReadRequestUnits": 8e6,
                                                 "storageGb": 230}, "orders": {"storageGb": 1}})
    # carts: 3 x 0.625 = 1.88; 8 x 0.125 = 1.00; 230 GB x 0.25 = 57.50 (Infracost's golden lines)
    # orders: (20 + 5) WCU x 730 x 0.00065 = 11.86; (30 + 10) RCU x 730 x 0.00013 = 3.80; 1 GB = 0.25
    assert breakdown(golden(synth, program, usage)) == [
        ("carts", "Write request units (WRU)", 3.0, "1M requests", 1.88),
        ("carts", "Read request units (RRU)", 8.0, "1M requests", 1.0),
        ("carts", "Data storage", 230.0, "GB-month", 57.5),
        ("orders", "Write capacity units (WCU) x 25", 18250.0, "unit-hour", 11.86),
        ("orders", "Read capacity units (RCU) x 40", 29200.0, "unit-hour", 3.8),
        ("orders", "Data storage", 1.0, "GB-month", 0.25),
    ]


def test_singapore_on_demand_requests_priced_storage_still_unknown(synth):
    def program() -> None:
        import pulumi_aws as aws

        aws.dynamodb.Table("carts", billing_mode="PAY_PER_REQUEST", hash_key="id",
                           attributes=[{"name": "id", "type": "S"}])

    usage = UsageSettings(by_resource={"carts": {"monthlyWriteRequestUnits": 3e6, "monthlyReadRequestUnits": 8e6,
                                                 "storageGb": 230}})
    # [S11] (a Singapore bill, May 2025): $0.71 per million WRU, $0.1425 per million RRU: 3 x 0.71 = 2.13,
    # 8 x 0.1425 = 1.14; no sourced Singapore storage rate
    assert breakdown(golden(synth, program, usage, region=SG)) == [
        ("carts", "Write request units (WRU)", 3.0, "1M requests", 2.13),
        ("carts", "Read request units (RRU)", 8.0, "1M requests", 1.14),
        ("carts", "Data storage", 230.0, "GB-month", None),
    ]

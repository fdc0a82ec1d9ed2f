"""Pricing rules of rollout.analysis.cost.pricers.s3 on hand-built inventories."""

from __future__ import annotations

import pytest

from rollout.model.settings import UsageSettings
from tests.rollout.analysis.cost.builders import US, price, res


def test_bucket_storage_and_requests():
    bucket = res("aws:s3/bucket:Bucket", "b")
    # 5 GB x 0.025 + 10 x 1k PUT x 0.005 + 100 x 1k GET x 0.0004 = 0.215
    assert price(bucket).total_monthly == pytest.approx(0.215)
    # us-east-1 Standard storage is 0.023: 0.115 + 0.05 + 0.04 = 0.205
    assert price(bucket, region=US).total_monthly == pytest.approx(0.205)


LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"


def _lifecycle_program(*classes: str):
    def program() -> None:
        import pulumi_aws as aws

        bucket = aws.s3.Bucket("assets")
        aws.s3.BucketLifecycleConfiguration(
            "assets-lifecycle",
            bucket=bucket.id,
            rules=[
                {
                    "id": "age-out",
                    "status": "Enabled",
                    "filter": {"prefix": ""},
                    "transitions": [{"days": 30 * (i + 1), "storage_class": c} for i, c in enumerate(classes)],
                    "expiration": {"days": 3650},
                },
                {
                    "id": "off",
                    "status": "Disabled",
                    "filter": {"prefix": "tmp/"},
                    "transitions": [{"days": 1, "storage_class": "ONEZONE_IA"}],
                },
            ],
        )

    return program


def test_lifecycle_transitions_golden(synth):
    """Golden (Infracost s3_bucket_test, bucket_withUsage, us-east-1): GB per class and transition requests."""
    from rollout.model.settings import UsageSettings
    from tests.rollout.analysis.cost.builders import breakdown, golden

    usage = UsageSettings(
        by_resource={
            "assets-lifecycle": {
                "standardIaStorageGb": 30_000,
                "standardIaMonthlyTransitions": 30_000,
                "glacierStorageGb": 50_000,
                "glacierMonthlyTransitions": 50_000,
                "deepArchiveStorageGb": 60_000,
                "deepArchiveMonthlyTransitions": 60_000,
            }
        }
    )
    report = golden(synth, _lifecycle_program("STANDARD_IA", "GLACIER", "DEEP_ARCHIVE"), usage)
    assert [row for row in breakdown(report) if row[0] == "assets-lifecycle"] == [
        ("assets-lifecycle", "Storage (Standard-IA)", 30000.0, "GB-month", 375.0),
        ("assets-lifecycle", "Lifecycle transitions to Standard-IA", 30.0, "1k requests", 0.3),
        ("assets-lifecycle", "Storage (Glacier Flexible Retrieval)", 50000.0, "GB-month", 180.0),
        ("assets-lifecycle", "Lifecycle transitions to Glacier Flexible Retrieval", 50.0, "1k requests", 1.5),
        ("assets-lifecycle", "Storage (Glacier Deep Archive)", 60000.0, "GB-month", 59.4),
        ("assets-lifecycle", "Lifecycle transitions to Glacier Deep Archive", 60.0, "1k requests", 3.0),
    ]  # the disabled rule's One Zone-IA is not priced


def test_lifecycle_intelligent_tiering_golden(synth):
    from rollout.model.settings import UsageSettings
    from tests.rollout.analysis.cost.builders import breakdown, golden

    usage = UsageSettings(
        by_resource={
            "assets-lifecycle": {
                "intelligentTieringFrequentGb": 20_000,
                "intelligentTieringInfrequentGb": 20_000,
                "intelligentTieringArchiveGb": 20_000,
                "intelligentTieringDeepArchiveGb": 20_000,
                "intelligentTieringObjects": 20_000,
                "intelligentTieringMonthlyTransitions": 20_000,
            }
        }
    )
    lines = [
        row
        for row in breakdown(golden(synth, _lifecycle_program("INTELLIGENT_TIERING"), usage))
        if row[0] == "assets-lifecycle"
    ]
    # Infracost Intelligent tiering: 460.00 + 250.00 + 72.00 + 19.80, monitoring 0.05, transitions 0.20
    assert [row[4] for row in lines] == [460.0, 250.0, 72.0, 19.8, 0.05, 0.2]
    assert sum(row[4] for row in lines) == pytest.approx(802.05)


def test_lifecycle_in_singapore_prices_what_is_sourced_and_says_what_is_not():
    config = res(
        LIFECYCLE,
        "lc",
        {
            "rules": [
                {
                    "id": "r",
                    "status": "Enabled",
                    "transitions": [
                        {"days": 30, "storageClass": "STANDARD_IA"},
                        {"days": 90, "storageClass": "GLACIER_IR"},
                        {"days": 180, "storageClass": "GLACIER"},
                        {"days": 365, "storageClass": "REDUCED_REDUNDANCY"},
                    ],
                }
            ]
        },
    )
    usage = UsageSettings(by_resource={"lc": {"standardIaStorageGb": 1000, "glacierIrStorageGb": 1000}})
    lines = {c.name: c for c in price(config, usage=usage).resources[0].components}
    assert round(lines["Storage (Standard-IA)"].monthly, 2) == 13.8  # 1,000 x 0.0138
    assert round(lines["Storage (Glacier Instant Retrieval)"].monthly, 2) == 5.0  # 1,000 x 0.005
    assert not lines["Storage (Glacier Flexible Retrieval)"].price_known
    assert "price unknown" in lines["Lifecycle transitions to Standard-IA"].note
    assert "no catalog price for storage class REDUCED_REDUNDANCY" in lines["Storage (REDUCED_REDUNDANCY)"].note


def test_lifecycle_without_transitions_costs_nothing_here():
    config = res(LIFECYCLE, "lc", {"rules": [{"id": "r", "status": "Enabled", "expiration": {"days": 30}}]})
    report = price(config)
    assert report.resources[0].components == () and "no transition" in report.resources[0].note

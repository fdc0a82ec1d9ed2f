"""Golden breakdowns for rollout.analysis.cost.pricers.ecr."""

from __future__ import annotations

from tests.rollout.analysis.cost.builders import SG, breakdown, golden


def test_image_storage_from_usage(synth):
    def program() -> None:
        import pulumi_aws as aws

        aws.ecr.Repository("app")

    # small profile: 5 GB x 0.10
    assert breakdown(golden(synth, program)) == [("app", "Storage", 5.0, "GB-month", 0.5)]


def test_singapore_image_storage(synth):
    def program() -> None:
        import pulumi_aws as aws

        aws.ecr.Repository("app")

    # small profile: 5 GB x 0.10 (APS1-TimedStorage-ByteHrs in the AmazonECR offer of 2026-09-11, [S1])
    report = golden(synth, program, region=SG)
    assert breakdown(report) == [("app", "Storage", 5.0, "GB-month", 0.5)]
    assert report.resources[0].components[0].price_key == "ecr:storage"

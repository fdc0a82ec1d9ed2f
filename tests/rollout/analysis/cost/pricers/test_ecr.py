"""Golden breakdowns for rollout.analysis.cost.pricers.ecr."""

from __future__ import annotations

from tests.rollout.analysis.cost.builders import breakdown, golden


def test_image_storage_from_usage(synth):
    def program() -> None:
        import pulumi_aws as aws

        aws.ecr.Repository("app")

    # small profile: 5 GB x 0.10
    assert breakdown(golden(synth, program)) == [("app", "Storage", 5.0, "GB-month", 0.5)]

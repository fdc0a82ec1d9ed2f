"""Golden breakdowns for rollout.analysis.cost.pricers.efs."""

from __future__ import annotations

from rollout.model.settings import UsageSettings
from tests.rollout.analysis.cost.builders import breakdown, golden


def test_regional_one_zone_and_provisioned_throughput(synth):
    def program() -> None:
        import pulumi_aws as aws

        aws.efs.FileSystem("shared", throughput_mode="provisioned", provisioned_throughput_in_mibps=88.5)
        aws.efs.FileSystem("scratch", availability_zone_name="us-east-1a")

    usage = UsageSettings(by_type={"aws:efs/fileSystem:FileSystem": {"storageGb": 230}})
    # Infracost: 230 GB x 0.30 = 69.00; 88.5 MBps x 6.00 = 531.00; one zone 230 x 0.16 = 36.80
    assert breakdown(golden(synth, program, usage)) == [
        ("scratch", "Storage (one zone)", 230.0, "GB-month", 36.8),
        ("shared", "Storage (standard)", 230.0, "GB-month", 69.0),
        ("shared", "Provisioned throughput", 88.5, "MBps-month", 531.0),
    ]

"""Golden breakdowns for rollout.analysis.cost.pricers.lambda_."""

from __future__ import annotations

from rollout.model.settings import UsageSettings
from tests.rollout.analysis.cost.builders import SG, breakdown, golden

FUNCTION = "aws:lambda/function:Function"


def function(memory: int = 512, arch: str = "x86_64", storage: int | None = None):
    def program() -> None:
        import pulumi
        import pulumi_aws as aws

        aws.lambda_.Function("api", role="arn:aws:iam::123456789012:role/l", runtime="python3.12",
                             handler="main.handler", code=pulumi.AssetArchive({}), memory_size=memory,
                             architectures=[arch], ephemeral_storage={"size": storage} if storage else None)
    return program


def test_requests_and_duration_from_usage(synth):
    usage = UsageSettings(by_type={FUNCTION: {"monthlyRequests": 1e7, "averageDurationMs": 300}})
    # 10 x 0.20 = 2.00; 1e7 x 0.3 s x 0.5 GB = 1.5M GB-s x 0.0000166667 = 25.00
    assert breakdown(golden(synth, function(), usage)) == [
        ("api", "Requests", 10.0, "1M requests", 2.0),
        ("api", "Duration (x86_64, 512 MB)", 1_500_000.0, "GB-second", 25.0),
    ]


def test_arm64_duration_and_ephemeral_storage_above_512_mb(synth):
    usage = UsageSettings(by_type={FUNCTION: {"monthlyRequests": 1e6, "averageDurationMs": 1000}})
    lines = breakdown(golden(synth, function(1024, "arm64", 2048), usage))
    # 1e6 s x 1 GB x 0.0000133334 = 13.33; storage 1e6 s x 1.5 GB x 0.0000000309 = 0.05
    assert lines[1] == ("api", "Duration (arm64, 1024 MB)", 1_000_000.0, "GB-second", 13.33)
    assert lines[2] == ("api", "Ephemeral storage above 512 MB (2048 MB)", 1_500_000.0, "GB-second", 0.05)


def test_singapore_requests_and_duration_both_architectures(synth):
    usage = UsageSettings(by_type={FUNCTION: {"monthlyRequests": 1e7, "averageDurationMs": 300}})
    # [P1] APS1-Request 0.20 per 1M; [S3] APS1-Lambda-GB-Second 0.0000166667 and -ARM 0.0000133334 (as in us-east-1):
    # 10 x 0.20 = 2.00; 1.5M GB-s x 0.0000166667 = 25.00, x 0.0000133334 = 20.00
    assert breakdown(golden(synth, function(), usage, region=SG)) == [
        ("api", "Requests", 10.0, "1M requests", 2.0),
        ("api", "Duration (x86_64, 512 MB)", 1_500_000.0, "GB-second", 25.0),
    ]
    assert breakdown(golden(synth, function(arch="arm64"), usage, region=SG))[1] == (
        "api", "Duration (arm64, 512 MB)", 1_500_000.0, "GB-second", 20.0)
    # no sourced Singapore ephemeral-storage rate: price unknown
    assert breakdown(golden(synth, function(storage=2048), usage, region=SG))[2][4] is None

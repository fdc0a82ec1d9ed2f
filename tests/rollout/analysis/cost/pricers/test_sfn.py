"""Golden breakdowns for rollout.analysis.cost.pricers.sfn."""

from __future__ import annotations

from rollout.model.settings import UsageSettings
from tests.rollout.analysis.cost.builders import breakdown, golden


def test_standard_transitions_and_express_requests_and_duration(synth):
    def program() -> None:
        import pulumi_aws as aws

        aws.sfn.StateMachine("orders", role_arn="arn:aws:iam::123456789012:role/s", definition="{}")
        aws.sfn.StateMachine("events", role_arn="arn:aws:iam::123456789012:role/s", definition="{}", type="EXPRESS")

    usage = UsageSettings(by_resource={"orders": {"monthlyTransitions": 1e4},
                                       "events": {"monthlyRequests": 1e5, "averageDurationMs": 200}})
    # Infracost: 10 x 1K transitions x 0.025 = 0.25; 0.1M requests x 1.00 = 0.10;
    # 1e5 x 0.2 s / 3600 x 64/1024 GB = 0.3472 GB-h x 0.060012 = 0.02
    assert breakdown(golden(synth, program, usage)) == [
        ("events", "Requests", 0.1, "1M requests", 0.1),
        ("events", "Duration (first 1K GB-hours, 64 MB)", 0.3472, "GB-hour", 0.02),
        ("orders", "Transitions", 10.0, "1k transitions", 0.25),
    ]

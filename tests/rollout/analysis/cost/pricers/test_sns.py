"""Golden breakdowns for rollout.analysis.cost.pricers.sns."""

from __future__ import annotations

from rollout.model.settings import UsageSettings
from tests.rollout.analysis.cost.builders import breakdown, golden


def test_first_million_requests_free_and_fifo_topics(synth):
    def program() -> None:
        import pulumi_aws as aws

        aws.sns.Topic("alerts")
        aws.sns.Topic("orders", fifo_topic=True, name="orders.fifo")

    usage = UsageSettings(by_type={"aws:sns/topic:Topic": {"monthlyRequests": 3e6}})
    report = golden(synth, program, usage)
    # alerts: (3 - 1 free) x 0.50 = 1.00; orders: 3 x 0.30 = 0.90 (the free tier is for standard topics)
    assert breakdown(report) == [
        ("alerts", "API requests (standard)", 3.0, "1M requests", 1.0),
        ("orders", "API requests (fifo)", 3.0, "1M requests", 0.9),
    ]

"""Golden breakdowns for rollout.analysis.cost.pricers.appsync."""

from __future__ import annotations

from rollout.model.settings import UsageSettings
from tests.rollout.analysis.cost.builders import breakdown, golden


def test_operations_and_connection_minutes_priced_real_time_updates_unknown(synth):
    def program() -> None:
        import pulumi_aws as aws

        api = aws.appsync.GraphQLApi("orders", name="orders", authentication_type="API_KEY")
        aws.appsync.ApiKey("key", api_id=api.id)

    usage = UsageSettings(by_resource={"orders": {"monthlyRequests": 3e6, "monthlyRealtimeUpdates": 5e5,
                                                  "monthlyConnectionMinutes": 2e6}})
    report = golden(synth, program, usage)
    # 3M operations x 4.00 = 12.00; 2M connection minutes x 0.08 = 0.16; real-time updates: no sourced price
    assert breakdown(report) == [
        ("orders", "Query and data modification operations", 3.0, "1M requests", 12.0),
        ("orders", "Real-time updates", 0.5, "1M updates", None),
        ("orders", "Real-time connection minutes", 2.0, "1M minutes", 0.16),
    ]
    assert report.free_types == {"aws:appsync/apiKey:ApiKey": 1}
    assert report.is_lower_bound

"""Golden breakdowns for rollout.analysis.cost.pricers.apigateway."""

from __future__ import annotations

from rollout.model.settings import UsageSettings
from tests.rollout.analysis.cost.builders import SG, breakdown, golden


def test_rest_http_and_websocket_apis(synth):
    def program() -> None:
        import pulumi_aws as aws

        aws.apigateway.RestApi("rest")
        aws.apigatewayv2.Api("http", protocol_type="HTTP")
        aws.apigatewayv2.Api("ws", protocol_type="WEBSOCKET", route_selection_expression="$request.body.action")

    usage = UsageSettings(by_resource={"rest": {"monthlyRequests": 333e6}, "http": {"monthlyRequests": 300e6},
                                       "ws": {"monthlyMessages": 1e9, "monthlyConnectionMinutes": 1e7}})
    # Infracost's golden lines: 333M x 3.50 = 1,165.50; 300M x 1.00 = 300; 1B messages = 1,000; 10M min = 2.50
    assert breakdown(golden(synth, program, usage)) == [
        ("rest", "Requests (first 333M)", 333.0, "1M requests", 1165.5),
        ("http", "Requests (first 300M)", 300.0, "1M requests", 300.0),
        ("ws", "Messages (first 1B)", 1000.0, "1M messages", 1000.0),
        ("ws", "Connection duration", 10.0, "1M minutes", 2.5),
    ]


def test_a_stage_costs_only_with_a_cache_cluster():
    from tests.rollout.analysis.cost.builders import price, res

    plain = price(res("aws:apigateway/stage:Stage", "prod", {"stageName": "prod"}))
    assert plain.resources[0].components == () and "no charge of its own" in plain.resources[0].note
    cached = price(res("aws:apigateway/stage:Stage", "prod", {"cacheClusterEnabled": True, "cacheClusterSize": "1.6"}))
    component = cached.resources[0].components[0]
    # no sourced cache-cluster price: price unknown, 730 hours still shown
    assert (component.name, component.quantity, component.price_known) == ("Cache cluster (1.6 GB)", 730, False)


def test_singapore_http_api_requests_priced_rest_still_unknown(synth):
    def program() -> None:
        import pulumi_aws as aws

        aws.apigateway.RestApi("rest")
        aws.apigatewayv2.Api("http", protocol_type="HTTP")

    usage = UsageSettings(by_resource={"rest": {"monthlyRequests": 1e7}, "http": {"monthlyRequests": 1e7}})
    # [S1] (AmazonApiGateway offer of 2026-09-21): APS1-ApiGatewayHttpRequest $1.25 per million, first 300M: 10 x 1.25
    assert breakdown(golden(synth, program, usage, region=SG)) == [
        ("rest", "Requests (first 333M)", 10.0, "1M requests", None),
        ("http", "Requests (first 300M)", 10.0, "1M requests", 12.5),
    ]

"""API Gateway: REST APIs (per request), HTTP APIs (per request), WebSocket APIs (messages, connection minutes), and
REST stages with a cache cluster (per hour)."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import HOURS_PER_MONTH, Priced, PricingContext
from rollout.model.inventory import Resource


def _rest_api(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    return Priced([ctx.line("Requests (first 333M)", "apigateway:rest:requests", "1M requests",
                            ctx.usage(resource, "monthlyRequests") / 1e6, usage_based=True)])


def _api(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    if inputs.get("protocolType") == "WEBSOCKET":
        return Priced([
            ctx.line("Messages (first 1B)", "apigateway:websocket:messages", "1M messages",
                     ctx.usage(resource, "monthlyMessages") / 1e6, usage_based=True),
            ctx.line("Connection duration", "apigateway:websocket:minutes", "1M minutes",
                     ctx.usage(resource, "monthlyConnectionMinutes") / 1e6, usage_based=True),
        ])
    return Priced([ctx.line("Requests (first 300M)", "apigateway:http:requests", "1M requests",
                            ctx.usage(resource, "monthlyRequests") / 1e6, usage_based=True)])


def _stage(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    if inputs.get("cacheClusterEnabled") is not True:
        return Priced([], note="no cache cluster: a stage has no charge of its own")
    size = inputs.get("cacheClusterSize") or "0.5"  # the API's default cache size (GB)
    return Priced([ctx.line(f"Cache cluster ({size} GB)", f"apigateway:cache:{size}", "hour", HOURS_PER_MONTH)])


PRICERS = {
    "aws:apigateway/stage:Stage": _stage,
    "aws:apigateway/restApi:RestApi": _rest_api,
    "aws:apigatewayv2/api:Api": _api,
}

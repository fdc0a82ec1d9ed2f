"""AWS AppSync GraphQL APIs: query and data modification operations, real-time updates and connection minutes.

The API's caches are priced apart (aws:appsync/apiCache:ApiCache is listed as billed on its own)."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import Priced, PricingContext
from rollout.model.inventory import Resource


def _graphql_api(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    return Priced(
        [
            ctx.line(
                "Query and data modification operations",
                "appsync:requests",
                "1M requests",
                ctx.usage(resource, "monthlyRequests") / 1e6,
                usage_based=True,
            ),
            ctx.line(
                "Real-time updates",
                "appsync:realtime:updates",
                "1M updates",
                ctx.usage(resource, "monthlyRealtimeUpdates") / 1e6,
                usage_based=True,
            ),
            ctx.line(
                "Real-time connection minutes",
                "appsync:realtime:connection-minutes",
                "1M minutes",
                ctx.usage(resource, "monthlyConnectionMinutes") / 1e6,
                usage_based=True,
            ),
        ]
    )


PRICERS = {
    "aws:appsync/graphQLApi:GraphQLApi": _graphql_api,
}

"""Route 53: hosted zones (and their standard queries) and health checks with their optional features."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import Priced, PricingContext
from rollout.model.inventory import Resource

_OPTIONAL = {"HTTPS": 1, "HTTP_STR_MATCH": 1, "HTTPS_STR_MATCH": 2}
"""Optional features a health-check type implies: HTTPS, string matching (HTTPS_STR_MATCH is both)."""


def _zone(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    return Priced([
        ctx.line("Hosted zone", "route53:zone", "month", 1),
        ctx.line("Standard queries (first 1B)", "route53:queries:standard", "1M queries",
                 ctx.usage(resource, "monthlyStandardQueries") / 1e6, usage_based=True),
    ])


def _endpoint_kind(inputs: dict[str, Any]) -> str:
    target = str(inputs.get("fqdn") or "")
    return "aws" if target.endswith(".amazonaws.com") else "non-aws"


def _health_check(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    kind = inputs.get("type") or "HTTP"
    endpoint = _endpoint_kind(inputs)
    features = _OPTIONAL.get(kind, 0) + (inputs.get("requestInterval") == 10) + (inputs.get("measureLatency") is True)
    components = [ctx.line(f"Health check ({kind}, {endpoint.replace('-', ' ').upper()} endpoint)",
                           f"route53:health-check:{endpoint}", "month", 1)]
    if features:
        components.append(ctx.line(f"Optional features x {features} (HTTPS, string match, fast interval, latency)",
                                   f"route53:health-check-feature:{endpoint}", "month", features))
    note = "" if endpoint == "aws" else "an endpoint outside AWS (the site's own server or CDN) is billed as non-AWS"
    return Priced(components, note=note)


PRICERS = {
    "aws:route53/zone:Zone": _zone,
    "aws:route53/healthCheck:HealthCheck": _health_check,
}

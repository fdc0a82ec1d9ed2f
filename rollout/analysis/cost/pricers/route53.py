"""Route 53: hosted zones (and their standard queries) and health checks with their optional features."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import Priced, PricingContext, Tier
from rollout.model.inventory import Resource

QUERY_TIERS = (Tier("", "first 1B", 1_000), Tier("over-1b", "over 1B", None))
"""Route 53 query tiers in 1M queries: the first billion a month, then the rest (Route 53 pricing; Infracost
route53_record, StartUsageAmount 1000000000)."""

_QUERY_KINDS = (
    ("Standard queries", "standard", "monthlyStandardQueries", None),
    ("Latency based routing queries", "latency", "monthlyLatencyQueries", "latencyRoutingPolicies"),
    ("Geo DNS queries", "geo", "monthlyGeoQueries", "geolocationRoutingPolicies"),
)

_OPTIONAL = {"HTTPS": 1, "HTTP_STR_MATCH": 1, "HTTPS_STR_MATCH": 2}
"""Optional features a health-check type implies: HTTPS, string matching (HTTPS_STR_MATCH is both)."""


def _zone(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    components = [ctx.line("Hosted zone", "route53:zone", "month", 1)]
    records = [
        r
        for r in ctx.inventory.of_type("aws:route53/record:Record")
        if ctx.referenced(r, "zoneId", resource.type, r.inputs.get("zoneId")) is resource
    ]
    notes = []
    for label, kind, key, policy in _QUERY_KINDS:
        millions = ctx.usage(resource, key) / 1e6
        if kind == "standard" or millions:
            components += ctx.tiered(label, f"route53:queries:{kind}", "1M queries", millions, QUERY_TIERS)
        elif policy and any(r.inputs.get(policy) for r in records):
            notes.append(f"records with {policy} answer {label.lower()}, billed per query: set {key}")
    return Priced(components, note="; ".join(notes))


def _endpoint_kind(inputs: dict[str, Any]) -> str:
    target = str(inputs.get("fqdn") or "")
    return "aws" if target.endswith(".amazonaws.com") else "non-aws"


def _health_check(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    kind = inputs.get("type") or "HTTP"
    endpoint = _endpoint_kind(inputs)
    features = _OPTIONAL.get(kind, 0) + (inputs.get("requestInterval") == 10) + (inputs.get("measureLatency") is True)
    components = [
        ctx.line(
            f"Health check ({kind}, {endpoint.replace('-', ' ').upper()} endpoint)",
            f"route53:health-check:{endpoint}",
            "month",
            1,
        )
    ]
    if features:
        components.append(
            ctx.line(
                f"Optional features x {features} (HTTPS, string match, fast interval, latency)",
                f"route53:health-check-feature:{endpoint}",
                "month",
                features,
            )
        )
    note = "" if endpoint == "aws" else "an endpoint outside AWS (the site's own server or CDN) is billed as non-AWS"
    return Priced(components, note=note)


PRICERS = {
    "aws:route53/zone:Zone": _zone,
    "aws:route53/healthCheck:HealthCheck": _health_check,
}

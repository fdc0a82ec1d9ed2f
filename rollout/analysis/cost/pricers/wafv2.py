"""AWS WAF web ACLs (ACL, rules, requests)."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import Priced, PricingContext, is_unknown
from rollout.model.inventory import Resource


def _web_acl(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    rules = inputs.get("rules")
    components = [ctx.line("Web ACL", "waf:web-acl", "month", 1)]
    if is_unknown(rules):
        components.append(ctx.unknown("Rules", "month", "rules unknown before apply"))
    elif rules:
        components.append(ctx.line(f"Rules x {len(rules)}", "waf:rule", "month", len(rules)))
    components.append(ctx.line("Requests", "waf:requests", "1M requests",
                               ctx.usage(resource, "monthlyRequests") / 1e6, usage_based=True))
    return Priced(components)


PRICERS = {
    "aws:wafv2/webAcl:WebAcl": _web_acl,
}

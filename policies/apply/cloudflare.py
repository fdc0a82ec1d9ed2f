"""Cloudflare plan limits and retired APIs (pulumi-cloudflare v6): edge TTLs, rate-limit periods, rule counts,
features per plan, the brotli setting, proxied records (APL-CFZ-01..06).

Verified against Cloudflare's docs: the minimum edge/browser TTLs by plan, Free's 10 s rate-limit period and
timeout, the Free Managed Ruleset, the retired settings. The Pro/Business rate-limit period and timeout sets and
the rule counts per plan follow Cloudflare's plan tables as last published and could not be re-verified here.

The zone's plan is not an input of the zone resource: it is the rate plan of the program's `ZoneSubscription` for
that zone when there is one, else the rule config `plan` (default `free`, what a new zone gets); set it per stack in
`rollout:policy` / `--policy-pack-config` (e.g. `{APL-CFZ-01: {plan: pro}}`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from policies._helpers import each, get, items, known, of_type, to_int
from policies.apply._rule import rule
from policies.core import Subject

ZONE_SETTING = "cloudflare:index/zoneSetting:ZoneSetting"
RULESET = "cloudflare:index/ruleset:Ruleset"
DNS_RECORD = "cloudflare:index/dnsRecord:DnsRecord"
ZONE_SUBSCRIPTION = "cloudflare:index/zoneSubscription:ZoneSubscription"
PLANS = ("free", "pro", "business", "enterprise")
MIN_EDGE_TTL = {"free": 7200, "pro": 3600, "business": 1, "enterprise": 1}
RATE_LIMIT_PERIODS = {"free": {10}, "pro": {10, 60}, "business": {10, 60, 600},
                      "enterprise": {10, 60, 120, 300, 600, 3600}}
RATE_LIMIT_TIMEOUTS = {"free": {10}, "pro": {10, 60, 600, 3600, 86400}, "business": {10, 60, 600, 3600, 86400}}
MAX_RULES = {  # rules per zone entry point ruleset, by phase and plan
    "http_ratelimit": {"free": 1, "pro": 2, "business": 5},
    "http_request_firewall_custom": {"free": 5, "pro": 20, "business": 100},
    "http_request_cache_settings": {"free": 10, "pro": 25, "business": 50},
}
FREE_MANAGED = "77454fe2d30c4220b5701f6fdfb893ba"
PAID_MANAGED = {"efb7b8c949ac4650a09736fc376e9aee": "Cloudflare Managed Ruleset",
                "4814384a9e5d4991b9815dcfc25d2f1f": "Cloudflare OWASP Core Ruleset",
                "c2e184081120413c86c3ab7e14069605": "Cloudflare Exposed Credentials Check"}
PRO_SETTINGS = {"polish": "pro", "mirage": "pro", "image_resizing": "business", "prefetch_preload": "enterprise"}
RETIRED_SETTINGS = {"brotli": "2024-08-15", "minify": "2024-08-05", "server_side_exclude": "2024-06-14",
                    "mobile_redirect": "2024-06-30"}
TTL_DOC = "https://developers.cloudflare.com/cache/how-to/edge-browser-cache-ttl/"
DEPRECATIONS = "https://developers.cloudflare.com/fundamentals/api/reference/deprecations/"
RATE_DOC = "https://developers.cloudflare.com/waf/rate-limiting-rules/"


def _plan(cfg: Mapping[str, Any]) -> str:
    plan = str(cfg.get("plan", "free")).lower()
    return plan if plan in PLANS else "free"


def _zone_key(subject: Subject) -> tuple[Any, ...]:
    """What identifies the zone a resource belongs to: the resources its zoneId came from, or the literal id."""
    deps = tuple(sorted(subject.property_dependencies.get("zoneId", ())))
    return deps or (known(subject.props, "zoneId"),)


def per_zone_plan(check: Callable[[Subject, Mapping[str, Any]], Iterable[str]], types: Sequence[str]):
    """A stack check running `check` with `plan` set to the rate plan of the zone's ZoneSubscription, if any."""
    def stack_check(subjects: Sequence[Subject], cfg: Mapping[str, Any]):
        plans = {}
        for subscription in of_type(subjects, ZONE_SUBSCRIPTION):
            rate_plan = known(subscription.props, "ratePlan")
            plan = str(get(rate_plan, "id", default="")).lower() if rate_plan else ""
            if plan in PLANS:
                plans[_zone_key(subscription)] = plan
        yield from each(subjects, types,
                        lambda s: check(s, {**cfg, "plan": plans.get(_zone_key(s), cfg.get("plan", "free"))}))

    return stack_check


def edge_ttl_minimum(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    if get(subject.props, "phase") != "http_request_cache_settings":
        return
    plan = _plan(cfg)
    for number, rule_ in enumerate(items(get(subject.props, "rules")), start=1):
        edge = get(rule_, "actionParameters", "edgeTtl") or {}
        values = [to_int(get(edge, "default"))] + [to_int(get(s, "value")) for s in items(get(edge, "statusCodeTtls"))]
        for value in values:
            if value is not None and 0 < value < MIN_EDGE_TTL[plan]:
                yield f"rule {number}: edge TTL {value} s is under the {plan} plan's minimum {MIN_EDGE_TTL[plan]} s"
        browser = to_int(get(rule_, "actionParameters", "browserTtl", "default"))
        if browser is not None and 0 < browser < MIN_EDGE_TTL[plan]:
            yield f"rule {number}: browser TTL {browser} s is under the {plan} plan's minimum {MIN_EDGE_TTL[plan]} s"


def rate_limit_periods(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    if get(subject.props, "phase") != "http_ratelimit":
        return
    plan = _plan(cfg)
    for number, rule_ in enumerate(items(get(subject.props, "rules")), start=1):
        limit = get(rule_, "ratelimit") or {}
        period, timeout = to_int(get(limit, "period")), to_int(get(limit, "mitigationTimeout"))
        if period is not None and period not in RATE_LIMIT_PERIODS[plan]:
            yield f"rule {number}: period {period} s; the {plan} plan allows {sorted(RATE_LIMIT_PERIODS[plan])}"
        allowed = RATE_LIMIT_TIMEOUTS.get(plan)
        if allowed is not None and timeout is not None and timeout not in allowed:
            yield f"rule {number}: mitigationTimeout {timeout} s; the {plan} plan allows {sorted(allowed)}"


def rule_counts(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    plan = _plan(cfg)
    limits = MAX_RULES.get(str(get(subject.props, "phase", default="")))
    if not limits or plan not in limits:
        return
    count = len(items(get(subject.props, "rules")))
    if count > limits[plan]:
        yield f"{count} rules in {get(subject.props, 'phase')}; the {plan} plan allows {limits[plan]}"


def plan_features(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    plan = _plan(cfg)
    rank = PLANS.index(plan)
    if subject.type == ZONE_SETTING:
        setting = get(subject.props, "settingId")
        needed = PRO_SETTINGS.get(setting)
        if needed and rank < PLANS.index(needed) and get(subject.props, "value") not in ("off", None):
            yield f"zone setting {setting} needs the {needed} plan (zone plan: {plan})"
        return
    if get(subject.props, "phase") != "http_request_firewall_managed" or plan != "free":
        return
    for rule_ in items(get(subject.props, "rules")):
        ruleset_id = get(rule_, "actionParameters", "id")
        if get(rule_, "action") == "execute" and ruleset_id in PAID_MANAGED:
            yield (f"the {PAID_MANAGED[ruleset_id]} needs Pro or above; Free zones execute the Free Managed "
                   f"Ruleset {FREE_MANAGED}")


def retired_settings(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    setting = get(subject.props, "settingId")
    if setting in RETIRED_SETTINGS:
        yield f"the {setting} setting's API reached end of life on {RETIRED_SETTINGS[setting]}"


def proxied_records(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    record_type = str(get(subject.props, "type", default="")).upper()
    if get(subject.props, "proxied") is True:
        if record_type not in ("A", "AAAA", "CNAME"):
            yield f"a {record_type} record cannot be proxied (A, AAAA and CNAME only)"
        ttl = to_int(get(subject.props, "ttl"))
        if ttl is not None and ttl != 1:
            yield f"a proxied record's ttl must be 1 (automatic), not {ttl}"
    ttl = to_int(get(subject.props, "ttl"))
    if ttl is not None and ttl != 1 and not 30 <= ttl <= 86400:
        yield f"ttl {ttl}: use 1 (automatic) or 30-86400 seconds"


_PLAN = {"plan": "free"}
CONTROLS = (
    rule("APL-CFZ-01", "Cache rule TTLs respect the plan's minimum", (RULESET,),
         per_zone_plan(edge_ttl_minimum, (RULESET,)), stack=True, config_defaults=_PLAN,
         description="Edge and browser TTLs set by cache rules: at least 2 hours on Free, 1 hour on Pro, 1 second "
                     "on Business and Enterprise.",
         remediation="Raise the TTL to the plan's minimum or leave the origin's Cache-Control in charge.",
         sources=(TTL_DOC,)),
    rule("APL-CFZ-02", "Rate-limit periods and timeouts are ones the plan offers", (RULESET,),
         per_zone_plan(rate_limit_periods, (RULESET,)), stack=True, config_defaults=_PLAN,
         description="Free counts over 10 s and blocks for 10 s; Pro counts over 10 or 60 s; Business adds 10 min.",
         remediation="Use a counting period and mitigation timeout of the plan.", sources=(RATE_DOC,)),
    rule("APL-CFZ-03", "Rulesets hold no more rules than the plan allows", (RULESET,),
         per_zone_plan(rule_counts, (RULESET,)), stack=True, config_defaults=_PLAN,
         description="Rate limiting: Free 1, Pro 2, Business 5; custom rules: 5/20/100; cache rules: 10/25/50.",
         remediation="Merge rules or move to a plan that allows more.",
         sources=(RATE_DOC, "https://developers.cloudflare.com/waf/custom-rules/",
                  "https://developers.cloudflare.com/cache/how-to/cache-rules/")),
    rule("APL-CFZ-04", "Zone features are ones the plan includes", (ZONE_SETTING, RULESET),
         per_zone_plan(plan_features, (ZONE_SETTING, RULESET)), stack=True, config_defaults=_PLAN,
         description="Polish and Mirage need Pro, image resizing Business; Free zones cannot deploy the Cloudflare "
                     "Managed, OWASP or exposed-credentials rulesets (they run the Free Managed Ruleset).",
         remediation="Leave the feature off or use a plan that includes it.",
         sources=("https://developers.cloudflare.com/images/polish/",
                  "https://developers.cloudflare.com/waf/managed-rules/")),
    rule("APL-CFZ-05", "No zone setting whose API reached end of life", (ZONE_SETTING,), retired_settings,
         description="brotli, minify, server_side_exclude and mobile_redirect zone settings were retired.",
         remediation="Remove the setting (Brotli is applied by default; Compression Rules change it).",
         sources=(DEPRECATIONS,)),
    rule("APL-CFZ-06", "Proxied DNS records are proxiable and use the automatic TTL", (DNS_RECORD,), proxied_records,
         description="Only A, AAAA and CNAME records can be proxied, with ttl 1 (automatic); other TTLs are 30-86400.",
         remediation="Set ttl=1 on proxied records; do not proxy other types.",
         sources=("https://developers.cloudflare.com/dns/proxy-status/",
                  "https://developers.cloudflare.com/dns/manage-dns-records/reference/ttl/")),
)

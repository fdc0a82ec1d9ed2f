"""Cloudflare CDN: strict TLS settings, plan-aware WAF/rate limit/polish, cache rules and the proxied record."""

import pytest
from pydantic import ValidationError

from components.cdn_cloudflare import (
    CLOUDFLARE_FREE_MANAGED_RULESET,
    CLOUDFLARE_MANAGED_RULESET,
    CloudflareCdn,
    CloudflareCdnArgs,
    RateLimit,
    cache_expression,
    edge_ttl,
    image_optimisation,
    imported_records,
    managed_waf_ruleset,
    rate_limit,
    record_args,
)
from components.zone_file import parse_zone_text

ACCOUNT = "0123456789abcdef0123456789abcdef"
ZONE = """$TTL 3600
@       IN SOA ns1.host.example.net. admin.example.vn. 1 7200 3600 1209600 300
@       IN NS  ns1.host.example.net.
@       IN MX  10 mx.mail.example.net.
@       IN TXT "v=spf1 include:_spf.mail.example.net -all"
shop    IN A   203.0.113.10
origin  IN A   203.0.113.10
_sip._tcp IN SRV 10 5 5060 sip.example.vn.
sip     IN A   203.0.113.20
@       IN CAA 0 issue "amazon.com"
"""
RECORDS = list(parse_zone_text(ZONE, "example.vn"))
BASE = {"domain": "shop.example.vn", "zone_name": "example.vn", "origin": "origin.example.vn", "records": RECORDS}


def _build(synth, **args):
    return synth(lambda: CloudflareCdn("cdn", CloudflareCdnArgs(**{**BASE, "account_id": ACCOUNT, **args})))


def _settings(inventory):
    settings = inventory.of_type("cloudflare:index/zoneSetting:ZoneSetting")
    return {r.inputs["settingId"]: r.inputs["value"] for r in settings}


def _rulesets(inventory):
    return {r.inputs["phase"]: r.inputs for r in inventory.of_type("cloudflare:index/ruleset:Ruleset")}


@pytest.fixture(scope="module")
def free():
    from rollout.runtime.synth import synthesize_function

    return synthesize_function(lambda: CloudflareCdn("cdn", CloudflareCdnArgs(
        **BASE, account_id=ACCOUNT, static_path_prefixes=["/static/"])))


def test_zone_settings_enforce_strict_tls_https_and_hsts(free):
    settings = _settings(free)
    assert settings["ssl"] == "strict" and settings["min_tls_version"] == "1.2"
    assert settings["always_use_https"] == "on"
    hsts = settings["security_header"]["strict_transport_security"]
    assert hsts["enabled"] is True and hsts["max_age"] >= 31_536_000 and hsts["include_subdomains"] is True
    assert settings["http3"] == settings["early_hints"] == "on"
    assert "brotli" not in settings  # the setting's API reached end of life; Cloudflare applies Brotli itself
    assert "polish" not in settings


def test_every_setting_and_ruleset_targets_the_created_zone(free):
    (zone,) = free.of_type("cloudflare:index/zone:Zone")
    assert zone.inputs["name"] == "example.vn" and zone.inputs["account"] == {"id": ACCOUNT}
    zone_ids = {r.inputs["zoneId"] for r in free if r.type != "cloudflare:index/zone:Zone" and r.custom}
    assert len(zone_ids) == 1 and zone_ids.pop().startswith("cdn-zone")


def test_free_plan_executes_the_free_managed_ruleset_and_its_rate_limit(free):
    rulesets = _rulesets(free)
    (waf,) = rulesets["http_request_firewall_managed"]["rules"]
    assert waf["action"] == "execute" and waf["actionParameters"]["id"] == CLOUDFLARE_FREE_MANAGED_RULESET
    (limit,) = rulesets["http_ratelimit"]["rules"]
    assert limit["action"] == "block" and limit["enabled"] is True
    assert limit["ratelimit"] == {"characteristics": ["ip.src", "cf.colo.id"], "period": 10,
                                  "requestsPerPeriod": 100, "mitigationTimeout": 10}


def test_cache_rule_caches_static_files_and_the_asset_path(free):
    (rule,) = _rulesets(free)["http_request_cache_settings"]["rules"]
    assert rule["action"] == "set_cache_settings" and rule["actionParameters"]["cache"] is True
    # The Free plan's minimum edge TTL is 2 hours: the 3600 s default is raised to it.
    assert rule["actionParameters"]["edgeTtl"] == {"mode": "override_origin", "default": 7200}
    assert 'starts_with(http.request.uri.path, "/static/")' in rule["expression"]


def _site(inventory):
    (record,) = [r for r in inventory.of_type("cloudflare:index/dnsRecord:DnsRecord") if r.name == "cdn-site"]
    return record.inputs


def test_site_record_is_dns_only_until_the_dns_authority_switch(free, synth):
    before = _site(free)
    assert (before["name"], before["type"], before["content"], before["proxied"]) == (
        "shop.example.vn", "CNAME", "origin.example.vn", False)
    after = _site(_build(synth, proxied=True))
    assert (after["content"], after["proxied"], after["ttl"]) == ("origin.example.vn", True, 1)


def test_created_zone_holds_every_record_of_the_zone_file(free):
    """Regression: the zone used to hold only the site's CNAME, so MX, SPF and every other name vanished."""
    imported = {(r.inputs["name"], r.inputs["type"]): r.inputs
                for r in free.of_type("cloudflare:index/dnsRecord:DnsRecord") if r.name != "cdn-site"}
    assert set(imported) == {("example.vn", "MX"), ("example.vn", "TXT"), ("origin.example.vn", "A"),
                             ("_sip._tcp.example.vn", "SRV"), ("sip.example.vn", "A"), ("example.vn", "CAA")}
    assert imported[("example.vn", "MX")]["content"] == "mx.mail.example.net"
    assert imported[("example.vn", "MX")]["priority"] == 10
    assert imported[("example.vn", "TXT")]["content"] == '"v=spf1 include:_spf.mail.example.net -all"'
    assert imported[("_sip._tcp.example.vn", "SRV")]["data"] == {"priority": 10, "weight": 5, "port": 5060,
                                                                 "target": "sip.example.vn"}
    # the origin the site record points at resolves inside the new zone (no Cloudflare error 1016)
    assert imported[("origin.example.vn", "A")]["content"] == "203.0.113.10"
    assert all(r.get("proxied") in (None, False) for r in imported.values())


def test_the_site_names_own_address_records_are_replaced_by_the_site_record():
    kept = imported_records(RECORDS, "shop.example.vn")
    assert not [r for r in kept if r.name == "shop.example.vn"]
    assert len(kept) == len(RECORDS) - 1


def test_record_args_bound_ttl_and_keep_mx_priority():
    (mx,) = [r for r in RECORDS if r.type == "MX"]
    args = record_args(mx, "zone-1")
    assert args["ttl"] == 3600 and args["priority"] == 10 and "proxied" not in args


def test_site_name_with_other_records_is_rejected():
    records = list(parse_zone_text(ZONE + "shop IN TXT \"verification\"\n", "example.vn"))
    with pytest.raises(ValidationError, match="cannot share its name"):
        CloudflareCdnArgs(**{**BASE, "account_id": ACCOUNT, "records": records})


def test_children_are_parented_to_the_component(free):
    (component,) = free.of_type("sme-rollout:cdn:CloudflareCdn")
    assert {r.parent for r in free if r.custom} == {component.urn}


def test_pro_plan_gets_the_full_managed_ruleset_and_polish(synth):
    inventory = _build(synth, plan="pro", rate_limit_per_minute=120)
    assert _settings(inventory)["polish"] == "lossless"
    rulesets = _rulesets(inventory)
    assert rulesets["http_request_firewall_managed"]["rules"][0]["actionParameters"]["id"] == CLOUDFLARE_MANAGED_RULESET
    assert rulesets["http_ratelimit"]["rules"][0]["ratelimit"]["period"] == 60
    assert rulesets["http_ratelimit"]["rules"][0]["ratelimit"]["requestsPerPeriod"] == 120


def test_an_existing_zone_is_adopted_not_created(synth):
    inventory = synth(lambda: CloudflareCdn("cdn", CloudflareCdnArgs(**{**BASE, "records": []},
                                                                      zone_id="existing-zone")))
    assert inventory.of_type("cloudflare:index/zone:Zone") == []
    assert {r.inputs["zoneId"] for r in inventory if r.custom} == {"existing-zone"}
    assert [r.name for r in inventory.of_type("cloudflare:index/dnsRecord:DnsRecord")] == ["cdn-site"]


def test_a_zone_is_never_created_without_the_records():
    with pytest.raises(ValidationError, match="loses them"):
        CloudflareCdnArgs(**{**BASE, "records": []}, account_id=ACCOUNT)


@pytest.mark.parametrize(("plan", "per_minute", "expected"), [
    ("free", 600, RateLimit(10, 100, 10)),
    ("free", 10, RateLimit(10, 2, 10)),
    ("free", 1, RateLimit(10, 1, 10)),
    ("pro", 600, RateLimit(60, 600, 60)),
    ("business", 1000, RateLimit(60, 1000, 60)),
])
def test_rate_limit_fits_the_plan(plan, per_minute, expected):
    assert rate_limit(plan, per_minute) == expected


@pytest.mark.parametrize(("plan", "ruleset", "polish"), [
    ("free", CLOUDFLARE_FREE_MANAGED_RULESET, None),
    ("pro", CLOUDFLARE_MANAGED_RULESET, "lossless"),
    ("business", CLOUDFLARE_MANAGED_RULESET, "lossless"),
])
def test_plan_features(plan, ruleset, polish):
    assert managed_waf_ruleset(plan) == ruleset
    assert image_optimisation(plan) == polish


def test_cache_expression_without_prefixes_is_extensions_only():
    expression = cache_expression([])
    assert expression.startswith("(http.request.uri.path.extension in {") and "starts_with" not in expression


@pytest.mark.parametrize("bad", [
    {"account_id": None},
    {"account_id": ACCOUNT, "domain": "shop.other.vn"},
    {"account_id": ACCOUNT, "plan": "enterprise"},
    {"account_id": ACCOUNT, "rate_limit_per_minute": 5},
    {"account_id": ACCOUNT, "static_path_prefixes": ["static"]},
    {"account_id": ACCOUNT, "ssl": "flexible"},
])
def test_bad_args_are_rejected(bad):
    with pytest.raises(ValidationError):
        CloudflareCdnArgs(**{**BASE, **bad})


@pytest.mark.parametrize(("plan", "requested", "expected"), [
    ("free", None, 7200), ("pro", None, 3600), ("business", None, 3600), ("free", 7200, 7200),
    ("pro", 3600, 3600), ("business", 60, 60), ("free", 86_400, 86_400),
])
def test_edge_ttl_respects_the_plan_minimum(plan, requested, expected):
    assert edge_ttl(plan, requested) == expected


@pytest.mark.parametrize(("plan", "requested"), [("free", 3600), ("free", 7199), ("pro", 1800)])
def test_edge_ttl_under_the_plan_minimum_is_refused(plan, requested):
    with pytest.raises(ValueError, match="minimum"):
        edge_ttl(plan, requested)
    with pytest.raises(ValidationError, match="minimum"):
        CloudflareCdnArgs(**BASE, account_id=ACCOUNT, plan=plan, default_ttl_seconds=requested)

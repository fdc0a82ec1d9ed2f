"""The Cloudflare reader: zones, their settings and entry point rulesets from Cloudflare's v4 API, served here by a
local HTTP server on 127.0.0.1 in the API's response shape (`success`/`errors`/`result`/`result_info`)."""

from __future__ import annotations

import pytest

from rollout.errors import UserError
from rollout.live.audit import cloudflare
from tests.rollout import audit_fixtures as fx

TOKEN = "test-token-123"
ZONES = {"z-shop": "shop.example.vn", "z-legacy": "legacy.example.vn", "z-blog": "blog.example.vn"}
MANAGED = "efb7b8c949ac4650a09736fc376e9aee"  # the Cloudflare Managed Ruleset


def _envelope(result, **info):
    document = {"success": True, "errors": [], "messages": [], "result": result}
    if info:
        document["result_info"] = info
    return document


def _settings(ssl, tls, https, hsts):
    return [
        {"id": "ssl", "value": ssl, "editable": True, "modified_on": None},
        {"id": "min_tls_version", "value": tls, "editable": True, "modified_on": None},
        {"id": "always_use_https", "value": https, "editable": True, "modified_on": None},
        {"id": "security_header", "value": {"strict_transport_security": hsts}, "editable": True},
        {"id": "brotli", "value": "on", "editable": True},  # not read by any control: left out
    ]


def serve_account(httpserver, *, pages: bool = False):
    """Three zones: shop (strict TLS, TLS 1.2, HTTPS only, a year of HSTS with subdomains, the managed WAF, a rate
    limit), legacy (flexible, TLS 1.0, HTTP allowed, no HSTS, no rulesets: 404 for both phases) and blog (shop's
    settings, but its managed phase runs only the Free managed ruleset and its rate-limit rule is disabled)."""
    auth = {"Authorization": f"Bearer {TOKEN}"}
    zones = [{"id": zone_id, "name": name, "type": "full", "status": "active"} for zone_id, name in ZONES.items()]
    if pages:  # one zone a page, as a token with many zones sees them
        for page, zone in enumerate(zones, start=1):
            httpserver.expect_request("/client/v4/zones", headers=auth, query_string={
                "page": str(page), "per_page": "50"}).respond_with_json(_envelope(
                    [zone], page=page, per_page=1, count=1, total_count=len(zones), total_pages=len(zones)))
    else:
        httpserver.expect_request("/client/v4/zones", headers=auth).respond_with_json(_envelope(
            zones, page=1, per_page=50, count=len(zones), total_count=len(zones), total_pages=1))
    for zone_id in ("z-shop", "z-blog"):
        httpserver.expect_request(f"/client/v4/zones/{zone_id}/settings", headers=auth).respond_with_json(_envelope(
            _settings("strict", "1.2", "on", {"enabled": True, "max_age": 31536000, "include_subdomains": True,
                                              "preload": False, "nosniff": True})))
    httpserver.expect_request("/client/v4/zones/z-legacy/settings", headers=auth).respond_with_json(_envelope(
        _settings("flexible", "1.0", "off", {"enabled": False, "max_age": 0, "include_subdomains": False,
                                             "preload": False, "nosniff": False})))
    entry = "/client/v4/zones/z-shop/rulesets/phases/{}/entrypoint"
    httpserver.expect_request(entry.format("http_request_firewall_managed"), headers=auth).respond_with_json(
        _envelope({"id": "r-waf", "name": "zone", "kind": "zone", "phase": "http_request_firewall_managed",
                   "rules": [{"id": "1", "action": "execute", "action_parameters": {"id": MANAGED},
                              "expression": "true", "enabled": True}]}))
    httpserver.expect_request(entry.format("http_ratelimit"), headers=auth).respond_with_json(_envelope(
        {"id": "r-rate", "name": "zone", "kind": "zone", "phase": "http_ratelimit", "rules": [{
            "id": "2", "action": "block", "expression": "true", "enabled": True, "ratelimit": {
                "characteristics": ["ip.src", "cf.colo.id"], "period": 60, "requests_per_period": 300,
                "mitigation_timeout": 600}}]}))
    blog = "/client/v4/zones/z-blog/rulesets/phases/{}/entrypoint"
    httpserver.expect_request(blog.format("http_request_firewall_managed"), headers=auth).respond_with_json(
        _envelope({"id": "b-waf", "name": "zone", "kind": "zone", "phase": "http_request_firewall_managed",
                   "rules": [{"id": "3", "action": "execute", "action_parameters": {
                       "id": "77454fe2d30c4220b5701f6fdfb893ba"}, "expression": "true", "enabled": True}]}))
    httpserver.expect_request(blog.format("http_ratelimit"), headers=auth).respond_with_json(_envelope(
        {"id": "b-rate", "name": "zone", "kind": "zone", "phase": "http_ratelimit", "rules": [{
            "id": "4", "action": "block", "expression": "true", "enabled": False, "ratelimit": {
                "characteristics": ["ip.src", "cf.colo.id"], "period": 60, "requests_per_period": 300,
                "mitigation_timeout": 600}}]}))
    for phase in cloudflare.PHASES:
        httpserver.expect_request(f"/client/v4/zones/z-legacy/rulesets/phases/{phase}/entrypoint").respond_with_json(
            {"success": False, "errors": [{"code": 10003, "message": "could not find entrypoint ruleset"}],
             "messages": [], "result": None}, status=404)
    return cloudflare.CloudflareApi(TOKEN, httpserver.url_for("/client/v4"))


def test_zone_settings_and_rulesets_are_judged_by_the_cfz_controls(aws, httpserver):
    fx.account_with()
    api = serve_account(httpserver)
    try:
        result = fx.run(cloudflare=api)
    finally:
        api.close()
    found = {(f.control, f.name) for f in result.findings if f.control.startswith("CFZ")}
    assert found == {("CFZ-01", "legacy.example.vn:ssl"), ("CFZ-02", "legacy.example.vn:min_tls_version"),
                     ("CFZ-03", "legacy.example.vn:always_use_https"), ("CFZ-04", "legacy.example.vn:security_header"),
                     ("CFZ-07", "legacy.example.vn"), ("CFZ-05", "blog.example.vn:http_request_firewall_managed"),
                     ("CFZ-06", "blog.example.vn:http_ratelimit")}  # shop passes all seven
    kinds = {(s.type, s.name) for s in result.subjects if s.type.startswith("cloudflare:")}
    assert (cloudflare.RULESET, "shop.example.vn:http_ratelimit") in kinds
    assert (cloudflare.ZONE_SETTING, "shop.example.vn:brotli") not in kinds
    rate = next(s for s in result.subjects if s.name == "shop.example.vn:http_ratelimit")
    assert rate.props["rules"][0]["ratelimit"]["requestsPerPeriod"] == 300  # camelCase, as pulumi-cloudflare names it


def test_every_page_of_zones_is_read(httpserver):
    api = serve_account(httpserver, pages=True)
    try:
        assert [z["name"] for z in api.zones()] == list(ZONES.values())
    finally:
        api.close()


def test_a_refused_token_is_bad_input_naming_the_variable(httpserver):
    httpserver.expect_request("/client/v4/zones").respond_with_json(
        {"success": False, "errors": [{"code": 10000, "message": "Authentication error"}], "result": None}, status=403)
    api = cloudflare.CloudflareApi("wrong", httpserver.url_for("/client/v4"))
    try:
        with pytest.raises(UserError, match=r"^CLOUDFLARE_API_TOKEN: Cloudflare refused the token on GET /zones "
                                            r"\(HTTP 403: Authentication error\)"):
            list(api.zones())
    finally:
        api.close()


def test_an_outage_marks_the_zones_not_evaluated(httpserver):
    from rollout.live.audit.reading import Collection

    httpserver.expect_request("/client/v4/zones").respond_with_data("upstream error", status=502)
    api = cloudflare.CloudflareApi(TOKEN, httpserver.url_for("/client/v4"))
    out = Collection()
    try:
        cloudflare.collect_cloudflare(api, out)
    finally:
        api.close()
    assert out.subjects == [] and [(u.service, u.types) for u in out.unavailable] == [("cloudflare", cloudflare.TYPES)]


def test_plain_http_is_refused_except_to_this_machine():
    with pytest.raises(UserError, match="use https"):
        cloudflare.CloudflareApi(TOKEN, "http://api.example.com/client/v4")

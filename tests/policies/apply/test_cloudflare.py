from policies.apply.cloudflare import DNS_RECORD, RULESET, ZONE_SETTING


def _cache(ttl):
    return {"phase": "http_request_cache_settings", "rules": [
        {"action": "set_cache_settings", "actionParameters": {"edgeTtl": {"mode": "override_origin", "default": ttl}}}]}


def _limit(period, timeout):
    return {"phase": "http_ratelimit", "rules": [{"ratelimit": {"period": period, "mitigationTimeout": timeout}}]}


def test_apl_cfz_01_edge_ttl(res, assert_exact):
    assert_exact("APL-CFZ-01", {"pass_7200": res(RULESET, "a", _cache(7200)), "fail_3600": res(RULESET, "b", _cache(3600))})
    assert_exact("APL-CFZ-01", {"pass_pro_3600": res(RULESET, "a", _cache(3600)),
                                "fail_pro_60": res(RULESET, "b", _cache(60))}, {"plan": "pro"})


def test_apl_cfz_02_rate_limit_periods(res, assert_exact):
    assert_exact("APL-CFZ-02", {"pass_free": res(RULESET, "a", _limit(10, 10)),
                                "fail_free_60": res(RULESET, "b", _limit(60, 60))})


def test_apl_cfz_03_rule_counts(res, assert_exact):
    two = {"phase": "http_ratelimit", "rules": [{}, {}]}
    assert_exact("APL-CFZ-03", {"pass_one": res(RULESET, "a", _limit(10, 10)), "fail_two_on_free": res(RULESET, "b", two)})


def test_apl_cfz_04_plan_features(res, assert_exact):
    paid = {"phase": "http_request_firewall_managed",
            "rules": [{"action": "execute", "actionParameters": {"id": "efb7b8c949ac4650a09736fc376e9aee"}}]}
    free = {"phase": "http_request_firewall_managed",
            "rules": [{"action": "execute", "actionParameters": {"id": "77454fe2d30c4220b5701f6fdfb893ba"}}]}
    assert_exact("APL-CFZ-04", {"pass_free_ruleset": res(RULESET, "a", free),
                                "fail_paid_ruleset": res(RULESET, "b", paid),
                                "fail_polish": res(ZONE_SETTING, "c", {"settingId": "polish", "value": "lossless"})})


def test_apl_cfz_05_retired_settings(res, assert_exact):
    assert_exact("APL-CFZ-05", {"pass_http3": res(ZONE_SETTING, "a", {"settingId": "http3", "value": "on"}),
                                "fail_brotli": res(ZONE_SETTING, "b", {"settingId": "brotli", "value": "on"})})


def test_apl_cfz_06_proxied_records(res, assert_exact):
    assert_exact("APL-CFZ-06", {
        "pass_proxied_cname": res(DNS_RECORD, "a", {"type": "CNAME", "proxied": True, "ttl": 1}),
        "fail_proxied_mx": res(DNS_RECORD, "b", {"type": "MX", "proxied": True, "ttl": 1}),
        "fail_proxied_ttl": res(DNS_RECORD, "c", {"type": "A", "proxied": True, "ttl": 300}),
    })


def test_the_zone_subscription_decides_the_plan(res, assert_exact):
    """A program that subscribes its zone to Pro is judged by Pro's limits, whatever the rule config says."""
    from policies.apply.cloudflare import ZONE_SUBSCRIPTION

    zone = "urn:pulumi:test::proj::cloudflare:index/zone:Zone::z"
    pro = res(ZONE_SUBSCRIPTION, "sub", {"ratePlan": {"id": "pro"}, "zoneId": "z1"}, {"zoneId": [zone]})
    polish = {"settingId": "polish", "value": "lossless", "zoneId": "z1"}
    assert_exact("APL-CFZ-04", {
        "pass_polish_on_pro": [res(ZONE_SETTING, "a", polish, {"zoneId": [zone]}), pro],
        "fail_polish_on_another_free_zone": [res(ZONE_SETTING, "b", {**polish, "zoneId": "z2"}), pro],
    })

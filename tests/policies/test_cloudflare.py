from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE as UB

from policies.cloudflare import (
    CLOUDFLARE_MANAGED_RULESET,
    FREE_MANAGED_RULESET,
    OWASP_RULESET,
    RULESET,
    ZONE,
    ZONE_SETTING,
)
from policies.core import UNKNOWN_STRING_VALUE as U


def setting(res, name, setting_id, value, deps=None):
    return res(ZONE_SETTING, name, {"zoneId": "z", "settingId": setting_id, "value": value}, deps)


def test_cfz01_ssl_strict(res, assert_exact):
    fixtures = {
        "pass_strict": setting(res, "a", "ssl", "strict"),
        "pass_other_setting": setting(res, "a2", "brotli", "on"),
        "fail_flexible": setting(res, "b", "ssl", "flexible"),
        "fail_full": setting(res, "c", "ssl", "full"),
        "unknown_value": setting(res, "d", "ssl", U),
        "unknown_setting_id": setting(res, "e", U, "strict"),
    }
    assert_exact("CFZ-01", fixtures)
    assert_exact("CFZ-01", {"pass_full_allowed": fixtures["fail_full"], "fail_flexible": fixtures["fail_flexible"]},
                 {"allowFull": True})


def test_cfz02_min_tls(res, assert_exact):
    assert_exact("CFZ-02", {
        "pass_12": setting(res, "a", "min_tls_version", "1.2"),
        "pass_13": setting(res, "a2", "min_tls_version", "1.3"),
        "fail_10": setting(res, "b", "min_tls_version", "1.0"),
        "unknown_value": setting(res, "c", "min_tls_version", U),
    })


def test_cfz03_always_https(res, assert_exact):
    assert_exact("CFZ-03", {
        "pass_on": setting(res, "a", "always_use_https", "on"),
        "fail_off": setting(res, "b", "always_use_https", "off"),
        "unknown_value": setting(res, "c", "always_use_https", U),
    })


def test_cfz04_hsts(res, assert_exact):
    camel = {
        "strictTransportSecurity": {"enabled": True, "maxAge": 31536000, "includeSubdomains": True, "nosniff": True}
    }
    snake = {"strict_transport_security": {"enabled": True, "max_age": 63072000, "include_subdomains": True}}
    assert_exact(
        "CFZ-04",
        {
            "pass_camel_case": setting(res, "a", "security_header", camel),
            "pass_snake_case": setting(res, "a2", "security_header", snake),
            "fail_no_hsts": setting(res, "b", "security_header", {}),
            "fail_disabled": setting(
                res,
                "c",
                "security_header",
                {"strictTransportSecurity": {**camel["strictTransportSecurity"], "enabled": False}},
            ),
            "fail_short_max_age": setting(
                res,
                "d",
                "security_header",
                {"strictTransportSecurity": {**camel["strictTransportSecurity"], "maxAge": 600}},
            ),
            "fail_no_subdomains": setting(
                res,
                "e",
                "security_header",
                {"strict_transport_security": {**snake["strict_transport_security"], "include_subdomains": False}},
            ),
            "unknown_enabled": setting(
                res,
                "f",
                "security_header",
                {"strictTransportSecurity": {**camel["strictTransportSecurity"], "enabled": UB}},
            ),
        },
    )


def execute(ruleset_id, enabled=True):
    return {"action": "execute", "expression": "true", "enabled": enabled, "actionParameters": {"id": ruleset_id}}


def ruleset(res, name, phase, rules, deps=None):
    return res(RULESET, name, {"zoneId": "z", "kind": "zone", "name": name, "phase": phase, "rules": rules}, deps)


def test_cfz05_managed_waf(res, assert_exact):
    managed = "http_request_firewall_managed"
    fixtures = {
        "pass_managed": ruleset(res, "a", managed, [execute(CLOUDFLARE_MANAGED_RULESET)]),
        "pass_other_phase": ruleset(res, "a2", "http_request_cache_settings", []),
        "fail_no_rule": ruleset(res, "b", managed, []),
        "fail_disabled_rule": ruleset(res, "c", managed, [execute(CLOUDFLARE_MANAGED_RULESET, enabled=False)]),
        "fail_only_owasp": ruleset(res, "d", managed, [execute(OWASP_RULESET)]),
        "unknown_rule_id": ruleset(res, "e", managed, [execute(U)]),
    }
    assert_exact("CFZ-05", fixtures)
    assert_exact("CFZ-05", {
        "pass_both": ruleset(res, "f", managed, [execute(CLOUDFLARE_MANAGED_RULESET), execute(OWASP_RULESET)]),
        "fail_managed_without_owasp": fixtures["pass_managed"],
    }, {"requireOwasp": True})
    free = ruleset(res, "g", managed, [execute(FREE_MANAGED_RULESET)])
    assert_exact("CFZ-05", {"fail_free_ruleset_by_default": free, "pass_managed": fixtures["pass_managed"]})
    assert_exact("CFZ-05", {"pass_free_ruleset_accepted": free, "fail_only_owasp": fixtures["fail_only_owasp"]},
                 {"managedRulesetIds": [CLOUDFLARE_MANAGED_RULESET, FREE_MANAGED_RULESET]})


def test_cfz06_rate_limit(res, assert_exact):
    limit = {
        "characteristics": ["ip.src", "cf.colo.id"],
        "period": 60,
        "requestsPerPeriod": 100,
        "mitigationTimeout": 60,
    }

    def rule(**changes):
        return {"action": "block", "expression": "true", "enabled": True, "ratelimit": {**limit, **changes}}

    assert_exact("CFZ-06", {
        "pass_complete": ruleset(res, "a", "http_ratelimit", [rule()]),
        "fail_no_rules": ruleset(res, "b", "http_ratelimit", []),
        "fail_no_characteristics": ruleset(res, "c", "http_ratelimit", [rule(characteristics=[])]),
        "fail_no_requests_per_period": ruleset(res, "d", "http_ratelimit", [rule(requestsPerPeriod=None)]),
        "fail_no_mitigation_timeout": ruleset(res, "e", "http_ratelimit", [rule(mitigationTimeout=None)]),
        "fail_disabled": ruleset(res, "f", "http_ratelimit", [{**rule(), "enabled": False}]),
        "unknown_period": ruleset(res, "g", "http_ratelimit", [rule(period=U)]),
    })


def test_cfz07_zone_configured(res, assert_exact):
    def zone_stack(name, skip_setting=None, skip_phase=None, unknown_phase=False):
        zone = res(ZONE, name, {"name": f"{name}.example.vn", "account": {"id": "acc"}})
        deps = {"zoneId": [zone.urn]}
        members = [setting(res, f"{name}-{s}", s, "on", deps)
                   for s in ("ssl", "min_tls_version", "always_use_https", "security_header") if s != skip_setting]
        for phase in ("http_request_firewall_managed", "http_ratelimit"):
            if phase != skip_phase:
                members.append(ruleset(res, f"{name}-{phase}", U if unknown_phase else phase, [], deps))
        return [zone, *members]

    assert_exact("CFZ-07", {
        "pass_complete": zone_stack("a"),
        "fail_missing_min_tls": zone_stack("b", skip_setting="min_tls_version"),
        "fail_missing_ratelimit_ruleset": zone_stack("c", skip_phase="http_ratelimit"),
        "fail_settings_of_another_zone": [res(ZONE, "d", {"name": "d.example.vn"}), *zone_stack("d2")[1:]],
        "unknown_phase": zone_stack("e", unknown_phase=True),
    })

"""Cloudflare zones (pulumi-cloudflare v6): strict TLS to the origin, TLS 1.2+, HTTPS only, HSTS, the managed WAF
ruleset, rate limiting, and every zone actually configured (CFZ-01..07). One ZoneSetting per setting in v6."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from policies._helpers import each, get, items, of_type, refers_to, to_int, truthy
from policies.core import Control, Enforcement, Severity, Subject

ZONE = "cloudflare:index/zone:Zone"
ZONE_SETTING = "cloudflare:index/zoneSetting:ZoneSetting"
RULESET = "cloudflare:index/ruleset:Ruleset"
CLOUDFLARE_MANAGED_RULESET = "efb7b8c949ac4650a09736fc376e9aee"
OWASP_RULESET = "4814384a9e5d4991b9815dcfc25d2f1f"
FREE_MANAGED_RULESET = "77454fe2d30c4220b5701f6fdfb893ba"  # what Free-plan zones can run instead (opt-in via config)
MANAGED_PHASE = "http_request_firewall_managed"
RATELIMIT_PHASE = "http_ratelimit"
REQUIRED_SETTINGS = ("ssl", "min_tls_version", "always_use_https", "security_header")
ONE_YEAR = 31536000


def _setting(subject: Subject, setting_id: str) -> tuple[bool, Any]:
    if get(subject.props, "settingId") != setting_id:
        return False, None
    return True, get(subject.props, "value")


def ssl_strict(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    applies, value = _setting(subject, "ssl")
    allowed = {"strict"} | ({"full"} if cfg.get("allowFull") else set())
    if applies and value not in allowed:
        yield f"ssl is {value!r}; use strict (Full (strict) validates the origin certificate)"


def min_tls(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    applies, value = _setting(subject, "min_tls_version")
    if applies and str(value) not in {"1.2", "1.3"}:
        yield f"min_tls_version is {value!r}; use 1.2 or 1.3"


def always_https(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    applies, value = _setting(subject, "always_use_https")
    if applies and value != "on":
        yield f"always_use_https is {value!r}; use on"


def _either(mapping: Any, camel: str, snake: str) -> Any:
    value = get(mapping, camel)
    return value if value is not None else get(mapping, snake)


def hsts(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    applies, value = _setting(subject, "security_header")
    if not applies:
        return
    minimum = int(cfg.get("minMaxAge", ONE_YEAR))
    policy = _either(value, "strictTransportSecurity", "strict_transport_security")
    if policy is None:
        yield "security_header has no strictTransportSecurity"
        return
    if not truthy(get(policy, "enabled")):
        yield "HSTS is not enabled"
    age = to_int(_either(policy, "maxAge", "max_age")) or 0
    if age < minimum:
        yield f"HSTS maxAge is {age}; use at least {minimum}"
    if not truthy(_either(policy, "includeSubdomains", "include_subdomains")):
        yield "HSTS includeSubdomains is not true"


def _enabled(rule: Any) -> bool:
    return get(rule, "enabled") is not False


def _executes(ruleset: Subject, ruleset_id: str) -> bool:
    return any(_enabled(rule) and get(rule, "action") == "execute" and get(rule, "actionParameters", "id") == ruleset_id
               for rule in items(get(ruleset.props, "rules")))


def managed_waf(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    if get(subject.props, "phase") != MANAGED_PHASE:
        return
    accepted = list(cfg.get("managedRulesetIds") or [CLOUDFLARE_MANAGED_RULESET])
    if not any(_executes(subject, ruleset_id) for ruleset_id in accepted):
        yield f"no enabled rule executes the Cloudflare Managed Ruleset ({' or '.join(accepted)})"
    if cfg.get("requireOwasp") and not _executes(subject, OWASP_RULESET):
        yield f"no enabled rule executes the OWASP Core Ruleset ({OWASP_RULESET}) (policy config requireOwasp)"


def rate_limit(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if get(subject.props, "phase") != RATELIMIT_PHASE:
        return
    for rule in items(get(subject.props, "rules")):
        limit = get(rule, "ratelimit")
        if _enabled(rule) and items(get(limit, "characteristics")) and get(limit, "period") is not None \
                and get(limit, "requestsPerPeriod") is not None and get(limit, "mitigationTimeout") is not None:
            return
    yield "no enabled rule sets ratelimit characteristics, period, requestsPerPeriod and mitigationTimeout"


def zone_configured(subjects: Sequence[Subject], _cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    settings = of_type(subjects, ZONE_SETTING)
    rulesets = of_type(subjects, RULESET)

    def check(zone: Subject) -> Iterator[str]:
        present = {get(s.props, "settingId") for s in settings if refers_to(s, "zoneId", zone)}
        missing = [s for s in REQUIRED_SETTINGS if s not in present]
        if missing:
            yield f"has no ZoneSetting for {', '.join(missing)} (zone defaults are weak, e.g. minimum TLS 1.0)"
        phases = {get(r.props, "phase") for r in rulesets if refers_to(r, "zoneId", zone)}
        for phase in (MANAGED_PHASE, RATELIMIT_PHASE):
            if phase not in phases:
                yield f"has no {phase} ruleset"

    yield from each(subjects, [ZONE], check)


_SETTING = (ZONE_SETTING,)
_RULESET = (RULESET,)
CONTROLS = (
    Control(
        id="CFZ-01",
        title="Cloudflare SSL mode is Full (strict)",
        severity=Severity.CRITICAL,
        resource_types=_SETTING,
        check=ssl_strict,
        config_defaults={"allowFull": False},
        waivable=False,
        description="Flexible sends plaintext to the origin and Full accepts any origin certificate; use strict "
        "(config allowFull accepts full).",
        remediation="ZoneSetting(setting_id='ssl', value='strict') with a valid origin certificate.",
        sources=("Cloudflare ssl/origin-configuration/ssl-modes",),
    ),
    Control(
        id="CFZ-02",
        title="Cloudflare minimum TLS is 1.2",
        severity=Severity.HIGH,
        resource_types=_SETTING,
        check=min_tls,
        description="The zone default minimum is TLS 1.0; PCI DSS requires 1.2.",
        remediation="ZoneSetting(setting_id='min_tls_version', value='1.2').",
        sources=(
            "Cloudflare ssl/reference/protocols",
            "Cloudflare ssl/edge-certificates/additional-options/minimum-tls",
        ),
    ),
    Control(
        id="CFZ-03",
        title="Cloudflare redirects HTTP to HTTPS",
        severity=Severity.HIGH,
        resource_types=_SETTING,
        check=always_https,
        description="Always Use HTTPS answers every http:// request with a 301 to https://.",
        remediation="ZoneSetting(setting_id='always_use_https', value='on').",
        sources=("Cloudflare zone setting always_use_https",),
    ),
    Control(
        id="CFZ-04",
        title="Cloudflare sends a strong HSTS header",
        severity=Severity.MEDIUM,
        resource_types=_SETTING,
        check=hsts,
        config_defaults={"minMaxAge": ONE_YEAR},
        description="security_header must enable HSTS for at least a year with includeSubdomains (camelCase or "
        "snake_case keys).",
        remediation="ZoneSetting(setting_id='security_header', value={'strict_transport_security': {'enabled': True, "
        "'max_age': 31536000, 'include_subdomains': True, 'nosniff': True}}).",
        sources=("Cloudflare security_header setting", "pulumi-cloudflare ZoneSetting example"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="CFZ-05",
        title="Cloudflare Managed WAF ruleset is deployed",
        severity=Severity.HIGH,
        resource_types=_RULESET,
        check=managed_waf,
        config_defaults={"requireOwasp": False, "managedRulesetIds": [CLOUDFLARE_MANAGED_RULESET]},
        description="A http_request_firewall_managed ruleset must execute the Cloudflare Managed Ruleset; config "
        "requireOwasp also demands the OWASP Core Ruleset (the row's advisory part), and a Free-plan "
        f"stack may accept the Free Managed Ruleset by listing {FREE_MANAGED_RULESET} in "
        f"managedRulesetIds.",
        remediation=f"Add a rule {{action: execute, actionParameters: {{id: {CLOUDFLARE_MANAGED_RULESET}}}, "
        "expression: 'true', enabled: true}.",
        sources=("Cloudflare ruleset-engine/managed-rulesets/deploy-managed-ruleset",),
    ),
    Control(
        id="CFZ-06",
        title="Cloudflare rate limiting is configured",
        severity=Severity.MEDIUM,
        resource_types=_RULESET,
        check=rate_limit,
        description="A http_ratelimit ruleset needs an enabled rule with characteristics, period, requestsPerPeriod "
        "and mitigationTimeout.",
        remediation="Add a rule with ratelimit {characteristics: ['ip.src', 'cf.colo.id'], period: 60, "
        "requestsPerPeriod: 100, mitigationTimeout: 60}.",
        sources=("Cloudflare waf/rate-limiting-rules",),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="CFZ-07",
        title="Every Cloudflare zone is hardened",
        severity=Severity.HIGH,
        resource_types=(ZONE, ZONE_SETTING, RULESET),
        check=zone_configured,
        stack=True,
        description="Each zone needs ZoneSettings for ssl, min_tls_version, always_use_https and security_header and "
        "both a managed-WAF and a rate-limit ruleset, joined through their zoneId.",
        remediation="Create the four ZoneSettings and the two rulesets with zone_id=zone.id.",
        sources=("Cloudflare ssl/reference/protocols",),
    ),
)

"""The audit's reader of Cloudflare zones (CFZ-01..07), through Cloudflare's v4 API with an API token.

Every zone the token can read becomes an aws-free `cloudflare:index/zone:Zone` subject; its settings that the
controls read (ssl, min_tls_version, always_use_https, security_header: GET /zones/{id}/settings) become one
`cloudflare:index/zoneSetting:ZoneSetting` each, and the entry point rulesets of the managed WAF and rate limiting
phases (GET /zones/{id}/rulesets/phases/{phase}/entrypoint; 404 when the zone has none) one
`cloudflare:index/ruleset:Ruleset` each, all joined to the zone through `zoneId`, in pulumi-cloudflare v6 input
names. The token comes from CLOUDFLARE_API_TOKEN only; a missing or refused token is bad input (exit 2).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from policies.core import Subject
from rollout.errors import UserError
from rollout.live.audit.reading import Collection, subject

ZONE = "cloudflare:index/zone:Zone"
ZONE_SETTING = "cloudflare:index/zoneSetting:ZoneSetting"
RULESET = "cloudflare:index/ruleset:Ruleset"
TYPES = (ZONE, ZONE_SETTING, RULESET)
API_URL = "https://api.cloudflare.com/client/v4"
TOKEN_ENV = "CLOUDFLARE_API_TOKEN"
SETTINGS = ("ssl", "min_tls_version", "always_use_https", "security_header")  # what CFZ-01..04 and CFZ-07 read
PHASES = ("http_request_firewall_managed", "http_ratelimit")  # CFZ-05, CFZ-06, CFZ-07
PER_PAGE = 50  # GET /zones accepts per_page 5..50


class CloudflareApi:
    """GETs against Cloudflare's v4 API (`{"success", "errors", "result", "result_info"}` envelopes), bounded in
    time. `base` is Cloudflare's API, or plain HTTP on this machine only (tests)."""

    def __init__(self, token: str, base: str = API_URL, timeout: float = 20.0) -> None:
        import httpx

        if not (base.startswith("https://") or base.startswith(("http://127.0.0.1:", "http://localhost:"))):
            raise UserError(f"Cloudflare API {base}: use https (plain http only to 127.0.0.1)")
        self.base = base.rstrip("/")
        self._client = httpx.Client(timeout=timeout, headers={"Authorization": f"Bearer {token}"})

    def close(self) -> None:
        self._client.close()

    def get(self, path: str, **params: Any) -> Any:
        """The `result` of GET `path`; None on 404 (no such ruleset). A refused token is bad input."""
        response = self._client.get(f"{self.base}{path}", params=params or None)
        if response.status_code == 404:
            return None
        if response.status_code in (401, 403):
            raise UserError(f"{TOKEN_ENV}: Cloudflare refused the token on GET {path} (HTTP {response.status_code}: "
                            f"{_errors(response)}); it needs Zone Read, Zone Settings Read and Zone WAF Read")
        response.raise_for_status()
        return response.json().get("result")

    def zones(self) -> Iterator[Mapping[str, Any]]:
        page = 1
        while True:
            response = self._client.get(f"{self.base}/zones", params={"page": page, "per_page": PER_PAGE})
            if response.status_code in (401, 403):
                raise UserError(f"{TOKEN_ENV}: Cloudflare refused the token on GET /zones (HTTP "
                                f"{response.status_code}: {_errors(response)})")
            response.raise_for_status()
            document = response.json()
            yield from document.get("result") or []
            info = document.get("result_info") or {}
            if page >= int(info.get("total_pages") or 1) or not document.get("result"):
                return
            page += 1


def _errors(response: Any) -> str:
    try:
        return "; ".join(str(e.get("message")) for e in response.json().get("errors") or []) or response.reason_phrase
    except ValueError:
        return response.reason_phrase


def zone_arn(zone_id: str) -> str:
    """A URN-like identifier for Cloudflare resources (they have no ARN): cloudflare:zone/{id}."""
    return f"cloudflare:zone/{zone_id}"


def _camel(value: Any) -> Any:
    """Cloudflare's snake_case JSON as pulumi-cloudflare's camelCase inputs (requests_per_period: requestsPerPeriod)."""
    if isinstance(value, Mapping):
        return {_camel_key(k): _camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel(v) for v in value]
    return value


def _camel_key(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part.title() for part in rest)


def zone_subjects(zone: Mapping[str, Any], settings: list[Mapping[str, Any]] | None,
                  rulesets: Mapping[str, Mapping[str, Any] | None]) -> list[Subject]:
    zone_id = zone["id"]
    urn = zone_arn(zone_id)
    found = [subject(ZONE, zone.get("name") or zone_id, urn, {"name": zone.get("name"), "type": zone.get("type")})]
    deps = {"zoneId": [urn]}
    for setting in settings or []:
        if setting.get("id") in SETTINGS:
            found.append(subject(ZONE_SETTING, f"{zone.get('name')}:{setting['id']}", f"{urn}/settings/{setting['id']}",
                                 {"zoneId": zone_id, "settingId": setting["id"], "value": _camel(setting.get("value"))},
                                 deps))
    for phase, ruleset in rulesets.items():
        if ruleset:
            rules = [_camel(r) for r in ruleset.get("rules") or []]
            found.append(subject(RULESET, f"{zone.get('name')}:{phase}", f"{urn}/rulesets/{ruleset.get('id')}",
                                 {"zoneId": zone_id, "kind": ruleset.get("kind"), "phase": phase,
                                  "name": ruleset.get("name"), "rules": rules}, deps))
    return found


def collect_cloudflare(api: CloudflareApi, out: Collection) -> None:
    """Every zone the token reads, with its settings and entry point rulesets. A refused token raises (exit 2); a
    Cloudflare outage marks the zones as not evaluated."""
    import httpx

    found: list[Subject] = []
    try:
        for zone in api.zones():
            settings = api.get(f"/zones/{zone['id']}/settings")
            rulesets = {phase: api.get(f"/zones/{zone['id']}/rulesets/phases/{phase}/entrypoint") for phase in PHASES}
            found.extend(zone_subjects(zone, settings, rulesets))
    except httpx.HTTPError as error:
        from rollout.live.audit.reading import Unavailable

        out.unavailable.append(Unavailable("cloudflare", f"{type(error).__name__}: {error}", TYPES))
        return
    out.subjects.extend(found)

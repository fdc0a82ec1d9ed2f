"""Phase 2 on Cloudflare: the zone's TLS and speed settings, caching, WAF and rate limiting, and the proxied DNS
record that puts Cloudflare in front of the origin.

Zone settings (one `ZoneSetting` each, pulumi-cloudflare v6): ssl=strict (Cloudflare verifies the origin's
certificate), min_tls_version=1.2, always_use_https=on, HSTS through security_header (one year,
includeSubdomains, nosniff), http3, early_hints on every plan; image optimisation (polish=lossless) only on Pro
and Business, where the plan includes it. No `brotli` setting: its API reached end of life on 2024-08-15
(developers.cloudflare.com/fundamentals/api/reference/deprecations, "Brotli"); Cloudflare now compresses with
Brotli for every visitor that accepts it, and Compression Rules are the API for changing that.
`security_header` through ZoneSetting shows a diff on every preview with the v5 Terraform provider that
pulumi-cloudflare v6 bridges (cloudflare/terraform-provider-cloudflare#6436, #6447): the value is applied; the diff
is cosmetic and documented in docs/apply-constraints.md.

Rulesets (zone entry points):
- `http_request_cache_settings`: static file extensions (and the phase 3 asset path) cached at the edge with the
  configured TTL; everything else follows the origin's Cache-Control.
- `http_request_firewall_managed`: on Pro/Business the Cloudflare Managed Ruleset (efb7b8c9…); the Free plan
  cannot deploy it, so Free executes the Cloudflare Free Managed Ruleset (77454fe2…), which Cloudflare makes
  available on every plan (developers.cloudflare.com/waf/managed-rules).
- `http_ratelimit`: one rule per client IP and data centre (`ip.src`, `cf.colo.id`), within the plan's limits:
  Free counts over 10 s and blocks for 10 s; Pro and Business count over 60 s and block for 60 s
  (developers.cloudflare.com/waf/rate-limiting-rules, "Availability").

DNS without loss: `zone_id` adopts an existing zone (its records stay as they are); otherwise the zone is created
in `account_id` holding every record of the current DNS (`records`, imported from a BIND zone-file export by
`zone_file`), so that changing the nameservers changes no answer. Imported records stay DNS-only (grey cloud),
as they are answered today. The site's own name is one CNAME to `origin` (the old server's name, which the zone
resolves; later the load balancer); it is proxied only when `proxied` (the `dnsAuthority` switch) is set, so the
nameserver change moves no traffic, and setting the switch is the step that puts Cloudflare in front. The zone's
assigned nameservers are an output (`name_servers`): they are what the registrar must be given.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Literal

import pulumi
import pulumi_cloudflare as cloudflare
from pydantic import Field, field_validator, model_validator

from components._args import Args, StrInput
from components.zone_file import ZoneRecord

Plan = Literal["free", "pro", "business"]
CLOUDFLARE_MANAGED_RULESET = "efb7b8c949ac4650a09736fc376e9aee"
CLOUDFLARE_FREE_MANAGED_RULESET = "77454fe2d30c4220b5701f6fdfb893ba"
HSTS_MAX_AGE = 31_536_000
MIN_EDGE_TTL_SECONDS: dict[str, int] = {"free": 7200, "pro": 3600, "business": 1}
"""The lowest edge cache TTL a cache rule may set, by plan: Free 2 hours, Pro 1 hour, Business 1 second
(developers.cloudflare.com/cache/how-to/edge-browser-cache-ttl, "Minimum Edge Cache TTL")."""
DEFAULT_EDGE_TTL_SECONDS = 3600
STATIC_EXTENSIONS = (
    "css",
    "js",
    "mjs",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "webp",
    "avif",
    "svg",
    "ico",
    "woff",
    "woff2",
    "ttf",
    "otf",
    "map",
)


@dataclass(frozen=True)
class RateLimit:
    """A Cloudflare rate-limit rule's numbers."""

    period: int
    requests_per_period: int
    mitigation_timeout: int


def rate_limit(plan: Plan, per_minute: int) -> RateLimit:
    """The rule for `per_minute` requests per client, in the counting period and timeout the plan allows."""
    period = 10 if plan == "free" else 60
    return RateLimit(
        period=period, requests_per_period=max(1, math.ceil(per_minute * period / 60)), mitigation_timeout=period
    )


def managed_waf_ruleset(plan: Plan) -> str:
    """The managed ruleset the plan can deploy: the full Cloudflare Managed Ruleset needs Pro or above."""
    return CLOUDFLARE_FREE_MANAGED_RULESET if plan == "free" else CLOUDFLARE_MANAGED_RULESET


def image_optimisation(plan: Plan) -> str | None:
    """Polish (lossless) is a Pro+ feature; the Free plan has none."""
    return None if plan == "free" else "lossless"


def zone_settings(plan: Plan) -> dict[str, Any]:
    """setting_id → value for every zone setting the component manages."""
    settings: dict[str, Any] = {
        "ssl": "strict",
        "min_tls_version": "1.2",
        "always_use_https": "on",
        "automatic_https_rewrites": "on",
        "security_header": {
            "strict_transport_security": {
                "enabled": True,
                "max_age": HSTS_MAX_AGE,
                "include_subdomains": True,
                "nosniff": True,
                "preload": False,
            }
        },
        "http3": "on",
        "early_hints": "on",
    }
    polish = image_optimisation(plan)
    if polish:
        settings["polish"] = polish
    return settings


def edge_ttl(plan: Plan, requested: int | None) -> int:
    """The edge TTL of the cache rule: the requested one, or 3600 raised to the plan's minimum when none is given.

    A requested TTL under the plan's minimum is refused by the API, so it is an error here (not silently raised)."""
    minimum = MIN_EDGE_TTL_SECONDS[plan]
    if requested is None:
        return max(DEFAULT_EDGE_TTL_SECONDS, minimum)
    if requested < minimum:
        raise ValueError(f"edge TTL {requested} s is under the {plan} plan's minimum of {minimum} s")
    return requested


def cache_expression(path_prefixes: list[str]) -> str:
    """Static file extensions, plus any asset path prefix (e.g. /static/ from phase 3)."""
    extensions = " ".join(f'"{e}"' for e in STATIC_EXTENSIONS)
    clauses = [f"(http.request.uri.path.extension in {{{extensions}}})"]
    clauses += [f'(starts_with(http.request.uri.path, "{prefix}"))' for prefix in path_prefixes]
    return " or ".join(clauses)


class CloudflareCdnArgs(Args):
    """The zone, the site's hostname and origin, and the plan's limits."""

    domain: str = Field(description="The site's hostname, e.g. shop.example.vn. Required.")
    zone_name: str = Field(description="The zone (apex), e.g. example.vn. Required.")
    origin: StrInput = Field(description="Origin hostname the proxied record points at. Required.")
    plan: Plan = Field("free", description="The zone's Cloudflare plan. Defaults to free.")
    account_id: str | None = Field(None, description="Account to create the zone in. Required without zone_id.")
    zone_id: str | None = Field(None, description="Adopt an existing zone by id. Defaults to creating one.")
    default_ttl_seconds: int | None = Field(
        None,
        ge=1,
        le=31_536_000,
        description="Edge TTL for static files, at "
        "least the plan's minimum (Free 7200, Pro 3600, Business 1). Defaults to "
        "3600, or the plan's minimum when that is higher.",
    )
    rate_limit_per_minute: int = Field(
        600, ge=10, le=1_000_000, description="Requests per minute per client IP before blocking. Defaults to 600."
    )
    static_path_prefixes: list[str] = Field(
        [], description="Extra path prefixes cached like static files (e.g. /static/). Defaults to none."
    )
    records: list[ZoneRecord] = Field(
        [],
        description="Records of the current DNS the created zone holds (from a "
        "zone file). Required to create a zone; none when adopting.",
    )
    proxied: bool = Field(
        False,
        description="The site record goes through Cloudflare (the dnsAuthority switch). "
        "Defaults to false: DNS-only, answered as today.",
    )
    production: bool = Field(
        False,
        description="protect=True on the zone (deleting it deletes every DNS record, "
        "mail included). Defaults to false.",
    )

    @field_validator("static_path_prefixes")
    @classmethod
    def _prefixes(cls, value: list[str]) -> list[str]:
        for prefix in value:
            if not re.fullmatch(r"/[A-Za-z0-9._~/-]*", prefix):
                raise ValueError(f"{prefix!r} is not a URL path prefix like /static/")
        return value

    @model_validator(mode="after")
    def _zone(self) -> CloudflareCdnArgs:
        if not (self.zone_id or self.account_id):
            raise ValueError("account_id or zone_id is required")
        if self.domain != self.zone_name and not self.domain.endswith(f".{self.zone_name}"):
            raise ValueError(f"domain {self.domain} is not in zone {self.zone_name}")
        if not self.zone_id and not self.records:
            raise ValueError(
                "a zone created without the records of the current DNS loses them: give records "
                "(from the zone file) or adopt the zone with zone_id"
            )
        if self.domain != self.zone_name:
            others = sorted({r.type for r in self.records if r.name == self.domain and r.type not in SITE_TYPES})
            if others:
                raise ValueError(
                    f"{self.domain} also has {', '.join(others)} records: a CNAME cannot share its name "
                    "with other records (move them, or serve the site from another name)"
                )
        edge_ttl(self.plan, self.default_ttl_seconds)
        return self


SITE_TYPES = ("A", "AAAA", "CNAME")
"""The imported records of the site's own name that the site record replaces."""


def imported_records(records: list[ZoneRecord], domain: str) -> list[ZoneRecord]:
    """The records the zone holds besides the site record: everything but the site name's address records."""
    return [r for r in records if not (r.name == domain and r.type in SITE_TYPES)]


def record_args(record: ZoneRecord, zone_id: Any) -> dict[str, Any]:
    """`cloudflare.DnsRecord` inputs for an imported record: DNS-only, its TTL within Cloudflare's bounds."""
    args: dict[str, Any] = {
        "zone_id": zone_id,
        "name": record.name,
        "type": record.type,
        "ttl": record.cloudflare_ttl,
        "comment": "sme-rollout: imported from the zone file",
    }
    if record.type in ("A", "AAAA", "CNAME"):
        args["proxied"] = False
    if record.data is not None:  # SRV and CAA take structured data (pulumi-cloudflare v6 DnsRecord.data)
        args["data"] = dict(record.data)
    else:
        args["content"] = record.content
    if record.priority is not None:  # MX, SRV
        args["priority"] = record.priority
    return args


class CloudflareCdn(pulumi.ComponentResource):
    """Cloudflare zone settings, cache/WAF/rate-limit rulesets and the proxied DNS record."""

    zone_id: pulumi.Output[str]
    name_servers: pulumi.Output[list[str]]
    url: str

    def __init__(self, name: str, args: CloudflareCdnArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sme-rollout:cdn:CloudflareCdn", name, None, opts)
        self._name = name
        self._args = args

        zone_id = self._create_zone()
        self.imported = self._create_imported_records(zone_id)
        self.settings = self._create_zone_settings(zone_id)
        self._create_cache_rules(zone_id)
        self._create_managed_waf(zone_id)
        self._create_rate_limit(zone_id)
        self.record = self._create_dns_record(zone_id)

        self.zone_id = pulumi.Output.from_input(zone_id)
        self.url = f"https://{args.domain}"
        self.register_outputs({"zoneId": self.zone_id, "url": self.url, "nameServers": self.name_servers})

    def _child(self, **options: Any) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, **options)

    def _create_zone(self) -> pulumi.Input[str]:
        if self._args.zone_id:
            adopted = cloudflare.get_zone_output(
                zone_id=self._args.zone_id, opts=pulumi.InvokeOutputOptions(parent=self)
            )
            self.name_servers = adopted.name_servers
            return self._args.zone_id
        zone = cloudflare.Zone(
            f"{self._name}-zone",
            name=self._args.zone_name,
            type="full",
            account={"id": self._args.account_id},
            opts=self._child(protect=self._args.production),
        )
        self.name_servers = zone.name_servers
        return zone.id

    def _create_imported_records(self, zone_id: pulumi.Input[str]) -> list[cloudflare.DnsRecord]:
        """Every record of the current DNS, so the nameserver change keeps mail, SPF and every other name."""
        return [
            cloudflare.DnsRecord(
                f"{self._name}-dns-{record.type.lower()}-{record.key}",
                **record_args(record, zone_id),
                opts=self._child(),
            )
            for record in imported_records(self._args.records, self._args.domain)
        ]

    def _create_zone_settings(self, zone_id: pulumi.Input[str]) -> list[cloudflare.ZoneSetting]:
        return [
            cloudflare.ZoneSetting(
                f"{self._name}-{setting.replace('_', '-')}",
                zone_id=zone_id,
                setting_id=setting,
                value=value,
                opts=self._child(),
            )
            for setting, value in zone_settings(self._args.plan).items()
        ]

    def _create_cache_rules(self, zone_id: pulumi.Input[str]) -> cloudflare.Ruleset:
        return cloudflare.Ruleset(
            f"{self._name}-cache",
            zone_id=zone_id,
            kind="zone",
            phase="http_request_cache_settings",
            name="sme-rollout cache rules",
            rules=[
                {
                    "description": "Cache static files at the edge",
                    "enabled": True,
                    "expression": cache_expression(self._args.static_path_prefixes),
                    "action": "set_cache_settings",
                    "action_parameters": {
                        "cache": True,
                        "edge_ttl": {
                            "mode": "override_origin",
                            "default": edge_ttl(self._args.plan, self._args.default_ttl_seconds),
                        },
                        "browser_ttl": {"mode": "respect_origin"},
                    },
                }
            ],
            opts=self._child(),
        )

    def _create_managed_waf(self, zone_id: pulumi.Input[str]) -> cloudflare.Ruleset:
        return cloudflare.Ruleset(
            f"{self._name}-waf",
            zone_id=zone_id,
            kind="zone",
            phase="http_request_firewall_managed",
            name="sme-rollout managed WAF",
            rules=[
                {
                    "description": "Execute the Cloudflare managed ruleset the plan allows",
                    "enabled": True,
                    "expression": "true",
                    "action": "execute",
                    "action_parameters": {"id": managed_waf_ruleset(self._args.plan)},
                }
            ],
            opts=self._child(),
        )

    def _create_rate_limit(self, zone_id: pulumi.Input[str]) -> cloudflare.Ruleset:
        limit = rate_limit(self._args.plan, self._args.rate_limit_per_minute)
        return cloudflare.Ruleset(
            f"{self._name}-rate-limit",
            zone_id=zone_id,
            kind="zone",
            phase="http_ratelimit",
            name="sme-rollout rate limit",
            rules=[
                {
                    "description": f"At most {self._args.rate_limit_per_minute} requests/minute per client IP",
                    "enabled": True,
                    "expression": "true",
                    "action": "block",
                    "ratelimit": {
                        "characteristics": ["ip.src", "cf.colo.id"],
                        "period": limit.period,
                        "requests_per_period": limit.requests_per_period,
                        "mitigation_timeout": limit.mitigation_timeout,
                    },
                }
            ],
            opts=self._child(),
        )

    def _create_dns_record(self, zone_id: pulumi.Input[str]) -> cloudflare.DnsRecord:
        proxied = self._args.proxied
        return cloudflare.DnsRecord(
            f"{self._name}-site",
            zone_id=zone_id,
            name=self._args.domain,
            type="CNAME",
            content=self._args.origin,
            proxied=proxied,
            ttl=1 if proxied else 300,  # proxied records must use ttl 1 (automatic)
            comment=(
                "sme-rollout: the site through Cloudflare"
                if proxied
                else "sme-rollout: DNS-only until switches.dnsAuthority"
            ),
            opts=self._child(),
        )

"""The stack config model: the `sme-rollout:*` keys of a stack file, i.e. what the program builds.

Pydantic with `extra="forbid"` everywhere, camelCase keys as Pulumi config uses them. `load_config()` reads the
namespace from the Pulumi runtime (real or mocked) and raises `ConfigError`, whose `problems` are one line per
problem with its key path (e.g. `sme-rollout:database.replicas: must be between 0 and 5`): the rollout CLI prints
them with the stack file's path and exit code 2, and `pulumi up` shows them as the program's error.

Sections for phases above the configured one may be present (prepared): they are validated, but not built.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic.alias_generators import to_camel

NAMESPACE = "sme-rollout"

AWS_REGIONS = frozenset(
    {
        "af-south-1",
        "ap-east-1",
        "ap-east-2",
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-northeast-3",
        "ap-south-1",
        "ap-south-2",
        "ap-southeast-1",
        "ap-southeast-2",
        "ap-southeast-3",
        "ap-southeast-4",
        "ap-southeast-5",
        "ap-southeast-6",
        "ap-southeast-7",
        "ca-central-1",
        "ca-west-1",
        "eu-central-1",
        "eu-central-2",
        "eu-north-1",
        "eu-south-1",
        "eu-south-2",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "il-central-1",
        "me-central-1",
        "me-south-1",
        "mx-central-1",
        "sa-east-1",
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
    }
)
_HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class ConfigError(ValueError):
    """Invalid stack config: `problems` holds one `sme-rollout:<key.path>: <message>` line per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid stack config:\n  " + "\n  ".join(problems))


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, alias_generator=to_camel, populate_by_name=True)


def _hostname(value: str, what: str) -> str:
    value = value.strip().lower().rstrip(".")
    if not _HOSTNAME.match(value):
        raise ValueError(f"{value!r} is not a valid {what} (a DNS name like shop.example.vn)")
    return value


class SiteConfig(_Section):
    """The website as it runs today."""

    domain: str = Field(description="Public domain of the site, e.g. shop.example.vn. Required.")
    origin: str = Field(description="Hostname of the current server (the CDN's origin until phase 6). Required.")
    health_check_path: str = Field("/", description="Path the uptime check requests. Defaults to /.")
    zone_domain: str | None = Field(
        None,
        description="The DNS zone (apex) the domain lives in, if it is a "
        "delegated subzone. Defaults to the registrable domain by the "
        "public suffix list (shop.example.com.vn -> example.com.vn).",
    )

    @field_validator("domain", "origin", "zone_domain")
    @classmethod
    def _valid_hostname(cls, value: str | None) -> str | None:
        return None if value is None else _hostname(value, "hostname")

    @field_validator("health_check_path")
    @classmethod
    def _path(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError("must start with /")
        return value

    @model_validator(mode="after")
    def _domain_in_zone(self) -> SiteConfig:
        if self.zone_domain and not (self.domain == self.zone_domain or self.domain.endswith(f".{self.zone_domain}")):
            raise ValueError(f"zoneDomain: {self.domain} is not in the zone {self.zone_domain}")
        return self

    @property
    def zone(self) -> str:
        return self.zone_domain or registrable_domain(self.domain)


def registrable_domain(hostname: str) -> str:
    """The zone a registrar delegates for `hostname`: one label below its public suffix (example.com.vn for
    shop.example.com.vn, example.vn for shop.example.vn), by the public suffix list that `publicsuffixlist`
    bundles (no download at run time). A hostname that is itself a public suffix is returned unchanged."""
    return _psl().privatesuffix(hostname) or hostname


_PSL: Any = None


def _psl() -> Any:
    global _PSL
    if _PSL is None:
        from publicsuffixlist import PublicSuffixList

        _PSL = PublicSuffixList()  # the list shipped inside the package
    return _PSL


class BudgetConfig(_Section):
    """Phase 1: the monthly budget and who hears about it."""

    monthly_limit_usd: float = Field(300, gt=0, le=1_000_000, description="Monthly budget in USD. Defaults to 300.")
    alert_emails: list[str] = Field(
        default_factory=list, description="Emails for budget, anomaly and SLO alerts. Defaults to none (topic only)."
    )
    thresholds_percent: list[int] = Field(
        [80, 100],
        description="Budget alert thresholds in percent of the limit (forecast and actual). Defaults to [80, 100].",
    )
    anomaly_monitor: str = Field(
        "create",
        description="Cost-anomaly alerts: `create` the AWS services monitor, "
        "adopt the account's existing one by ARN (an account may "
        "have only one), or `skip`. Defaults to create.",
    )

    @field_validator("alert_emails")
    @classmethod
    def _emails(cls, value: list[str]) -> list[str]:
        for email in value:
            if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
                raise ValueError(f"{email!r} is not an email address")
        if len(value) > 10:
            raise ValueError(
                "at most 10 emails (a budget notification takes 10 e-mail subscribers; subscribe more "
                "people to the alert topic)"
            )
        return value

    @field_validator("anomaly_monitor")
    @classmethod
    def _anomaly_monitor(cls, value: str) -> str:
        if value in ("create", "skip") or re.fullmatch(r"arn:aws:ce::\d{12}:anomalymonitor/[0-9a-f-]{36}", value):
            return value
        raise ValueError(
            f"{value!r}: use create, skip or the ARN of the account's monitor "
            "(arn:aws:ce::<account>:anomalymonitor/<id>)"
        )

    @field_validator("thresholds_percent")
    @classmethod
    def _thresholds(cls, value: list[int]) -> list[int]:
        if not value or any(not 1 <= t <= 500 for t in value):
            raise ValueError("each threshold must be between 1 and 500 (percent)")
        value = sorted(set(value))
        if len(value) > 2:
            raise ValueError(
                "at most 2 thresholds: each makes an actual and a forecast notification, and a budget "
                "may have 5 (AWS Budgets CreateBudget)"
            )
        return value


class NetworkConfig(_Section):
    """Phase 2: the VPC the cache (and later the database and web tier) live in."""

    cidr: str = Field("10.40.0.0/16", description="VPC CIDR block (/16 to /24). Defaults to 10.40.0.0/16.")
    availability_zones: int = Field(2, ge=2, le=3, description="AZs to spread subnets over. Defaults to 2.")
    nat_per_az: bool | None = Field(
        None,
        description="One NAT gateway per AZ (HA) instead of one shared (cheaper). "
        "Defaults to true in prod, false elsewhere.",
    )

    @field_validator("cidr")
    @classmethod
    def _cidr(cls, value: str) -> str:
        import ipaddress

        try:
            network = ipaddress.ip_network(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a CIDR block") from None
        if network.version != 4 or not 16 <= network.prefixlen <= 24 or not network.is_private:
            raise ValueError("must be a private IPv4 block between /16 and /24")
        return value


CLOUDFLARE_MIN_EDGE_TTL_SECONDS = {"free": 7200, "pro": 3600, "business": 1}
"""developers.cloudflare.com/cache/how-to/edge-browser-cache-ttl (same table as components.cdn_cloudflare)."""


class CdnConfig(_Section):
    """Phase 2: the CDN in front of the site."""

    provider: Literal["cloudflare", "cloudfront"] = Field(
        "cloudflare", description="CDN provider. Defaults to cloudflare."
    )
    plan: Literal["free", "pro", "business"] = Field(
        "free", description="Cloudflare plan (decides image optimisation and rate-limit limits). Defaults to free."
    )
    cloudflare_account_id: str | None = Field(
        None, description="Cloudflare account id (to create the zone). Required for cloudflare unless zoneId is given."
    )
    zone_id: str | None = Field(
        None,
        description="Adopt an existing Cloudflare zone by id (its records stay as "
        "they are). Defaults to creating one from zoneFile.",
    )
    zone_file: str | None = Field(
        None,
        description="BIND zone-file export of the domain's current DNS (path from "
        "the Pulumi project directory): a zone the stack creates holds "
        "every record of it. Required for cloudflare without zoneId.",
    )
    certificate_arn: str | None = Field(
        None,
        description="ACM certificate (us-east-1) for the domain on CloudFront. "
        "Defaults to one issued and DNS-validated by the stack.",
    )
    route53_zone_id: str | None = Field(
        None,
        description="Route 53 hosted zone of the domain (CloudFront): the "
        "certificate's validation record and the alias records "
        "are created there. Defaults to none (validation record "
        "exported for your DNS host).",
    )
    price_class: Literal["PriceClass_100", "PriceClass_200", "PriceClass_All"] = Field(
        "PriceClass_200",
        description="CloudFront edge set; 200 includes Asia (Vietnam, Singapore). Defaults to PriceClass_200.",
    )
    default_ttl_seconds: int | None = Field(
        None,
        ge=0,
        le=31_536_000,
        description="Edge cache TTL for cacheable "
        "responses; on Cloudflare at least the plan's minimum (Free 7200, Pro "
        "3600, Business 1). Defaults to 3600, raised to that minimum.",
    )
    rate_limit_per_minute: int = Field(
        600, ge=10, le=1_000_000, description="Requests per minute per client IP before blocking. Defaults to 600."
    )

    @model_validator(mode="after")
    def _cloudflare_needs_account(self) -> CdnConfig:
        if self.provider == "cloudflare" and not (self.cloudflare_account_id or self.zone_id):
            raise ValueError("cloudflareAccountId or zoneId is required when provider is cloudflare")
        if self.provider == "cloudflare" and not self.zone_id and not self.zone_file:
            raise ValueError(
                "zoneFile is required to create a Cloudflare zone (export the current DNS as a BIND "
                "zone file: a zone without those records loses mail and every other name), or adopt "
                "an existing zone with zoneId"
            )
        minimum = CLOUDFLARE_MIN_EDGE_TTL_SECONDS[self.plan]
        if (
            self.provider == "cloudflare"
            and self.default_ttl_seconds is not None
            and self.default_ttl_seconds < minimum
        ):
            raise ValueError(
                f"defaultTtlSeconds {self.default_ttl_seconds} is under the Cloudflare {self.plan} "
                f"plan's minimum edge TTL of {minimum}"
            )
        return self

    @property
    def edge_ttl_seconds(self) -> int:
        """The TTL the CDN gets: the configured one, else 3600 (raised to the Cloudflare plan's minimum)."""
        if self.default_ttl_seconds is not None:
            return self.default_ttl_seconds
        if self.provider == "cloudflare":
            return max(3600, CLOUDFLARE_MIN_EDGE_TTL_SECONDS[self.plan])
        return 3600


class WafConfig(_Section):
    """Phases 2 and 6: how the web ACLs (CloudFront's and the load balancer's) treat what the managed rules match."""

    mode: Literal["count", "enforce"] = Field(
        "count",
        description="count: managed rule groups only count (watch "
        "the sampled requests first); enforce: they block. "
        "Defaults to count.",
    )
    upload_paths: list[str] = Field(
        default_factory=list,
        description="Path prefixes that accept large bodies "
        "(uploads, big forms): the body-size rule "
        "never blocks them. Defaults to none.",
    )

    @field_validator("upload_paths")
    @classmethod
    def _paths(cls, value: list[str]) -> list[str]:
        for path in value:
            if not re.fullmatch(r"/[A-Za-z0-9._~/-]{0,199}", path):
                raise ValueError(f"{path!r} is not a URL path prefix like /admin/upload")
        if len(value) > 10:
            raise ValueError("at most 10 upload paths")
        return value


class SwitchesConfig(_Section):
    """Traffic switches: each moves visitors to something new, so each is its own step, never a side effect of
    raising the phase. Set one to true only after `rollout gate --switch <name>` passes (docs/journey.md)."""

    dns_authority: bool = Field(
        False,
        description="Phase 2: the site's name answers with the CDN (Cloudflare: the "
        "nameservers moved and the record proxied; CloudFront: the alias "
        "and certificate on the distribution). Defaults to false.",
    )
    static_path: bool = Field(
        False,
        description="Phase 3: the static path is served from the asset bucket, failing "
        "over to the old server. Defaults to false.",
    )
    origin_to_load_balancer: bool = Field(
        False,
        description="Phase 6 (or app.webTierPhase): the CDN's origin moves from the old server "
        "to the load balancer. Defaults to false.",
    )


class LoadBalancerConfig(_Section):
    """Phase 6: the load balancer's HTTPS certificate."""

    certificate_arn: str | None = Field(
        None,
        description="An ISSUED regional ACM certificate for the domain. "
        "Defaults to one the stack issues and validates in the "
        "zone it manages (Route 53 or Cloudflare).",
    )

    @field_validator("certificate_arn")
    @classmethod
    def _arn(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"arn:aws:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]+", value):
            raise ValueError("must be an ACM certificate ARN")
        return value


class CacheConfig(_Section):
    """Phase 2: the Redis/Valkey response and session cache."""

    engine: Literal["redis", "valkey"] = Field(
        "valkey", description="Cache engine (Valkey is ~20% cheaper, Redis-compatible). Defaults to valkey."
    )
    node_type: str | None = Field(None, description="ElastiCache node type. Defaults to the size preset's.")
    nodes: int | None = Field(
        None,
        ge=1,
        le=6,
        description="Nodes (primary + replicas). Defaults to 2 in prod (multi-AZ failover), 1 elsewhere.",
    )
    snapshot_retention_days: int = Field(7, ge=1, le=35, description="Daily snapshots kept. Defaults to 7.")

    @field_validator("node_type")
    @classmethod
    def _node_type(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"cache\.[a-z0-9]+\.[a-z0-9]+", value):
            raise ValueError(f"{value!r} is not an ElastiCache node type (e.g. cache.t4g.small)")
        return value


class MigrateFromConfig(_Section):
    """Phase 3: the shop's existing database, copied into the new primary by AWS DMS (full load, then CDC)."""

    engine: Literal["postgres", "mysql"] = Field(description="Source engine (same as database.engine). Required.")
    host: str = Field(description="Source host name or IPv4 address, as the replication instance reaches it. Required.")
    port: int | None = Field(
        None, ge=1, le=65_535, description="Source port. Defaults to 5432 (postgres) / 3306 (mysql)."
    )
    database: str = Field(description="Source database name. Required.")
    user: str = Field(
        description="Source user with replication rights (documented; DMS reads it from the secret). Required."
    )
    secret_arn: str = Field(
        description="Secrets Manager secret holding the source's username, password, host "
        "and port (the JSON keys DMS reads). Required."
    )
    tls: Literal["require", "verify-ca", "verify-full"] = Field(
        "require", description="DMS ssl_mode towards the source (never none). Defaults to require."
    )
    ca_certificate_pem: str | None = Field(
        None,
        description="PEM of the CA that signed the source's server "
        "certificate (needed for verify-ca/verify-full). "
        "Defaults to none.",
    )
    source_cidr: str | None = Field(
        None,
        description="Where the source lives, as a CIDR, for the replication "
        "instance's egress rule. Defaults to host/32 when host "
        "is an address, else 0.0.0.0/0 on the port only.",
    )
    instance_class: str = Field("dms.t3.small", description="Replication instance class. Defaults to dms.t3.small.")
    storage_gb: int = Field(
        50, ge=5, le=6144, description="Replication instance storage (CDC cache, logs). Defaults to 50."
    )
    schemas: list[str] = Field(
        default_factory=lambda: ["%"],
        description="Schema name patterns to migrate (DMS selection rules). Defaults to all (%).",
    )
    create_dms_vpc_role: bool = Field(
        True,
        description="Create the account-wide dms-vpc-role DMS needs (set "
        "false if the account has it). Defaults to true.",
    )

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        import ipaddress

        try:
            ipaddress.IPv4Address(value)
            return value
        except ValueError:
            pass
        if not _HOSTNAME.fullmatch(value.lower()):
            raise ValueError(f"{value!r} is not a host name or IPv4 address")
        return value

    @field_validator("secret_arn")
    @classmethod
    def _secret(cls, value: str) -> str:
        if not re.fullmatch(r"arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+", value):
            raise ValueError(f"{value!r} is not a Secrets Manager secret ARN")
        return value

    @field_validator("instance_class")
    @classmethod
    def _class(cls, value: str) -> str:
        if not re.fullmatch(r"dms\.[a-z0-9]+\.[a-z0-9]+", value):
            raise ValueError(f"{value!r} is not a DMS replication instance class (e.g. dms.t3.small)")
        return value

    @field_validator("source_cidr")
    @classmethod
    def _cidr(cls, value: str | None) -> str | None:
        import ipaddress

        if value is not None:
            try:
                ipaddress.IPv4Network(value)
            except ValueError:
                raise ValueError(f"{value!r} is not an IPv4 CIDR block") from None
        return value

    @field_validator("schemas")
    @classmethod
    def _schemas(cls, value: list[str]) -> list[str]:
        if not value or any(not re.fullmatch(r"[A-Za-z0-9_%$]{1,63}", item) for item in value):
            raise ValueError("give 1 or more schema names or patterns (letters, digits, _, %)")
        return value

    @model_validator(mode="after")
    def _tls(self) -> MigrateFromConfig:
        if self.tls in ("verify-ca", "verify-full") and not self.ca_certificate_pem:
            raise ValueError(f"tls {self.tls} needs caCertificatePem (the CA DMS verifies the source against)")
        if self.ca_certificate_pem and "BEGIN CERTIFICATE" not in self.ca_certificate_pem:
            raise ValueError("caCertificatePem is not a PEM certificate")
        return self


class DatabaseConfig(_Section):
    """Phase 3: the relational database and its read replicas."""

    engine: Literal["postgres", "mysql"] = Field("postgres", description="Database engine. Defaults to postgres.")
    engine_version: str | None = Field(
        None,
        description="Major version. Defaults to 16 (postgres) / 8.0 (mysql), kept so that existing databases are "
        "never upgraded silently; MySQL 8.0 is billed RDS Extended Support since 2026-08-01 (RDS-17): set 8.4 "
        "(docs/data-moves.md, 3b).",
    )
    instance_class: str | None = Field(None, description="RDS instance class. Defaults to the size preset's.")
    storage_gb: int = Field(20, ge=20, le=65_536, description="Allocated gp3 storage in GB. Defaults to 20.")
    max_storage_gb: int | None = Field(
        None, ge=20, le=65_536, description="Storage autoscaling ceiling. Defaults to 5× storageGb."
    )
    replicas: int = Field(1, ge=0, le=5, description="Read replicas. Defaults to 1.")
    multi_az: bool | None = Field(None, description="Standby in a second AZ. Defaults to true in prod.")
    backup_retention_days: int = Field(7, ge=7, le=35, description="Automated backup retention. Defaults to 7.")
    adopt_identifier: str | None = Field(
        None,
        description="Adopt an existing DB instance by identifier (import) instead of creating one. Defaults to none.",
    )
    adopt_kms_key_arn: str | None = Field(
        None,
        description="The adopted instance's storage KMS key ARN (kept, "
        "never replaced). Defaults to none: whatever key it "
        "has is kept (ignore_changes).",
    )
    database_name: str | None = Field(
        None,
        description="Initial database name (for an adopted instance: its "
        "name). Defaults to app, or the adopted instance's.",
    )
    master_username: str | None = Field(
        None,
        description="Master user name (for an adopted instance: its "
        "user). Defaults to app_admin, or the adopted "
        "instance's.",
    )
    allow_major_version_upgrade: bool = Field(
        False,
        description="Allow RDS to upgrade the engine by a major "
        "version when engineVersion is raised (RDS "
        "rejects the change without it). Defaults to "
        "false.",
    )
    apply_immediately: bool = Field(
        False,
        description="Apply class, storage and version changes now instead of "
        "in the next maintenance window (a restart during "
        "business hours). Defaults to false.",
    )
    migrate_from: MigrateFromConfig | None = Field(
        None,
        description="Bring the shop's existing database into "
        "the new primary with AWS DMS (full load + "
        "change capture). Defaults to none.",
    )

    @field_validator("instance_class")
    @classmethod
    def _instance_class(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"db\.[a-z0-9]+\.[a-z0-9]+", value):
            raise ValueError(f"{value!r} is not an RDS instance class (e.g. db.t4g.small)")
        return value

    @field_validator("database_name", "master_username")
    @classmethod
    def _sql_identifier(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[a-zA-Z][a-zA-Z0-9_]{0,62}", value):
            raise ValueError(f"{value!r} must start with a letter and contain only letters, digits and _")
        return value

    @field_validator("adopt_kms_key_arn")
    @classmethod
    def _kms_arn(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+", value):
            raise ValueError(f"{value!r} is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)")
        return value

    @model_validator(mode="after")
    def _storage_bounds(self) -> DatabaseConfig:
        if self.max_storage_gb is not None and self.max_storage_gb < self.storage_gb:
            raise ValueError("maxStorageGb must be at least storageGb")
        if self.adopt_kms_key_arn and not self.adopt_identifier:
            raise ValueError("adoptKmsKeyArn needs adoptIdentifier (it describes the adopted instance)")
        if self.migrate_from is not None and self.migrate_from.engine != self.engine:
            raise ValueError(
                f"migrateFrom.engine {self.migrate_from.engine!r} differs from engine "
                f"{self.engine!r}: DMS here migrates like to like (no schema conversion)"
            )
        return self


class StaticAssetsConfig(_Section):
    """Phase 3: static files moved off the server into S3 behind the CDN."""

    path_pattern: str = Field("/static/*", description="URL paths served from the bucket. Defaults to /static/*.")
    noncurrent_version_days: int = Field(
        30, ge=1, le=3650, description="Days old object versions are kept. Defaults to 30."
    )


class QueueConfig(_Section):
    """Phase 4: one asynchronous workload."""

    name: str = Field(description="Workload name, e.g. email, reports, images, orders. Required.")
    consistency: Literal["strong", "eventual"] = Field(
        "eventual", description="strong → FIFO with deduplication. Defaults to eventual."
    )
    visibility_timeout_seconds: int = Field(
        60, ge=0, le=43_200, description="Seconds a received message stays hidden from other consumers. Defaults to 60."
    )
    retention_days: int = Field(4, ge=1, le=14, description="Message retention. Defaults to 4.")
    max_receive_count: int = Field(
        5, ge=1, le=100, description="Receives before a message goes to the DLQ. Defaults to 5."
    )

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z][a-z0-9-]{0,39}", value):
            raise ValueError(f"{value!r} must be lowercase letters, digits and dashes (≤ 40)")
        return value


class EventStreamConfig(_Section):
    """Phase 4 (optional): marketing events (clicks, views) to a queryable S3 data bucket."""

    enabled: bool = Field(False, description="Create the Firehose stream and data bucket. Defaults to false.")
    buffer_seconds: int = Field(300, ge=60, le=900, description="Firehose buffering interval. Defaults to 300.")


class SloConfig(_Section):
    """Phase 5: the service level objectives the alarms watch."""

    p95_latency_ms: int = Field(
        300, ge=50, le=10_000, description="p95 latency target at the edge/ALB. Defaults to 300."
    )
    error_rate_percent: float = Field(1.0, gt=0, le=50, description="Error rate alarm threshold. Defaults to 1.")
    five_xx_rate_percent: float = Field(0.5, gt=0, le=50, description="5xx rate alarm threshold. Defaults to 0.5.")
    queue_age_seconds: int = Field(300, ge=10, le=1_209_600, description="Oldest message age alarm. Defaults to 300.")
    replica_lag_seconds: int = Field(30, ge=1, le=3600, description="RDS replica lag alarm. Defaults to 30.")
    cache_hit_ratio_percent: float = Field(
        80, ge=1, le=100, description="Alarm below this cache hit ratio. Defaults to 80."
    )
    cache_evictions: int = Field(
        100, ge=0, le=10_000_000, description="Alarm above this many evictions per 5 minutes. Defaults to 100."
    )
    database_cpu_percent: float = Field(80, ge=1, le=100, description="Database CPU alarm threshold. Defaults to 80.")


_IDENTITY_STORE_ID = re.compile(
    r"([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-"
    r"[A-Fa-f0-9]{12}"
)
"""Identity Store API (IAM Identity Center): UserId and GroupId pattern."""


class GrafanaSamlConfig(_Section):
    """SAML sign-in to Grafana: the IdP and the assertion values mapped to admin and editor."""

    idp_metadata_url: str = Field(description="URL of the IdP's SAML metadata. Required.")
    role_assertion: str = Field("role", description="Assertion attribute with the user's roles. Defaults to role.")
    admin_role_values: list[str] = Field(min_length=1, description="Role values that make an admin. Required.")
    editor_role_values: list[str] = Field(min_length=1, description="Role values that make an editor. Required.")

    @field_validator("idp_metadata_url")
    @classmethod
    def _https(cls, value: str) -> str:
        if not re.fullmatch(r"https://[^\s]+", value):
            raise ValueError("must be an https:// URL")
        return value


class ObservabilityConfig(_Section):
    """Phase 5: metrics, logs, dashboards and alerts."""

    log_retention_days: int = Field(365, description="CloudWatch log retention (0 = never expire). Defaults to 365.")
    grafana_auth: Literal["AWS_SSO", "SAML"] = Field("AWS_SSO", description="Grafana sign-in. Defaults to AWS_SSO.")
    grafana_editors: int = Field(
        1,
        ge=1,
        le=1000,
        description="Grafana editor licences (billed): at least the admin and editor users listed. Defaults to 1.",
    )
    grafana_allowed_cidrs: list[str] = Field(
        default_factory=list,
        description="Public CIDRs (office, VPN) allowed "
        "to open Grafana. Defaults to none "
        "(only through the VPC endpoint).",
    )
    grafana_admin_users: list[str] = Field(
        default_factory=list,
        description="IAM Identity Center user ids with the Grafana ADMIN role (AWS_SSO). Defaults to none.",
    )
    grafana_admin_groups: list[str] = Field(
        default_factory=list,
        description="IAM Identity Center group ids with the ADMIN role (AWS_SSO). Defaults to none.",
    )
    grafana_editor_users: list[str] = Field(
        default_factory=list,
        description="IAM Identity Center user ids with the EDITOR role (AWS_SSO). Defaults to none.",
    )
    grafana_editor_groups: list[str] = Field(
        default_factory=list,
        description="IAM Identity Center group ids with the EDITOR role (AWS_SSO). Defaults to none.",
    )
    grafana_saml: GrafanaSamlConfig | None = Field(
        None, description="SAML sign-in (grafanaAuth SAML). Required from phase 5 with SAML."
    )
    grafana_provisioning: bool = Field(
        True,
        description="Provision Grafana data sources, dashboards and alert "
        "rules through the workspace API; `pulumi up` must then "
        "run from grafanaAllowedCidrs or inside the VPC. Defaults "
        "to true.",
    )
    slo: SloConfig = Field(default_factory=SloConfig, description="Alarm thresholds.")

    @field_validator("grafana_admin_users", "grafana_admin_groups", "grafana_editor_users", "grafana_editor_groups")
    @classmethod
    def _identity_ids(cls, value: list[str]) -> list[str]:
        for identity in value:
            if not _IDENTITY_STORE_ID.fullmatch(identity):
                raise ValueError(f"{identity!r} is not an IAM Identity Center user or group id")
        return value

    def sign_in_problem(self) -> str | None:
        """Why nobody could sign in to Grafana (checked from phase 5), or None."""
        if self.grafana_auth == "AWS_SSO" and not (self.grafana_admin_users or self.grafana_admin_groups):
            return (
                "observability.grafanaAdminUsers: with AWS_SSO at least one IAM Identity Center admin user or "
                "group (grafanaAdminGroups) is required from phase 5, or nobody can sign in"
            )
        if self.grafana_auth == "SAML" and self.grafana_saml is None:
            return "observability.grafanaSaml: is required from phase 5 with grafanaAuth SAML"
        users = len(self.grafana_admin_users) + len(self.grafana_editor_users)
        if users > self.grafana_editors:
            return (
                f"observability.grafanaEditors: {self.grafana_editors} editor licence(s) for {users} admin and "
                "editor users listed"
            )
        return None

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        allowed = {
            0,
            1,
            3,
            5,
            7,
            14,
            30,
            60,
            90,
            120,
            150,
            180,
            365,
            400,
            545,
            731,
            1096,
            1827,
            2192,
            2557,
            2922,
            3288,
            3653,
        }
        if value not in allowed:
            raise ValueError(f"must be one of CloudWatch's retention values: {sorted(allowed)}")
        return value

    @field_validator("grafana_allowed_cidrs")
    @classmethod
    def _cidrs(cls, value: list[str]) -> list[str]:
        import ipaddress

        for cidr in value:
            try:
                network = ipaddress.ip_network(cidr)
            except ValueError:
                raise ValueError(f"{cidr!r} is not a CIDR block") from None
            if network.version != 4 or network.prefixlen < 16:
                raise ValueError(f"{cidr!r}: use IPv4 blocks of /16 or smaller")
        return value


HOSTING_CASES = ("external", "ec2-in-account", "web-tier")


class AppConfig(_Section):
    """Where the application runs before it moves onto the web tier, and how it reaches what the phases add.

    - `external` (the default: a VPS or another cloud): the server has no AWS identity and is outside the VPC, so
      the private data services (cache, database) and the queues are deferred until the phase that moves the app
      onto the web tier (`webTierPhase`), unless `privateAccess: vpn` reaches them from phase 2 over a managed
      site-to-site VPN (the tool generates the server's strongSwan configuration; every request to them pays the
      server-to-region round trip).
    - `ec2-in-account`: the server is an EC2 instance in this account and region: its VPC is peered with ours
      (routes both ways), its security group is admitted on the cache and database, and the permissions it needs
      are attached to its existing role as inline policies (no replacement, no restart).
    - `web-tier`: the app runs on the web tier from `webTierPhase` (default 2) as a fixed-size group; phase 6
      scales it out.
    """

    hosting: Literal["external", "ec2-in-account", "web-tier"] = Field(
        "external",
        description="Where the app runs before the web tier: external, ec2-in-account or web-tier. "
        "Defaults to external (a server outside AWS).",
    )
    web_tier_phase: int | None = Field(
        None,
        ge=2,
        le=6,
        description="Phase from which the app runs on the web tier. Defaults to 2 for web-tier, else 6.",
    )
    private_access: Literal["defer", "vpn"] = Field(
        "defer",
        description="external: defer the private data services until the app moves (defer), or reach "
        "them over a site-to-site VPN from phase 2 (vpn). Defaults to defer.",
    )
    server_ip: str | None = Field(
        None,
        description="external + vpn: the server's public IPv4 address (the VPN's customer gateway). Required for vpn.",
    )
    server_cidr: str | None = Field(
        None, description="external + vpn: the server-side address range the tunnel carries. Defaults to serverIp/32."
    )
    round_trip_ms: int | None = Field(
        None,
        ge=1,
        le=1000,
        description="external + vpn: measured round trip from "
        "the server to the region (ping), stated in "
        "the plan. Defaults to unknown.",
    )
    vpc_id: str | None = Field(None, description="ec2-in-account: the instance's VPC id. Required there.")
    vpc_cidr: str | None = Field(
        None, description="ec2-in-account: that VPC's CIDR (must not overlap network.cidr). Required there."
    )
    route_table_ids: list[str] = Field(
        default_factory=list,
        description="ec2-in-account: route tables of the "
        "instance's subnet(s), given the return "
        "route to our VPC. Required there.",
    )
    security_group_id: str | None = Field(
        None,
        description="ec2-in-account: the instance's security group, "
        "admitted on the cache and database. Required there.",
    )
    instance_role_name: str | None = Field(
        None,
        description="ec2-in-account: the name of the instance profile's role, given inline policies. Required there.",
    )

    @field_validator("vpc_id")
    @classmethod
    def _vpc(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"vpc-[0-9a-f]{8,17}", value):
            raise ValueError(f"{value!r} is not a VPC id (vpc-...)")
        return value

    @field_validator("security_group_id")
    @classmethod
    def _sg(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"sg-[0-9a-f]{8,17}", value):
            raise ValueError(f"{value!r} is not a security group id (sg-...)")
        return value

    @field_validator("route_table_ids")
    @classmethod
    def _route_tables(cls, value: list[str]) -> list[str]:
        for table in value:
            if not re.fullmatch(r"rtb-[0-9a-f]{8,17}", table):
                raise ValueError(f"{table!r} is not a route table id (rtb-...)")
        return value

    @field_validator("instance_role_name")
    @classmethod
    def _role(cls, value: str | None) -> str | None:
        # IAM role names: 1-64 of [\w+=,.@-] (IAM API reference, CreateRole RoleName).
        if value is not None and not re.fullmatch(r"[\w+=,.@-]{1,64}", value):
            raise ValueError(f"{value!r} is not an IAM role name")
        return value

    @field_validator("server_ip")
    @classmethod
    def _ip(cls, value: str | None) -> str | None:
        import ipaddress

        if value is None:
            return None
        try:
            address = ipaddress.ip_address(value)
        except ValueError:
            raise ValueError(f"{value!r} is not an IPv4 address") from None
        internal = any(
            address in ipaddress.ip_network(block)
            for block in (
                "10.0.0.0/8",
                "172.16.0.0/12",
                "192.168.0.0/16",
                "100.64.0.0/10",
                "127.0.0.0/8",
                "169.254.0.0/16",
                "0.0.0.0/8",
                "224.0.0.0/3",
            )
        )
        if address.version != 4 or internal:
            raise ValueError(f"{value!r} must be a public IPv4 address (the VPN's customer gateway)")
        return value

    @field_validator("server_cidr", "vpc_cidr")
    @classmethod
    def _cidr(cls, value: str | None) -> str | None:
        import ipaddress

        if value is None:
            return None
        try:
            network = ipaddress.ip_network(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a CIDR block") from None
        if network.version != 4:
            raise ValueError(f"{value!r} must be an IPv4 block")
        return value

    @model_validator(mode="after")
    def _fields_of_the_case(self) -> AppConfig:
        if self.hosting == "ec2-in-account":
            missing = [
                name
                for name, value in (
                    ("vpcId", self.vpc_id),
                    ("vpcCidr", self.vpc_cidr),
                    ("securityGroupId", self.security_group_id),
                    ("instanceRoleName", self.instance_role_name),
                    ("routeTableIds", self.route_table_ids),
                )
                if not value
            ]
            if missing:
                raise ValueError(f"hosting ec2-in-account needs {', '.join(missing)}")
        if self.hosting == "external" and self.private_access == "vpn" and self.server_ip is None:
            raise ValueError("privateAccess vpn needs serverIp (the server's public IPv4 address)")
        if self.hosting != "external" and (self.server_ip or self.private_access == "vpn"):
            raise ValueError("serverIp and privateAccess vpn apply to hosting external only")
        return self

    @property
    def moves_at(self) -> int:
        """The phase from which the app runs on the web tier."""
        if self.web_tier_phase is not None:
            return self.web_tier_phase
        return 2 if self.hosting == "web-tier" else 6


class ServiceConfig(_Section):
    """Phase 6: one hot service behind the load balancer."""

    name: str = Field(description="Service name, e.g. web, api. Required.")
    path_patterns: list[str] = Field(["/*"], description="ALB path patterns routed here. Defaults to ['/*'].")
    instance_type: str | None = Field(None, description="EC2 instance type. Defaults to the size preset's.")
    min_size: int = Field(2, ge=1, le=100, description="Fewest instances. Defaults to 2 (one per AZ).")
    max_size: int = Field(4, ge=1, le=500, description="Most instances autoscaling may run. Defaults to 4.")
    desired_capacity: int | None = Field(None, ge=1, le=500, description="Instances at creation. Defaults to minSize.")
    port: int = Field(8080, ge=1, le=65_535, description="Instance port. Defaults to 8080.")
    health_check_path: str = Field("/healthz", description="Path the load balancer checks. Defaults to /healthz.")
    spot_percent: int = Field(0, ge=0, le=100, description="Share of capacity above the base on spot. Defaults to 0.")
    image_id: str | None = Field(
        None,
        description="Pinned AMI id (ami-...): Amazon Linux 2023 for the instance "
        "type's architecture when `image` is given. Required once the "
        "service is built (a changed AMI is a canary refresh, never a "
        "surprise).",
    )
    image: str | None = Field(
        None,
        description="Container image in the service's ECR repository: a tag (1.4.2) "
        "or a digest (sha256:...), never latest. Either this or "
        "userDataFile is required once the service is built.",
    )
    user_data_file: str | None = Field(
        None,
        description="AMI mode: a shell script (path relative to the program) "
        "the instances run at boot instead of a container. "
        "Defaults to none.",
    )

    @field_validator("image_id")
    @classmethod
    def _ami(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"ami-[0-9a-f]{8,17}", value):
            raise ValueError(f"{value!r} is not an AMI id (ami-...)")
        return value

    @field_validator("image")
    @classmethod
    def _image(cls, value: str | None) -> str | None:
        # ECR image tags: up to 300 of [a-zA-Z0-9-_.]; digests sha256:<64 hex> (ECR API, ImageIdentifier).
        if value is None:
            return None
        if value == "latest":
            raise ValueError("pin a version tag or a digest, not latest (a moving tag defeats the canary)")
        if not (
            re.fullmatch(r"sha256:[0-9a-f]{64}", value) or re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}", value)
        ):
            raise ValueError(f"{value!r} is not an image tag (1.4.2) or digest (sha256:...)")
        return value

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z][a-z0-9-]{0,23}", value):
            raise ValueError(f"{value!r} must be lowercase letters, digits and dashes (≤ 24)")
        return value

    @field_validator("path_patterns")
    @classmethod
    def _paths(cls, value: list[str]) -> list[str]:
        if not 1 <= len(value) <= 5:
            raise ValueError("give 1 to 5 path patterns (an ALB rule condition holds at most 5)")
        for pattern in value:
            if not re.fullmatch(r"/[A-Za-z0-9_\-.$/~\"'@:+*?&]{0,127}", pattern):
                raise ValueError(f"{pattern!r} is not an ALB path pattern (e.g. /api/*)")
        return value

    @model_validator(mode="after")
    def _sizes(self) -> ServiceConfig:
        desired = self.desired_capacity or self.min_size
        if not self.min_size <= desired <= self.max_size:
            raise ValueError("must have minSize ≤ desiredCapacity ≤ maxSize")
        return self


class FlowConfig(_Section):
    """A business flow and the consistency it needs (CAP: strong = CP, eventual = AP)."""

    name: str = Field(description="Flow name, e.g. checkout, catalog. Required.")
    consistency: Literal["strong", "eventual"] = Field(
        description="strong: primary, FIFO, no cache; eventual: replicas, cache TTL, standard queue. Required."
    )
    queue: str | None = Field(None, description="Name of the queue this flow uses, if any. Defaults to none.")
    cache_ttl_seconds: int = Field(300, ge=1, le=86_400, description="Cache TTL for eventual flows. Defaults to 300.")


class BackupConfig(_Section):
    """AWS Backup for the data stores (RPO ≤ 24 h by default)."""

    daily_retention_days: int = Field(35, ge=7, le=3650, description="Daily recovery points kept. Defaults to 35.")
    monthly_retention_days: int = Field(365, ge=30, le=36_500, description="Monthly points kept. Defaults to 365.")
    copy_to_region: str | None = Field(None, description="Region for cross-region copies. Defaults to none.")

    @field_validator("copy_to_region")
    @classmethod
    def _region(cls, value: str | None) -> str | None:
        if value is not None and value not in AWS_REGIONS:
            raise ValueError(f"{value!r} is not an AWS region")
        return value


class StackConfig(_Section):
    """Everything under `sme-rollout:` in a stack file."""

    phase: int = Field(1, ge=1, le=6, description="Phases 1..N are built. Defaults to 1.")
    region: str = Field("ap-southeast-1", description="AWS region. Defaults to ap-southeast-1 (Singapore).")
    environment: Literal["dev", "staging", "prod"] = Field(
        "dev", description="Decides HA and protection defaults. Defaults to dev."
    )
    size: Literal["small", "medium", "large"] = Field(
        "small", description="Size preset for instance classes. Defaults to small."
    )
    site: SiteConfig = Field(description="The website as it runs today. Required.")
    tags: dict[str, str] = Field(default_factory=dict, description="Extra tags on every resource. Defaults to none.")
    budget: BudgetConfig = Field(default_factory=BudgetConfig, description="Phase 1 budget and alerts.")
    network: NetworkConfig = Field(default_factory=NetworkConfig, description="Phase 2 VPC.")
    cdn: CdnConfig | None = Field(None, description="Phase 2 CDN. Required from phase 2.")
    cache: CacheConfig = Field(default_factory=CacheConfig, description="Phase 2 cache.")
    database: DatabaseConfig = Field(default_factory=DatabaseConfig, description="Phase 3 database.")
    static_assets: StaticAssetsConfig = Field(default_factory=StaticAssetsConfig, description="Phase 3 static assets.")
    queues: list[QueueConfig] = Field(default_factory=list, description="Phase 4 workloads. Defaults to none.")
    event_stream: EventStreamConfig = Field(default_factory=EventStreamConfig, description="Phase 4 events.")
    observability: ObservabilityConfig = Field(default_factory=ObservabilityConfig, description="Phase 5.")
    app: AppConfig = Field(
        default_factory=AppConfig,
        description="Where the app runs and how it reaches the services (hosting). Defaults to external.",
    )
    services: list[ServiceConfig] = Field(
        default_factory=list, description="Web tier services. Required (at least one) from app.webTierPhase."
    )
    flows: list[FlowConfig] = Field(default_factory=list, description="Business flows and their consistency.")
    waf: WafConfig = Field(default_factory=WafConfig, description="Phases 2 and 6 web ACL mode and upload paths.")
    switches: SwitchesConfig = Field(default_factory=SwitchesConfig, description="Traffic switches, all off until set.")
    load_balancer: LoadBalancerConfig = Field(default_factory=LoadBalancerConfig, description="Phase 6 certificate.")
    backup: BackupConfig = Field(default_factory=BackupConfig, description="AWS Backup plan.")

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        if value not in AWS_REGIONS:
            raise ValueError(f"{value!r} is not an AWS region (e.g. ap-southeast-1)")
        return value

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: dict[str, str]) -> dict[str, str]:
        for key in value:
            if key.lower().startswith("aws:") or not 1 <= len(key) <= 128:
                raise ValueError(f"tag key {key!r} is reserved or too long")
        return value

    @model_validator(mode="after")
    def _phase_requirements(self) -> StackConfig:
        if self.phase >= 2 and self.cdn is None:
            raise ValueError("cdn: is required from phase 2")
        if self.phase >= 5 and (problem := self.observability.sign_in_problem()):
            raise ValueError(problem)
        moves_at = self.app.moves_at
        if self.phase >= moves_at and not self.services:
            raise ValueError(f"services: at least one service is required from phase {moves_at} (the web tier)")
        if self.phase >= moves_at:
            for service in self.services:
                if service.image_id is None:
                    raise ValueError(
                        f"services: {service.name}: imageId is required from phase {moves_at}: pin an "
                        f"Amazon Linux 2023 AMI (aws ssm get-parameter --name /aws/service/ami-amazon-"
                        f"linux-latest/al2023-ami-kernel-default-arm64)"
                    )
                if (service.image is None) == (service.user_data_file is None):
                    raise ValueError(
                        f"services: {service.name}: give exactly one of image (a container in its ECR "
                        f"repository) or userDataFile (an AMI with a boot script)"
                    )
        if self.app.vpc_cidr is not None:
            import ipaddress

            if ipaddress.ip_network(self.app.vpc_cidr).overlaps(ipaddress.ip_network(self.network.cidr)):
                raise ValueError(
                    f"app.vpcCidr {self.app.vpc_cidr} overlaps network.cidr {self.network.cidr}: "
                    f"peered VPCs need distinct address ranges"
                )
        if self.backup.copy_to_region is not None and self.backup.copy_to_region == self.region:
            raise ValueError(
                "backup.copyToRegion: must differ from region (a copy in the same region survives "
                "nothing a regional outage takes)"
            )
        self._check_dns()
        self._check_switches()
        names = [q.name for q in self.queues]
        if len(names) != len(set(names)):
            raise ValueError("queues: names must be unique")
        services = [s.name for s in self.services]
        if len(services) != len(set(services)):
            raise ValueError("services: names must be unique")
        catch_all = [s.name for s in self.services if "/*" in s.path_patterns]
        if len(catch_all) > 1:
            raise ValueError(f"services: only one service may route '/*' (the default), not {', '.join(catch_all)}")
        flows = [f.name for f in self.flows]
        if len(flows) != len(set(flows)):
            raise ValueError("flows: names must be unique")
        consistency = {q.name: q.consistency for q in self.queues}
        for flow in self.flows:
            if flow.queue is not None and flow.queue not in names:
                raise ValueError(
                    f"flows: {flow.name}: queue {flow.queue!r} is not one of queues: {', '.join(names) or 'none'}"
                )
            if flow.queue is not None and flow.consistency == "strong" and consistency[flow.queue] != "strong":
                raise ValueError(
                    f"flows: {flow.name}: a strong flow needs a FIFO queue, but queue {flow.queue!r} "
                    f"is eventual (set its consistency: strong)"
                )
        return self

    def _check_dns(self) -> None:
        """The zone file fits the zone, and the origin resolves in a zone the stack creates (else Cloudflare
        answers error 1016); the web tier (from app.webTierPhase) has a certificate it can validate."""
        cdn = self.cdn
        if cdn is None:
            return
        zone = self.site.zone
        if cdn.provider == "cloudflare" and not cdn.zone_id and cdn.zone_file:
            from components.zone_file import ZoneFileError, load_zone_file, names_with_address

            try:
                records = load_zone_file(cdn.zone_file, zone)
            except ZoneFileError as error:
                raise ValueError(f"cdn.zoneFile: {error}") from None
            if self.origin_in_zone() and self.site.origin not in names_with_address(records):
                raise ValueError(
                    f"cdn.zoneFile: has no A, AAAA or CNAME record for the origin {self.site.origin}: "
                    "the site record would point at a name the new zone cannot resolve "
                    "(Cloudflare error 1016)"
                )
            others = sorted(
                {r.type for r in records if r.name == self.site.domain != zone and r.type not in ("A", "AAAA", "CNAME")}
            )
            if others:
                raise ValueError(
                    f"cdn.zoneFile: {self.site.domain} also has {', '.join(others)} records, and the site "
                    "record (a CNAME) cannot share its name with other records: move them"
                )
        moves_at = self.app.moves_at
        if (
            self.phase >= moves_at
            and cdn.provider == "cloudfront"
            and not cdn.route53_zone_id
            and not self.load_balancer.certificate_arn
        ):
            raise ValueError(
                f"loadBalancer.certificateArn: the web tier (phase {moves_at}) needs an issued ACM "
                f"certificate for "
                f"{self.site.domain} in {self.region} when the stack manages no zone (cdn.route53ZoneId): "
                f"request it (aws acm request-certificate --domain-name {self.site.domain} "
                "--validation-method DNS), create its validation CNAME at your DNS host, wait for "
                "ISSUED, then set its ARN here; an unvalidated certificate fails the HTTPS listener"
            )

    def _check_switches(self) -> None:
        """The journey's order: the domain answers with the CDN before anything behind the CDN moves."""
        switches = self.switches
        if (switches.static_path or switches.origin_to_load_balancer) and not switches.dns_authority:
            name = "staticPath" if switches.static_path else "originToLoadBalancer"
            raise ValueError(f"switches.{name}: needs switches.dnsAuthority first (the domain answering with the CDN)")
        if switches.static_path and self.cdn is not None and self.cdn.provider == "cloudflare":
            raise ValueError(
                "switches.staticPath: on Cloudflare the asset bucket stays private and the origin serves "
                "the static path (cached at the edge); the switch exists on CloudFront only"
            )

    def origin_in_zone(self) -> bool:
        """Whether the origin's name lives in the site's zone (then that zone must resolve it)."""
        zone = self.site.zone
        return self.site.origin == zone or self.site.origin.endswith(f".{zone}")

    @property
    def production(self) -> bool:
        return self.environment == "prod"


def parse_config(values: dict[str, Any], secret_keys: set[str] | frozenset[str] = frozenset()) -> StackConfig:
    """Validate the namespace's keys (without the `sme-rollout:` prefix). Raises ConfigError."""
    problems = [
        f"{NAMESPACE}:{key}: must be a plain value, not secure"
        for key in sorted(secret_keys)
        if key in StackConfig.model_fields or key in _ALIASES
    ]
    if problems:
        raise ConfigError(problems)
    try:
        return StackConfig.model_validate(values)
    except ValidationError as error:
        raise ConfigError(_problems(error)) from None


_KEY_PATH_MESSAGE = re.compile(r"^([a-z][A-Za-z0-9]*\.[A-Za-z0-9.]+): (.*)$", re.DOTALL)
_ALIASES = {field.alias for field in StackConfig.model_fields.values() if field.alias}


def _problems(error: ValidationError) -> list[str]:
    lines = []
    for item in error.errors(include_url=False):
        path = ".".join(str(part) for part in item["loc"])
        message = _message(item)
        if item["type"].startswith(("greater_than", "less_than")):
            message = _bounds_message(item["loc"]) or message
        nested = _KEY_PATH_MESSAGE.match(message) if not path else None
        if nested:  # a whole-stack check naming its own key path, e.g. "cdn.zoneFile: ..."
            path, message = nested.group(1), nested.group(2)
        lines.append(f"{NAMESPACE}:{path}: {message}" if path else f"{NAMESPACE}: {message}")
    return lines


_KIND_MESSAGES = {
    "int": "must be a whole number",
    "float": "must be a number",
    "bool": "must be true or false",
    "string": "must be text",
    "list": "must be a list",
    "dict": "must be a mapping (key: value)",
    "model": "must be a mapping (key: value)",
    "date": "must be a date (YYYY-MM-DD)",
}


def _message(item: Any) -> str:
    """A pydantic error in the words of a stack file: no Python reprs, types or class names."""
    kind, value = item["type"], item.get("input")
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "is required"
    if kind == "value_error":
        return item["msg"].removeprefix("Value error, ")
    if value is None:
        return "is empty; give a value or remove the key"
    if isinstance(value, dict) and set(value) == {"secure"}:
        return "must be a plain value, not secure"
    if kind == "literal_error":
        expected = str((item.get("ctx") or {}).get("expected", "")).replace("'", "")
        return f"must be {expected}, not {value}" if isinstance(value, (str, int, float)) else f"must be {expected}"
    if kind.startswith(("greater_than", "less_than")):
        return item["msg"].replace("Input should be", "must be")
    if kind.startswith(("string_too", "too_")):
        return item["msg"].replace("String should have", "must have").replace("List should have", "must have")
    return _KIND_MESSAGES.get(kind.split("_")[0]) or item["msg"]


def _bounds_message(loc: tuple[Any, ...]) -> str | None:
    """'must be between 0 and 5' for a bounded field, found by walking the models along the error's key path."""
    model: Any = StackConfig
    field = None
    for part in loc:
        if isinstance(part, int):
            continue
        fields = {f.alias or n: f for n, f in model.model_fields.items()}
        field = fields.get(part)
        if field is None:
            return None
        annotation = field.annotation
        inner = [a for a in getattr(annotation, "__args__", ()) if isinstance(a, type) and issubclass(a, BaseModel)]
        model = (
            annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else (inner or [model])[0]
        )
    if field is None:
        return None
    low = next((getattr(m, "ge", None) for m in field.metadata if getattr(m, "ge", None) is not None), None)
    high = next((getattr(m, "le", None) for m in field.metadata if getattr(m, "le", None) is not None), None)
    return f"must be between {low} and {high}" if low is not None and high is not None else None


def load_config() -> StackConfig:
    """Read every `sme-rollout:*` key from the Pulumi runtime (values arrive as strings; objects as JSON)."""
    from pulumi.runtime import config as runtime_config

    prefix = f"{NAMESPACE}:"
    raw = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    secret_keys = set(runtime_config.get_config_secret_keys_env()) | set(runtime_config._SECRET_KEYS.get())
    values = {key[len(prefix) :]: _parse_value(value) for key, value in raw.items() if key.startswith(prefix)}
    return parse_config(values, {k[len(prefix) :] for k in secret_keys if k.startswith(prefix)})


def _parse_value(value: Any) -> Any:
    """The engine passes every config value as a string, objects and lists as JSON."""
    if not isinstance(value, str) or not value.lstrip().startswith(("{", "[")):
        return value  # scalars: pydantic coerces "3" and "true" for typed fields
    try:
        return json.loads(value)
    except ValueError:
        return value

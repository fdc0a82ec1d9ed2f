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

AWS_REGIONS = frozenset({
    "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
    "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
    "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1",
    "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1",
    "me-south-1", "mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
})
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
    zone_domain: str | None = Field(None, description="The DNS zone (apex) the domain lives in, if it is a "
                                                      "delegated subzone. Defaults to the registrable domain by the "
                                                      "public suffix list (shop.example.com.vn -> example.com.vn).")

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
    alert_emails: list[str] = Field(default_factory=list, description="Emails for budget, anomaly and SLO alerts. "
                                                                      "Defaults to none (topic only).")
    thresholds_percent: list[int] = Field([80, 100], description="Budget alert thresholds in percent of the limit "
                                                                 "(forecast and actual). Defaults to [80, 100].")

    @field_validator("alert_emails")
    @classmethod
    def _emails(cls, value: list[str]) -> list[str]:
        for email in value:
            if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
                raise ValueError(f"{email!r} is not an email address")
        return value

    @field_validator("thresholds_percent")
    @classmethod
    def _thresholds(cls, value: list[int]) -> list[int]:
        if not value or any(not 1 <= t <= 500 for t in value):
            raise ValueError("each threshold must be between 1 and 500 (percent)")
        return sorted(set(value))


class NetworkConfig(_Section):
    """Phase 2: the VPC the cache (and later the database and web tier) live in."""

    cidr: str = Field("10.40.0.0/16", description="VPC CIDR block (/16 to /24). Defaults to 10.40.0.0/16.")
    availability_zones: int = Field(2, ge=2, le=3, description="AZs to spread subnets over. Defaults to 2.")
    nat_per_az: bool | None = Field(None, description="One NAT gateway per AZ (HA) instead of one shared (cheaper). "
                                                      "Defaults to true in prod, false elsewhere.")

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


class CdnConfig(_Section):
    """Phase 2: the CDN in front of the site."""

    provider: Literal["cloudflare", "cloudfront"] = Field("cloudflare", description="CDN provider. Defaults to cloudflare.")
    plan: Literal["free", "pro", "business"] = Field("free", description="Cloudflare plan (decides image "
                                                                         "optimisation and rate-limit limits). Defaults to free.")
    cloudflare_account_id: str | None = Field(None, description="Cloudflare account id (to create the zone). "
                                                                "Required for cloudflare unless zoneId is given.")
    zone_id: str | None = Field(None, description="Adopt an existing Cloudflare zone by id (its records stay as "
                                                  "they are). Defaults to creating one from zoneFile.")
    zone_file: str | None = Field(None, description="BIND zone-file export of the domain's current DNS (path from "
                                                    "the Pulumi project directory): a zone the stack creates holds "
                                                    "every record of it. Required for cloudflare without zoneId.")
    certificate_arn: str | None = Field(None, description="ACM certificate (us-east-1) for the domain on CloudFront. "
                                                          "Defaults to one issued and DNS-validated by the stack.")
    route53_zone_id: str | None = Field(None, description="Route 53 hosted zone of the domain (CloudFront): the "
                                                          "certificate's validation record and the alias records "
                                                          "are created there. Defaults to none (validation record "
                                                          "exported for your DNS host).")
    price_class: Literal["PriceClass_100", "PriceClass_200", "PriceClass_All"] = Field(
        "PriceClass_200", description="CloudFront edge set; 200 includes Asia (Vietnam, Singapore). Defaults to PriceClass_200.")
    default_ttl_seconds: int = Field(3600, ge=0, le=31_536_000, description="Edge cache TTL for cacheable "
                                                                            "responses. Defaults to 3600.")
    rate_limit_per_minute: int = Field(600, ge=10, le=1_000_000, description="Requests per minute per client IP "
                                                                             "before blocking. Defaults to 600.")

    @model_validator(mode="after")
    def _cloudflare_needs_account(self) -> CdnConfig:
        if self.provider == "cloudflare" and not (self.cloudflare_account_id or self.zone_id):
            raise ValueError("cloudflareAccountId or zoneId is required when provider is cloudflare")
        if self.provider == "cloudflare" and not self.zone_id and not self.zone_file:
            raise ValueError("zoneFile is required to create a Cloudflare zone (export the current DNS as a BIND "
                             "zone file: a zone without those records loses mail and every other name), or adopt "
                             "an existing zone with zoneId")
        return self


class WafConfig(_Section):
    """Phases 2 and 6: how the web ACLs (CloudFront's and the load balancer's) treat what the managed rules match."""

    mode: Literal["count", "enforce"] = Field("count", description="count: managed rule groups only count (watch "
                                                                   "the sampled requests first); enforce: they block. "
                                                                   "Defaults to count.")
    upload_paths: list[str] = Field(default_factory=list, description="Path prefixes that accept large bodies "
                                                                      "(uploads, big forms): the body-size rule "
                                                                      "never blocks them. Defaults to none.")

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

    dns_authority: bool = Field(False, description="Phase 2: the site's name answers with the CDN (Cloudflare: the "
                                                   "nameservers moved and the record proxied; CloudFront: the alias "
                                                   "and certificate on the distribution). Defaults to false.")
    static_path: bool = Field(False, description="Phase 3: the static path is served from the asset bucket, failing "
                                                 "over to the old server. Defaults to false.")
    origin_to_load_balancer: bool = Field(False, description="Phase 6: the CDN's origin moves from the old server "
                                                             "to the load balancer. Defaults to false.")


class LoadBalancerConfig(_Section):
    """Phase 6: the load balancer's HTTPS certificate."""

    certificate_arn: str | None = Field(None, description="An ISSUED regional ACM certificate for the domain. "
                                                          "Defaults to one the stack issues and validates in the "
                                                          "zone it manages (Route 53 or Cloudflare).")

    @field_validator("certificate_arn")
    @classmethod
    def _arn(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"arn:aws:acm:[a-z0-9-]+:\d{12}:certificate/[0-9a-f-]+", value):
            raise ValueError("must be an ACM certificate ARN")
        return value


class CacheConfig(_Section):
    """Phase 2: the Redis/Valkey response and session cache."""

    engine: Literal["redis", "valkey"] = Field("valkey", description="Cache engine (Valkey is ~20% cheaper, "
                                                                     "Redis-compatible). Defaults to valkey.")
    node_type: str | None = Field(None, description="ElastiCache node type. Defaults to the size preset's.")
    nodes: int | None = Field(None, ge=1, le=6, description="Nodes (primary + replicas). Defaults to 2 in prod "
                                                            "(multi-AZ failover), 1 elsewhere.")
    snapshot_retention_days: int = Field(7, ge=1, le=35, description="Daily snapshots kept. Defaults to 7.")

    @field_validator("node_type")
    @classmethod
    def _node_type(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"cache\.[a-z0-9]+\.[a-z0-9]+", value):
            raise ValueError(f"{value!r} is not an ElastiCache node type (e.g. cache.t4g.small)")
        return value


class DatabaseConfig(_Section):
    """Phase 3: the relational database and its read replicas."""

    engine: Literal["postgres", "mysql"] = Field("postgres", description="Database engine. Defaults to postgres.")
    engine_version: str | None = Field(None, description="Major version. Defaults to 16 (postgres) / 8.0 (mysql).")
    instance_class: str | None = Field(None, description="RDS instance class. Defaults to the size preset's.")
    storage_gb: int = Field(20, ge=20, le=65_536, description="Allocated gp3 storage in GB. Defaults to 20.")
    max_storage_gb: int | None = Field(None, ge=20, le=65_536, description="Storage autoscaling ceiling. "
                                                                           "Defaults to 5× storageGb.")
    replicas: int = Field(1, ge=0, le=5, description="Read replicas. Defaults to 1.")
    multi_az: bool | None = Field(None, description="Standby in a second AZ. Defaults to true in prod.")
    backup_retention_days: int = Field(7, ge=7, le=35, description="Automated backup retention. Defaults to 7.")
    adopt_identifier: str | None = Field(None, description="Adopt an existing DB instance by identifier "
                                                           "(import) instead of creating one. Defaults to none.")

    @field_validator("instance_class")
    @classmethod
    def _instance_class(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"db\.[a-z0-9]+\.[a-z0-9]+", value):
            raise ValueError(f"{value!r} is not an RDS instance class (e.g. db.t4g.small)")
        return value

    @model_validator(mode="after")
    def _storage_bounds(self) -> DatabaseConfig:
        if self.max_storage_gb is not None and self.max_storage_gb < self.storage_gb:
            raise ValueError("maxStorageGb must be at least storageGb")
        return self


class StaticAssetsConfig(_Section):
    """Phase 3: static files moved off the server into S3 behind the CDN."""

    path_pattern: str = Field("/static/*", description="URL paths served from the bucket. Defaults to /static/*.")
    noncurrent_version_days: int = Field(30, ge=1, le=3650, description="Days old object versions are kept. "
                                                                        "Defaults to 30.")


class QueueConfig(_Section):
    """Phase 4: one asynchronous workload."""

    name: str = Field(description="Workload name, e.g. email, reports, images, orders. Required.")
    consistency: Literal["strong", "eventual"] = Field("eventual", description="strong → FIFO with deduplication. "
                                                                               "Defaults to eventual.")
    visibility_timeout_seconds: int = Field(60, ge=0, le=43_200, description="Defaults to 60.")
    retention_days: int = Field(4, ge=1, le=14, description="Message retention. Defaults to 4.")
    max_receive_count: int = Field(5, ge=1, le=100, description="Receives before a message goes to the DLQ. "
                                                                "Defaults to 5.")

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

    p95_latency_ms: int = Field(300, ge=50, le=10_000, description="p95 latency target at the edge/ALB. Defaults to 300.")
    error_rate_percent: float = Field(1.0, gt=0, le=50, description="Error rate alarm threshold. Defaults to 1.")
    five_xx_rate_percent: float = Field(0.5, gt=0, le=50, description="5xx rate alarm threshold. Defaults to 0.5.")
    queue_age_seconds: int = Field(300, ge=10, le=1_209_600, description="Oldest message age alarm. Defaults to 300.")
    replica_lag_seconds: int = Field(30, ge=1, le=3600, description="RDS replica lag alarm. Defaults to 30.")
    cache_hit_ratio_percent: float = Field(80, ge=1, le=100, description="Alarm below this cache hit ratio. Defaults to 80.")
    cache_evictions: int = Field(100, ge=0, le=10_000_000, description="Alarm above this many evictions per 5 "
                                                                      "minutes. Defaults to 100.")
    database_cpu_percent: float = Field(80, ge=1, le=100, description="Database CPU alarm threshold. Defaults to 80.")


class ObservabilityConfig(_Section):
    """Phase 5: metrics, logs, dashboards and alerts."""

    log_retention_days: int = Field(365, description="CloudWatch log retention (0 = never expire). Defaults to 365.")
    grafana_auth: Literal["AWS_SSO", "SAML"] = Field("AWS_SSO", description="Grafana sign-in. Defaults to AWS_SSO.")
    grafana_editors: int = Field(1, ge=1, le=1000, description="Grafana editor users (billed). Defaults to 1.")
    grafana_allowed_cidrs: list[str] = Field(default_factory=list, description="Public CIDRs (office, VPN) allowed "
                                                                                "to open Grafana. Defaults to none "
                                                                                "(only through the VPC endpoint).")
    slo: SloConfig = Field(default_factory=SloConfig, description="Alarm thresholds.")

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        allowed = {0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
                   3288, 3653}
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


class ServiceConfig(_Section):
    """Phase 6: one hot service behind the load balancer."""

    name: str = Field(description="Service name, e.g. web, api. Required.")
    path_patterns: list[str] = Field(["/*"], description="ALB path patterns routed here. Defaults to ['/*'].")
    instance_type: str | None = Field(None, description="EC2 instance type. Defaults to the size preset's.")
    min_size: int = Field(2, ge=1, le=100, description="Defaults to 2 (one per AZ).")
    max_size: int = Field(4, ge=1, le=500, description="Defaults to 4.")
    desired_capacity: int | None = Field(None, ge=1, le=500, description="Defaults to minSize.")
    port: int = Field(8080, ge=1, le=65_535, description="Instance port. Defaults to 8080.")
    health_check_path: str = Field("/healthz", description="Defaults to /healthz.")
    spot_percent: int = Field(0, ge=0, le=100, description="Share of capacity above the base on spot. Defaults to 0.")
    image_id: str | None = Field(None, description="AMI id. Defaults to the latest Amazon Linux 2023 (arm64).")

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
    consistency: Literal["strong", "eventual"] = Field(description="strong: primary, FIFO, no cache; eventual: "
                                                                   "replicas, cache TTL, standard queue. Required.")
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
    environment: Literal["dev", "staging", "prod"] = Field("dev", description="Decides HA and protection "
                                                                             "defaults. Defaults to dev.")
    size: Literal["small", "medium", "large"] = Field("small", description="Size preset for instance classes. "
                                                                          "Defaults to small.")
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
    services: list[ServiceConfig] = Field(default_factory=list, description="Phase 6 hot services. Required "
                                                                            "(at least one) from phase 6.")
    flows: list[FlowConfig] = Field(default_factory=list, description="Business flows and their consistency.")
    waf: WafConfig = Field(default_factory=WafConfig, description="Phases 2 and 6 web ACL mode and upload paths.")
    switches: SwitchesConfig = Field(default_factory=SwitchesConfig, description="Traffic switches, all off "
                                                                                 "until set.")
    load_balancer: LoadBalancerConfig = Field(default_factory=LoadBalancerConfig, description="Phase 6 "
                                                                                             "certificate.")
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
        if self.phase >= 6 and not self.services:
            raise ValueError("services: at least one service is required from phase 6")
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
                raise ValueError(f"flows: {flow.name}: queue {flow.queue!r} is not one of queues: "
                                 f"{', '.join(names) or 'none'}")
            if flow.queue is not None and flow.consistency == "strong" and consistency[flow.queue] != "strong":
                raise ValueError(f"flows: {flow.name}: a strong flow needs a FIFO queue, but queue {flow.queue!r} "
                                 f"is eventual (set its consistency: strong)")
        return self

    def _check_dns(self) -> None:
        """The zone file fits the zone, and the origin resolves in a zone the stack creates (else Cloudflare
        answers error 1016); phase 6 has a certificate it can validate."""
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
                raise ValueError(f"cdn.zoneFile: has no A, AAAA or CNAME record for the origin {self.site.origin}: "
                                 "the site record would point at a name the new zone cannot resolve "
                                 "(Cloudflare error 1016)")
            others = sorted({r.type for r in records if r.name == self.site.domain != zone
                             and r.type not in ("A", "AAAA", "CNAME")})
            if others:
                raise ValueError(f"cdn.zoneFile: {self.site.domain} also has {', '.join(others)} records, and the site "
                                 "record (a CNAME) cannot share its name with other records: move them")
        if (self.phase >= 6 and cdn.provider == "cloudfront" and not cdn.route53_zone_id
                and not self.load_balancer.certificate_arn):
            raise ValueError("loadBalancer.certificateArn: phase 6 needs an issued ACM certificate for "
                             f"{self.site.domain} in {self.region} when the stack manages no zone (cdn.route53ZoneId): "
                             f"request it (aws acm request-certificate --domain-name {self.site.domain} "
                             "--validation-method DNS), create its validation CNAME at your DNS host, wait for "
                             "ISSUED, then set its ARN here; an unvalidated certificate fails the HTTPS listener")

    def _check_switches(self) -> None:
        """The journey's order: the domain answers with the CDN before anything behind the CDN moves."""
        switches = self.switches
        if (switches.static_path or switches.origin_to_load_balancer) and not switches.dns_authority:
            name = "staticPath" if switches.static_path else "originToLoadBalancer"
            raise ValueError(f"switches.{name}: needs switches.dnsAuthority first (the domain answering with the CDN)")
        if switches.static_path and self.cdn is not None and self.cdn.provider == "cloudflare":
            raise ValueError("switches.staticPath: on Cloudflare the asset bucket stays private and the origin serves "
                             "the static path (cached at the edge); the switch exists on CloudFront only")

    def origin_in_zone(self) -> bool:
        """Whether the origin's name lives in the site's zone (then that zone must resolve it)."""
        zone = self.site.zone
        return self.site.origin == zone or self.site.origin.endswith(f".{zone}")

    @property
    def production(self) -> bool:
        return self.environment == "prod"


def parse_config(values: dict[str, Any], secret_keys: set[str] | frozenset[str] = frozenset()) -> StackConfig:
    """Validate the namespace's keys (without the `sme-rollout:` prefix). Raises ConfigError."""
    problems = [f"{NAMESPACE}:{key}: must be a plain value, not secure" for key in sorted(secret_keys)
                if key in StackConfig.model_fields or key in _ALIASES]
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


_KIND_MESSAGES = {"int": "must be a whole number", "float": "must be a number", "bool": "must be true or false",
                  "string": "must be text", "list": "must be a list", "dict": "must be a mapping (key: value)",
                  "model": "must be a mapping (key: value)", "date": "must be a date (YYYY-MM-DD)"}


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
        model = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else (inner or [model])[0]
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
    values = {key[len(prefix):]: _parse_value(value) for key, value in raw.items() if key.startswith(prefix)}
    return parse_config(values, {k[len(prefix):] for k in secret_keys if k.startswith(prefix)})


def _parse_value(value: Any) -> Any:
    """The engine passes every config value as a string, objects and lists as JSON."""
    if not isinstance(value, str) or not value.lstrip().startswith(("{", "[")):
        return value  # scalars: pydantic coerces "3" and "true" for typed fields
    try:
        return json.loads(value)
    except ValueError:
        return value

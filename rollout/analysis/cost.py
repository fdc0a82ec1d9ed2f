"""Monthly cost of an Inventory, priced by resource type from the dated catalog (rollout/data/prices.json).

Pure functions over data: `price_inventory` turns an Inventory + usage assumptions + catalog + region into a
CostReport (per resource, cost components like Infracost's); `compare` diffs two reports; `in_currency` converts.
A price the catalog lacks is a component with `price_known=False` ("price unknown"), never a guess; a resource
type without a pricer is listed as unpriced, not an error. Monthly = hourly x 730, as Infracost and AWS do.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from rollout.model.inventory import UNKNOWN, Inventory, Resource, reveal
from rollout.model.settings import RolloutSettings, UsageSettings

HOURS_PER_MONTH = 730


# ---------------------------------------------------------------------------------------------------------------
# Catalog


@dataclass(frozen=True)
class Price:
    """One catalog price. `usd` is None when the price is unknown (recorded missing or absent)."""

    key: str
    unit: str
    usd: float | None = None
    source: str = ""
    as_of: str = ""
    derived: bool = False
    note: str = ""


@dataclass(frozen=True)
class FreeTier:
    """An allowance per account and month shared by every component billed on `keys` (e.g. SQS's first 1M)."""

    name: str
    keys: frozenset[str]
    quantity: float
    unit: str


@dataclass(frozen=True)
class Catalog:
    """The dated price catalog: per-region prices, global prices (CloudFront, Cloudflare), free tiers, FX rate."""

    date: str
    regions: Mapping[str, Mapping[str, Mapping[str, Any]]]
    global_prices: Mapping[str, Mapping[str, Any]]
    free_tiers: tuple[FreeTier, ...]
    edge_groups: Mapping[str, str]
    exchange_rates: Mapping[str, Mapping[str, Any]]
    path: str = ""

    def has_region(self, region: str) -> bool:
        return region in self.regions

    def price(self, region: str, key: str, unit: str) -> Price:
        """The price of `key` in `region` (regional first, then global), or an unknown Price saying why."""
        if region not in self.regions:
            return Price(key, unit, note=f"no prices for region {region} in the catalog "
                                         f"(regions: {', '.join(sorted(self.regions))})")
        entry = self.regions[region].get(key) or self.global_prices.get(key)
        if entry is None:
            return Price(key, unit, note=f"price unknown: {key} is not in the catalog for {region}")
        if entry["unit"] != unit:
            return Price(key, unit, note=f"price unknown: catalog unit of {key} is {entry['unit']}, not {unit}")
        usd = entry.get("usd")
        note = entry.get("note", "")
        if usd is None:
            note = f"price unknown: {note}" if note else "price unknown"
        return Price(key, unit, usd, entry.get("source", ""), str(entry.get("as_of", "")),
                     bool(entry.get("derived", False)), note)


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Read and check a catalog file (default: the packaged one). A malformed file raises UserError."""
    from rollout.errors import UserError

    if path is None:
        source = "rollout/data/prices.json"
        text = resources.files("rollout").joinpath("data/prices.json").read_text()
    else:
        source = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as error:
            raise UserError(f"{source}: cannot read the price catalog ({error.strerror})") from None
        except UnicodeDecodeError:
            raise UserError(f"{source}: not a price catalog (not UTF-8 text)") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UserError(f"{source}: not valid JSON ({error.msg} at line {error.lineno})") from None
    problems = catalog_problems(data)
    if problems:
        raise UserError(*(f"{source}: {problem}" for problem in problems))
    return Catalog(
        date=data["catalog_date"],
        regions={code: region["prices"] for code, region in data["regions"].items()},
        global_prices=data.get("global", {}),
        free_tiers=tuple(FreeTier(t["name"], frozenset(t["keys"]), float(t["quantity"]), t["unit"])
                         for t in data.get("free_tiers", [])),
        edge_groups=data.get("edge_groups", {}),
        exchange_rates=data.get("exchange_rates", {}),
        path=source,
    )


def catalog_problems(data: Any) -> list[str]:
    """What is wrong with a catalog document, one line per problem (empty when it is usable)."""
    if not isinstance(data, dict):
        return ["the catalog must be a JSON object"]
    problems = [f"missing key {key}" for key in ("catalog_date", "regions") if key not in data]
    if "catalog_date" in data and not isinstance(data["catalog_date"], str):
        problems.append("catalog_date: must be a date string")
    for key in ("regions", "global", "edge_groups", "exchange_rates"):
        if key in data and not isinstance(data[key], dict):
            problems.append(f"{key}: must be a JSON object")
    if not isinstance(data.get("free_tiers", []), list):
        problems.append("free_tiers: must be a list")
    else:
        for index, tier in enumerate(data.get("free_tiers", [])):
            if (not isinstance(tier, dict) or not isinstance(tier.get("keys"), list)
                    or not isinstance(tier.get("quantity"), (int, float)) or "name" not in tier or "unit" not in tier):
                problems.append(f"free_tiers[{index}]: needs name, keys (a list), quantity (a number) and unit")
    for code, rate in (data.get("exchange_rates") or {}).items():
        if (not isinstance(rate, dict) or not isinstance(rate.get("per_usd"), (int, float))
                or "source" not in rate or "as_of" not in rate):
            problems.append(f"exchange_rates.{code}: needs per_usd (a number), source and as_of")
    if problems:
        return problems
    sections = [(f"global.{k}", v) for k, v in data.get("global", {}).items()]
    for code, region in (data.get("regions") or {}).items():
        if not isinstance(region, dict) or not isinstance(region.get("prices"), dict):
            problems.append(f"regions.{code}: needs a 'prices' object")
            continue
        sections += [(f"regions.{code}.prices.{k}", v) for k, v in region["prices"].items()]
    for where, entry in sections:
        if not isinstance(entry, dict) or "unit" not in entry:
            problems.append(f"{where}: needs a unit")
        elif entry.get("usd") is None and not entry.get("missing"):
            problems.append(f"{where}: has no usd price and is not marked missing")
        elif entry.get("usd") is not None and not isinstance(entry["usd"], (int, float)):
            problems.append(f"{where}: usd must be a number")
        elif entry.get("usd") is not None and not (entry.get("source") and entry.get("as_of")):
            problems.append(f"{where}: a price needs a source and an as_of date")
    return problems


# ---------------------------------------------------------------------------------------------------------------
# Usage


@dataclass(frozen=True)
class UsageAssumption:
    """One usage quantity the report relied on, and where it came from (profile, byType or byResource)."""

    urn: str
    key: str
    value: float
    origin: str



def usage_profiles() -> dict[str, Any]:
    """The packaged usage profiles (small, medium, large) per resource type."""
    return json.loads(resources.files("rollout").joinpath("data/usage_profiles.json").read_text())


# ---------------------------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class CostComponent:
    """One billed dimension of a resource, like an Infracost cost component.

    `quantity` is per month in `unit` (the price's unit); `monthly` = (quantity - free_quantity) x price, or None
    when the price is unknown. `usage_based` lines depend on assumed usage (requests, GB...).
    """

    name: str
    unit: str
    quantity: float | None
    price: float | None
    monthly: float | None
    usage_based: bool = False
    price_known: bool = True
    price_key: str = ""
    derived: bool = False
    free_quantity: float = 0.0
    note: str = ""


@dataclass(frozen=True)
class ResourceCost:
    """A priced resource: its components, plus a range when the count varies (autoscaling min-max)."""

    urn: str
    type: str
    name: str
    phase: int | None
    components: tuple[CostComponent, ...]
    note: str = ""
    monthly_range: tuple[float, float] | None = None

    @property
    def monthly(self) -> float:
        """Sum of the components whose price is known."""
        return sum(c.monthly for c in self.components if c.monthly is not None)

    @property
    def complete(self) -> bool:
        return all(c.price_known for c in self.components)


@dataclass(frozen=True)
class CostReport:
    """The monthly cost of one inventory, with everything needed to explain it."""

    project: str
    stack: str
    phase: int | None
    region: str
    catalog_date: str
    resources: tuple[ResourceCost, ...]
    free_types: Mapping[str, int] = field(default_factory=dict)
    unpriced_types: Mapping[str, int] = field(default_factory=dict)
    usage_profile: str = "small"
    assumptions: tuple[UsageAssumption, ...] = ()
    free_tiers_used: tuple[tuple[str, float, str], ...] = ()
    notes: tuple[str, ...] = ()
    currency: str = "USD"
    rate: float = 1.0
    rate_source: str = ""

    @property
    def total_monthly(self) -> float:
        return sum(r.monthly for r in self.resources)

    @property
    def by_phase(self) -> dict[int | None, float]:
        """Monthly cost of the resources each phase added (phase N's inventory holds phases 1..N)."""
        totals: dict[int | None, float] = {}
        for resource in self.resources:
            totals[resource.phase] = totals.get(resource.phase, 0.0) + resource.monthly
        return totals

    @property
    def lines(self) -> tuple[int, int]:
        """(priced, unknown) component lines."""
        components = [c for r in self.resources for c in r.components]
        known = sum(1 for c in components if c.price_known)
        return known, len(components) - known


@dataclass(frozen=True)
class ResourceChange:
    urn: str
    type: str
    name: str
    change: str  # added | changed | removed | unchanged
    before: float
    after: float

    @property
    def diff(self) -> float:
        return self.after - self.before


@dataclass(frozen=True)
class CostDiff:
    """The change in monthly cost between two reports (e.g. phase N-1 and phase N)."""

    before_total: float
    after_total: float
    changes: tuple[ResourceChange, ...]

    @property
    def amount(self) -> float:
        return self.after_total - self.before_total

    @property
    def percent(self) -> float | None:
        return None if self.before_total == 0 else self.amount / self.before_total * 100


# ---------------------------------------------------------------------------------------------------------------
# Pricing context shared by the per-type pricers


class _Context:
    """What a pricer needs: prices for the region, usage for a resource, and other resources it references."""

    def __init__(self, inventory: Inventory, usage: UsageSettings, region: str, catalog: Catalog) -> None:
        self.inventory = inventory
        self.by_urn = inventory.by_urn
        self.settings = usage
        self.region = region
        self.catalog = catalog
        self.profile = usage_profiles()["profiles"][usage.profile]
        self.assumptions: list[UsageAssumption] = []

    def line(self, name: str, key: str, unit: str, quantity: float, *, usage_based: bool = False,
             note: str = "") -> CostComponent:
        price = self.catalog.price(self.region, key, unit)
        notes = "; ".join(n for n in (note, price.note) if n)
        if price.usd is None:
            return CostComponent(name, unit, quantity, None, None, usage_based, False, key, False, 0.0, notes)
        return CostComponent(name, unit, quantity, price.usd, quantity * price.usd, usage_based, True, key,
                             price.derived, 0.0, notes)

    def unknown(self, name: str, unit: str, why: str, quantity: float | None = None, *,
                usage_based: bool = False) -> CostComponent:
        return CostComponent(name, unit, quantity, None, None, usage_based, False, "", False, 0.0,
                             f"price unknown: {why}")

    def usage(self, resource: Resource, key: str) -> float:
        """The assumed monthly quantity `key` for `resource`: byResource beats byType beats the profile."""
        value, origin = self.profile.get(resource.type, {}).get(key, 0.0), f"profile {self.settings.profile}"
        if key in self.settings.by_type.get(resource.type, {}):
            value, origin = self.settings.by_type[resource.type][key], "byType"
        for target in (resource.name, resource.urn):
            if key in self.settings.by_resource.get(target, {}):
                value, origin = self.settings.by_resource[target][key], "byResource"
        self.assumptions.append(UsageAssumption(resource.urn, key, float(value), origin))
        return float(value)

    def referenced(self, resource: Resource, prop: str, type_token: str, value: Any = None) -> Resource | None:
        """The resource of `type_token` that `resource.<prop>` points at: by property dependency, else by a
        value equal to the other's physical `name`/`identifier` input or logical name."""
        for urn in resource.property_dependencies.get(prop, ()):
            other = self.by_urn.get(urn)
            if other is not None and other.type == type_token:
                return other
        wanted = {v for v in _flatten(value) if isinstance(v, str)}
        if not wanted:
            return None
        for other in self.inventory.of_type(type_token):
            names = {other.name, other.urn, reveal(other.inputs.get("name")), reveal(other.inputs.get("identifier"))}
            if wanted & names:
                return other
        return None


def _flatten(value: Any) -> list[Any]:
    if isinstance(value, Mapping):
        return [v for item in value.values() for v in _flatten(item)]
    if isinstance(value, (list, tuple)):
        return [v for item in value for v in _flatten(item)]
    return [value]


def _is_unknown(*values: Any) -> bool:
    return any(v is UNKNOWN for v in values)


@dataclass
class _Priced:
    components: list[CostComponent]
    note: str = ""
    monthly_range: tuple[float, float] | None = None


Pricer = Callable[[Resource, dict[str, Any], _Context], _Priced]


# ---------------------------------------------------------------------------------------------------------------
# Pricers, one per resource type


def _rds_instance(resource: Resource, inputs: dict[str, Any], ctx: _Context) -> _Priced:
    source_db = inputs.get("replicateSourceDb")
    source = ctx.referenced(resource, "replicateSourceDb", resource.type, source_db) if source_db else None
    inherited = reveal(source.inputs) if source else {}
    engine = inputs.get("engine") or inherited.get("engine")
    instance_class = inputs.get("instanceClass")
    multi_az = inputs.get("multiAz")
    storage_gb = inputs.get("allocatedStorage") or inherited.get("allocatedStorage")
    storage_type = (inputs.get("storageType") or inherited.get("storageType")
                    or ("io1" if inputs.get("iops") else "gp2"))
    role = "read replica" if source_db else "primary"
    deployment = "Multi-AZ" if multi_az is True else "Single-AZ"
    az = "multi-az" if multi_az is True else "single-az"
    components = []

    name = f"Database instance ({role}, {deployment}, {instance_class})"
    if _is_unknown(engine, instance_class, multi_az) or not engine or not instance_class:
        components.append(ctx.unknown(name, "hour", "engine, instanceClass or multiAz unknown before apply",
                                      HOURS_PER_MONTH))
    elif str(engine).startswith("aurora"):
        components.append(ctx.unknown(name, "hour", "Aurora instances are billed per cluster, not priced here",
                                      HOURS_PER_MONTH))
    else:
        components.append(ctx.line(name, f"rds:instance:{str(engine).lower()}:{instance_class}:{az}", "hour",
                                   HOURS_PER_MONTH))

    storage_name = f"Storage ({storage_type}, {deployment})"
    if _is_unknown(storage_gb, storage_type) or storage_gb is None:
        components.append(ctx.unknown(storage_name, "GB-month", "allocatedStorage unknown before apply"))
    else:
        components.append(ctx.line(storage_name, f"rds:storage:{storage_type}:{az}", "GB-month", float(storage_gb)))

    if not source_db:
        components.append(ctx.line("Backup storage beyond the database size", "rds:backup", "GB-month",
                                   ctx.usage(resource, "backupStorageGb"), usage_based=True))
    if inputs.get("manageMasterUserPassword") is True:
        components.append(ctx.line("Managed master password (Secrets Manager secret)", "secretsmanager:secret",
                                   "month", 1))
    return _Priced(components, note=f"replica of {source.name}" if source else "")


def _cache_nodes(engine: Any, node_type: Any, nodes: Any, ctx: _Context) -> CostComponent:
    engine = engine or "redis"
    name = f"Cache nodes ({engine}, {node_type}) x {nodes}"
    if _is_unknown(engine, node_type, nodes) or not node_type:
        return ctx.unknown(name, "node-hour", "engine, nodeType or node count unknown before apply")
    return ctx.line(name, f"elasticache:node:{str(engine).lower()}:{node_type}", "node-hour",
                    HOURS_PER_MONTH * int(nodes))


def _elasticache_replication_group(resource: Resource, inputs: dict[str, Any], ctx: _Context) -> _Priced:
    if inputs.get("numCacheClusters") is not None:
        nodes = inputs["numCacheClusters"]
    elif inputs.get("numNodeGroups") is not None or inputs.get("replicasPerNodeGroup") is not None:
        groups, replicas = inputs.get("numNodeGroups") or 1, inputs.get("replicasPerNodeGroup") or 0
        nodes = UNKNOWN if _is_unknown(groups, replicas) else groups * (replicas + 1)
    else:
        nodes = 1
    return _Priced([_cache_nodes(inputs.get("engine"), inputs.get("nodeType"), nodes, ctx)])


def _elasticache_cluster(resource: Resource, inputs: dict[str, Any], ctx: _Context) -> _Priced:
    if inputs.get("replicationGroupId"):
        return _Priced([], note="member of a replication group: priced with the group")
    return _Priced([_cache_nodes(inputs.get("engine"), inputs.get("nodeType"), inputs.get("numCacheNodes") or 1,
                                 ctx)])


def _nat_gateway(resource: Resource, inputs: dict[str, Any], ctx: _Context) -> _Priced:
    return _Priced([
        ctx.line("NAT gateway", "vpc:nat-gateway:hour", "hour", HOURS_PER_MONTH),
        ctx.line("Data processed", "vpc:nat-gateway:gb", "GB", ctx.usage(resource, "monthlyDataProcessedGb"),
                 usage_based=True),
    ])


def _load_balancer(resource: Resource, inputs: dict[str, Any], ctx: _Context) -> _Priced:
    kind = inputs.get("loadBalancerType") or "application"
    if kind != "application":
        return _Priced([ctx.line(f"Load balancer ({kind})", f"elb:{kind}:hour", "hour", HOURS_PER_MONTH)])
    components = [
        ctx.line("Application load balancer", "elb:alb:hour", "hour", HOURS_PER_MONTH),
        ctx.line("Load balancer capacity units", "elb:alb:lcu", "LCU-hour",
                 ctx.usage(resource, "averageLcus") * HOURS_PER_MONTH, usage_based=True),
    ]
    if inputs.get("internal") is not True:
        subnets = inputs.get("subnets") or inputs.get("subnetMappings")
        if isinstance(subnets, list) and subnets:
            zones, note = len(subnets), ""
        else:
            zones, note = 2, "subnets unknown before apply: the 2 zones an ALB needs at least"
        components.append(ctx.line(f"Public IPv4 addresses (one per zone) x {zones}", "ec2:public-ipv4", "hour",
                                   zones * HOURS_PER_MONTH, note=note))
    return _Priced(components)


def _instance_components(ctx: _Context, instance_type: Any, volumes: list[Mapping[str, Any]], count: float,
                         public_ip: bool) -> list[CostComponent]:
    """Instance-hours plus EBS GB-months (and public IPv4 hours) for `count` identical instances."""
    name = f"Instance usage (Linux, on-demand, {instance_type})"
    if _is_unknown(instance_type) or not instance_type:
        components = [ctx.unknown(name, "hour", "instanceType unknown", count * HOURS_PER_MONTH)]
    else:
        components = [ctx.line(name, f"ec2:instance:{instance_type}", "hour", count * HOURS_PER_MONTH)]
    for volume in volumes:
        size, volume_type = volume.get("volumeSize"), volume.get("volumeType")
        label = f"Storage ({volume_type or 'type from the AMI'})"
        if _is_unknown(size, volume_type) or not volume_type:
            components.append(ctx.unknown(label, "GB-month", "volume type or size not set in the program",
                                          None if _is_unknown(size) or size is None else count * float(size)))
        elif size is not None:
            components.append(ctx.line(label, f"ec2:ebs:{volume_type}", "GB-month", count * float(size)))
    if public_ip:
        components.append(ctx.line("Public IPv4 address", "ec2:public-ipv4", "hour", count * HOURS_PER_MONTH))
    return components


def _template_volumes(template_inputs: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [m.get("ebs") or {} for m in template_inputs.get("blockDeviceMappings") or [] if isinstance(m, Mapping)
            and m.get("ebs")]


def _template_public_ip(template_inputs: Mapping[str, Any]) -> bool:
    interfaces = template_inputs.get("networkInterfaces") or []
    return any(isinstance(i, Mapping) and str(i.get("associatePublicIpAddress")).lower() == "true"
               for i in interfaces)


def _autoscaling_group(resource: Resource, inputs: dict[str, Any], ctx: _Context) -> _Priced:
    low, high = inputs.get("minSize"), inputs.get("maxSize")
    desired = inputs.get("desiredCapacity")
    if desired is None:
        desired = low
    mixed = inputs.get("mixedInstancesPolicy") or {}
    spec = inputs.get("launchTemplate") or (mixed.get("launchTemplate") or {}).get("launchTemplateSpecification")
    prop = "launchTemplate" if inputs.get("launchTemplate") else "mixedInstancesPolicy"
    template = ctx.referenced(resource, prop, "aws:ec2/launchTemplate:LaunchTemplate", spec)
    template_inputs = reveal(template.inputs) if template else {}
    overrides = (mixed.get("launchTemplate") or {}).get("overrides") or []
    instance_type = (overrides[0].get("instanceType") if overrides else None) or template_inputs.get("instanceType")
    if _is_unknown(desired, low, high) or desired is None:
        return _Priced([ctx.unknown("Instance usage", "hour", "desiredCapacity/minSize unknown before apply")])
    if template is None:
        return _Priced([ctx.unknown("Instance usage", "hour", "launch template not found in the inventory",
                                    desired * HOURS_PER_MONTH)], note=f"desired {desired} (min {low} - max {high})")
    volumes, public_ip = _template_volumes(template_inputs), _template_public_ip(template_inputs)
    components = _instance_components(ctx, instance_type, volumes, desired, public_ip)
    per_instance = _instance_components(ctx, instance_type, volumes, 1, public_ip)
    unit_monthly = sum(c.monthly for c in per_instance if c.monthly is not None)
    note = f"desired {desired} (min {low} - max {high}); launch template {template.name}"
    if not volumes:
        note += "; root volume size comes from the AMI: not priced"
    return _Priced(components, note=note, monthly_range=(unit_monthly * (low or 0), unit_monthly * (high or 0)))


def _ec2_instance(resource: Resource, inputs: dict[str, Any], ctx: _Context) -> _Priced:
    root = inputs.get("rootBlockDevice") or {}
    volumes = [v for v in [root, *(inputs.get("ebsBlockDevices") or [])] if isinstance(v, Mapping) and v]
    note = "" if root else "root volume size comes from the AMI: not priced"
    return _Priced(_instance_components(ctx, inputs.get("instanceType"), volumes, 1,
                                        inputs.get("associatePublicIpAddress") is True), note=note)


def _ebs_volume(resource: Resource, inputs: dict[str, Any], ctx: _Context) -> _Priced:
    size, volume_type = inputs.get("size"), inputs.get("type") or "gp2"
    if _is_unknown(size, volume_type) or size is None:
        return _Priced([ctx.unknown(f"Storage ({volume_type})", "GB-month", "size unknown before apply")])
    return _Priced([ctx.line(f"Storage ({volume_type})", f"ec2:ebs:{volume_type}", "GB-month", float(size))])


def _eip(resource: Resource, inputs: dict[str, Any], ctx: _Context) -> _Priced:
    return _Priced([ctx.line("Public IPv4 address", "ec2:public-ipv4", "hour", HOURS_PER_MONTH)])


_PRICE_CLASS_GROUPS = {"PriceClass_100": {"us", "europe"}}


def _cloudfront_distribution(resource: Resource, inputs: dict[str, Any], ctx: _Context) -> _Priced:
    plan = ctx.settings.cloudfront_plan
    if plan != "none":
        return _Priced([ctx.line(f"Flat-rate plan ({plan})", f"cloudfront:plan:{plan}", "month", 1)],
                       note="flat-rate plan (rollout:usage.cloudfrontPlan): over quota is throttled, not billed")
    group = ctx.catalog.edge_groups.get(ctx.region)
    price_class = inputs.get("priceClass") or "PriceClass_All"
    note = ""
    if group and price_class in _PRICE_CLASS_GROUPS and group not in _PRICE_CLASS_GROUPS[price_class]:
        note = f"{price_class} excludes {group} edges: viewers there are served (and billed) from US edges"
        group = "us"
    gb = ctx.usage(resource, "monthlyDataTransferGb")
    requests = ctx.usage(resource, "monthlyHttpsRequests") / 10_000
    if group is None:
        why = f"no CloudFront edge group for region {ctx.region}"
        return _Priced([ctx.unknown("Data transfer out to viewers", "GB", why, gb, usage_based=True),
                        ctx.unknown("HTTPS requests", "10k requests", why, requests, usage_based=True)])
    return _Priced([
        ctx.line(f"Data transfer out to viewers ({group} edges)", f"cloudfront:data-out:{group}", "GB", gb,
                 usage_based=True),
        ctx.line(f"HTTPS requests ({group} edges)", f"cloudfront:requests-https:{group}", "10k requests", requests,
                 usage_based=True),
    ], note=note)


def _cloudflare_zone(resource: Resource, inputs: dict[str, Any], ctx: _Context) -> _Priced:
    plan, note = ctx.settings.cloudflare_plan, "plan from rollout:usage.cloudflarePlan"
    for subscription in ctx.inventory.of_type("cloudflare:index/zoneSubscription:ZoneSubscription"):
        if resource.urn in subscription.property_dependencies.get("zoneId", ()):
            rate_plan = reveal(subscription.inputs.get("ratePlan")) or {}
            plan, note = rate_plan.get("id") or "free", f"plan from ZoneSubscription {subscription.name}"
    if _is_unknown(plan):
        return _Priced([ctx.unknown("Cloudflare plan", "month", "rate plan unknown before apply", 1)])
    return _Priced([ctx.line(f"Cloudflare {plan} plan", f"cloudflare:plan:{plan}", "month", 1)], note=note)


def _sqs_queue(resource: Resource, inputs: dict[str, Any], ctx: _Context) -> _Priced:
    fifo = inputs.get("fifoQueue") is True or str(inputs.get("name") or "").endswith(".fifo")
    kind = "fifo" if fifo else "standard"
    return _Priced([ctx.line(f"Requests ({kind})", f"sqs:requests:{kind}", "1M requests",
                             ctx.usage(resource, "monthlyRequests") / 1e6, usage_based=True)])


def _metric_alarm(resource: Resource, inputs: dict[str, Any], ctx: _Context) -> _Priced:
    queries = inputs.get("metricQueries") or []
    metrics = sum(1 for q in queries if isinstance(q, Mapping) and q.get("metric")) if queries else 1
    period = inputs.get("period")
    if isinstance(period, (int, float)) and period < 60:
        return _Priced([ctx.line("High-resolution alarm metrics", "cloudwatch:alarm:high-resolution", "month",
                                 max(metrics, 1))])
    return _Priced([ctx.line("Standard alarm metrics", "cloudwatch:alarm:standard", "month", max(metrics, 1))])


def _log_group(resource: Resource, inputs: dict[str, Any], ctx: _Context) -> _Priced:
    ingest = ctx.usage(resource, "monthlyIngestGb")
    retention = inputs.get("retentionInDays")
    if isinstance(retention, int) and retention > 0:
        stored = ingest * retention / 30
        label = f"Storage (ingest x {retention} days / 30, uncompressed upper bound)"
    else:
        stored, label = ctx.usage(resource, "storageGb"), "Storage (never expires)"
    return _Priced([
        ctx.line("Data ingested", "cloudwatch:logs:ingest", "GB", ingest, usage_based=True),
        ctx.line(label, "cloudwatch:logs:storage", "GB-month", stored, usage_based=True),
    ])


def _dashboard(resource: Resource, inputs: dict[str, Any], ctx: _Context) -> _Priced:
    return _Priced([ctx.line("Dashboard", "cloudwatch:dashboard", "month", 1)])


def _grafana_workspace(resource: Resource, inputs: dict[str, Any], ctx: _Context) -> _Priced:
    editors = max(1.0, ctx.usage(resource, "editorUsers"))
    return _Priced([
        ctx.line("Editor users (at least 1 billed)", "grafana:editor", "user-month", editors, usage_based=True),
        ctx.line("Viewer users", "grafana:viewer", "user-month", ctx.usage(resource, "viewerUsers"),
                 usage_based=True),
    ])


def _prometheus_workspace(resource: Resource, inputs: dict[str, Any], ctx: _Context) -> _Priced:
    return _Priced([
        ctx.line("Samples ingested (first tier)", "amp:ingest", "10M samples",
                 ctx.usage(resource, "monthlySamples") / 1e7, usage_based=True),
        ctx.line("Metric storage", "amp:storage", "GB-month", ctx.usage(resource, "storageGb"), usage_based=True),
    ])


def _web_acl(resource: Resource, inputs: dict[str, Any], ctx: _Context) -> _Priced:
    rules = inputs.get("rules")
    components = [ctx.line("Web ACL", "waf:web-acl", "month", 1)]
    if _is_unknown(rules):
        components.append(ctx.unknown("Rules", "month", "rules unknown before apply"))
    elif rules:
        components.append(ctx.line(f"Rules x {len(rules)}", "waf:rule", "month", len(rules)))
    components.append(ctx.line("Requests", "waf:requests", "1M requests",
                               ctx.usage(resource, "monthlyRequests") / 1e6, usage_based=True))
    return _Priced(components)


def _secret(resource: Resource, inputs: dict[str, Any], ctx: _Context) -> _Priced:
    return _Priced([
        ctx.line("Secret", "secretsmanager:secret", "month", 1),
        ctx.line("API requests", "secretsmanager:api", "10k requests", ctx.usage(resource, "monthlyApiCalls") / 1e4,
                 usage_based=True),
    ])


def _kms_key(resource: Resource, inputs: dict[str, Any], ctx: _Context) -> _Priced:
    return _Priced([
        ctx.line("Customer managed key", "kms:key", "month", 1),
        ctx.line("Requests", "kms:requests", "10k requests", ctx.usage(resource, "monthlyRequests") / 1e4,
                 usage_based=True),
    ])


def _backup_plan(resource: Resource, inputs: dict[str, Any], ctx: _Context) -> _Priced:
    components = [ctx.line("Backup storage (RDS snapshots)", "backup:rds", "GB-month",
                           ctx.usage(resource, "rdsStorageGb"), usage_based=True)]
    ebs = ctx.usage(resource, "ebsStorageGb")
    if ebs:
        components.append(ctx.line("Backup storage (EBS snapshots)", "backup:ebs", "GB-month", ebs,
                                   usage_based=True))
    return _Priced(components)


def _health_check(resource: Resource, inputs: dict[str, Any], ctx: _Context) -> _Priced:
    return _Priced([ctx.line(f"Health check ({inputs.get('type') or 'HTTP'})", "route53:health-check", "month", 1)])


def _s3_bucket(resource: Resource, inputs: dict[str, Any], ctx: _Context) -> _Priced:
    return _Priced([
        ctx.line("Storage (Standard)", "s3:storage:standard", "GB-month", ctx.usage(resource, "storageGb"),
                 usage_based=True),
        ctx.line("PUT, COPY, POST, LIST requests", "s3:requests:put", "1k requests",
                 ctx.usage(resource, "monthlyPutRequests") / 1e3, usage_based=True),
        ctx.line("GET and other requests", "s3:requests:get", "1k requests",
                 ctx.usage(resource, "monthlyGetRequests") / 1e3, usage_based=True),
    ])


def _firehose(resource: Resource, inputs: dict[str, Any], ctx: _Context) -> _Priced:
    return _Priced([ctx.line("Data ingested", "firehose:ingest", "GB", ctx.usage(resource, "monthlyIngestGb"),
                             usage_based=True)])


PRICERS: dict[str, Pricer] = {
    "aws:rds/instance:Instance": _rds_instance,
    "aws:elasticache/replicationGroup:ReplicationGroup": _elasticache_replication_group,
    "aws:elasticache/cluster:Cluster": _elasticache_cluster,
    "aws:ec2/natGateway:NatGateway": _nat_gateway,
    "aws:lb/loadBalancer:LoadBalancer": _load_balancer,
    "aws:alb/loadBalancer:LoadBalancer": _load_balancer,
    "aws:autoscaling/group:Group": _autoscaling_group,
    "aws:ec2/instance:Instance": _ec2_instance,
    "aws:ebs/volume:Volume": _ebs_volume,
    "aws:ec2/eip:Eip": _eip,
    "aws:cloudfront/distribution:Distribution": _cloudfront_distribution,
    "cloudflare:index/zone:Zone": _cloudflare_zone,
    "aws:sqs/queue:Queue": _sqs_queue,
    "aws:cloudwatch/metricAlarm:MetricAlarm": _metric_alarm,
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:cloudwatch/dashboard:Dashboard": _dashboard,
    "aws:grafana/workspace:Workspace": _grafana_workspace,
    "aws:amp/workspace:Workspace": _prometheus_workspace,
    "aws:wafv2/webAcl:WebAcl": _web_acl,
    "aws:secretsmanager/secret:Secret": _secret,
    "aws:kms/key:Key": _kms_key,
    "aws:backup/plan:Plan": _backup_plan,
    "aws:route53/healthCheck:HealthCheck": _health_check,
    "aws:s3/bucket:Bucket": _s3_bucket,
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": _firehose,
}

FREE_TYPES: frozenset[str] = frozenset({
    # No charge of their own (configuration, or billed through another priced resource).
    "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/securityGroupRule:SecurityGroupRule", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "aws:ec2/internetGateway:InternetGateway",
    "aws:ec2/routeTable:RouteTable", "aws:ec2/routeTableAssociation:RouteTableAssociation", "aws:ec2/route:Route",
    "aws:ec2/launchTemplate:LaunchTemplate", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:iam/policy:Policy", "aws:iam/instanceProfile:InstanceProfile",
    "aws:rds/subnetGroup:SubnetGroup", "aws:rds/parameterGroup:ParameterGroup",
    "aws:elasticache/subnetGroup:SubnetGroup", "aws:elasticache/parameterGroup:ParameterGroup",
    "aws:lb/listener:Listener", "aws:lb/targetGroup:TargetGroup", "aws:lb/listenerRule:ListenerRule",
    "aws:autoscaling/policy:Policy", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketPolicy:BucketPolicy",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "aws:s3/bucketLogging:BucketLogging",
    "aws:cloudfront/originAccessControl:OriginAccessControl", "aws:cloudfront/cachePolicy:CachePolicy",
    "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy", "aws:sqs/queuePolicy:QueuePolicy",
    "aws:sqs/redrivePolicy:RedrivePolicy", "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy", "aws:kms/alias:Alias",
    "aws:backup/vault:Vault", "aws:backup/selection:Selection", "aws:wafv2/webAclAssociation:WebAclAssociation",
    "aws:acm/certificate:Certificate", "aws:acm/certificateValidation:CertificateValidation",
    "aws:secretsmanager/secretVersion:SecretVersion", "aws:grafana/roleAssociation:RoleAssociation",
    "aws:sns/topicSubscription:TopicSubscription",
    "cloudflare:index/zoneSetting:ZoneSetting", "cloudflare:index/ruleset:Ruleset",
    "cloudflare:index/dnsRecord:DnsRecord", "cloudflare:index/zoneSubscription:ZoneSubscription",
})


# ---------------------------------------------------------------------------------------------------------------
# Public API


def price_inventory(inventory: Inventory, settings: RolloutSettings | UsageSettings | None, region: str,
                    catalog: Catalog | None = None) -> CostReport:
    """Price every custom resource of `inventory` in `region` (USD per month), applying account free tiers."""
    usage = settings.usage if isinstance(settings, RolloutSettings) else settings or UsageSettings()
    catalog = catalog or load_catalog()
    ctx = _Context(inventory, usage, region, catalog)
    priced: list[ResourceCost] = []
    free: dict[str, int] = {}
    unpriced: dict[str, int] = {}
    for resource in inventory.custom_resources():
        pricer = PRICERS.get(resource.type)
        if pricer is None:
            bucket = free if resource.type in FREE_TYPES else unpriced
            bucket[resource.type] = bucket.get(resource.type, 0) + 1
            continue
        result = pricer(resource, reveal(dict(resource.inputs)), ctx)
        priced.append(ResourceCost(resource.urn, resource.type, resource.name, resource.phase,
                                   tuple(result.components), result.note, result.monthly_range))
    priced, used = _apply_free_tiers(priced, catalog.free_tiers)
    notes = () if catalog.has_region(region) else (
        f"no prices for region {region} in the catalog: every line is price unknown "
        f"(regions: {', '.join(sorted(catalog.regions))}; add one with `rollout prices refresh`)",)
    return CostReport(inventory.project, inventory.stack, inventory.phase, region, catalog.date, tuple(priced),
                      dict(sorted(free.items())), dict(sorted(unpriced.items())), usage.profile,
                      tuple(ctx.assumptions), tuple(used), notes)


def _apply_free_tiers(priced: list[ResourceCost], tiers: tuple[FreeTier, ...]
                      ) -> tuple[list[ResourceCost], list[tuple[str, float, str]]]:
    """Deduct each per-account allowance from the first components (in registration order) billed on its keys."""
    remaining = {tier.name: tier.quantity for tier in tiers}
    result = []
    for resource in priced:
        components = []
        for component in resource.components:
            tier = next((t for t in tiers if component.price_key in t.keys and t.unit == component.unit), None)
            if tier and component.price_known and component.quantity and remaining[tier.name] > 0:
                free_quantity = min(component.quantity, remaining[tier.name])
                remaining[tier.name] -= free_quantity
                component = dataclasses.replace(
                    component, free_quantity=free_quantity,
                    monthly=(component.quantity - free_quantity) * (component.price or 0.0),
                    note="; ".join(n for n in (component.note, f"free tier: {tier.name}") if n))
            components.append(component)
        result.append(dataclasses.replace(resource, components=tuple(components)))
    used = [(t.name, t.quantity - remaining[t.name], t.unit) for t in tiers if remaining[t.name] < t.quantity]
    return result, used


def compare(before: CostReport | None, after: CostReport) -> CostDiff:
    """Per resource added/changed/removed/unchanged between two reports (matched by URN), and the total change."""
    old = {r.urn: r for r in before.resources} if before else {}
    new = {r.urn: r for r in after.resources}
    changes = []
    for urn, resource in new.items():
        previous = old.get(urn)
        if previous is None:
            changes.append(ResourceChange(urn, resource.type, resource.name, "added", 0.0, resource.monthly))
        else:
            same = previous.components == resource.components
            changes.append(ResourceChange(urn, resource.type, resource.name, "unchanged" if same else "changed",
                                          previous.monthly, resource.monthly))
    for urn, resource in old.items():
        if urn not in new:
            changes.append(ResourceChange(urn, resource.type, resource.name, "removed", resource.monthly, 0.0))
    return CostDiff(before.total_monthly if before else 0.0, after.total_monthly, tuple(changes))


def exchange_rate(currency: str, usage: UsageSettings, catalog: Catalog) -> tuple[float, str]:
    """USD→`currency` rate and where it comes from: the stack's rollout:usage.vndPerUsd, else the catalog."""
    from rollout.errors import UserError

    if currency == "USD":
        return 1.0, ""
    if currency == "VND" and usage.vnd_per_usd:
        return usage.vnd_per_usd, "rollout:usage.vndPerUsd in the stack file"
    entry = catalog.exchange_rates.get(currency)
    if not entry:
        raise UserError(f"{catalog.path}: no exchange rate for {currency}; set rollout:usage.vndPerUsd")
    assumed = " (assumption)" if entry.get("assumption") else ""
    return float(entry["per_usd"]), f"{entry['source']}, as of {entry['as_of']}{assumed}"


def in_currency(report: CostReport, currency: str, rate: float, rate_source: str = "") -> CostReport:
    """The report with every price and amount multiplied by `rate` (USD→`currency`)."""
    def scale(value: float | None) -> float | None:
        return None if value is None else value * rate

    resources_ = tuple(
        dataclasses.replace(
            r,
            components=tuple(dataclasses.replace(c, price=scale(c.price), monthly=scale(c.monthly))
                             for c in r.components),
            monthly_range=(r.monthly_range[0] * rate, r.monthly_range[1] * rate) if r.monthly_range else None)
        for r in report.resources)
    return dataclasses.replace(report, resources=resources_, currency=currency, rate=rate, rate_source=rate_source)

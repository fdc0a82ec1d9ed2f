"""Pure decisions shared by the components: size presets → instance classes, HA per environment, replica plans,
subnet layout. No Pulumi here, so every rule is tested with a table of cases (tests/components/test_sizing.py)."""

from __future__ import annotations

import ipaddress
from typing import Literal

Size = Literal["small", "medium", "large"]
Environment = Literal["dev", "staging", "prod"]
DbEngine = Literal["postgres", "mysql"]

CACHE_NODE_TYPES: dict[str, str] = {"small": "cache.t4g.small", "medium": "cache.t4g.medium",
                                    "large": "cache.m7g.large"}
DB_INSTANCE_CLASSES: dict[str, str] = {"small": "db.t4g.small", "medium": "db.t4g.medium", "large": "db.m7g.large"}
EC2_INSTANCE_TYPES: dict[str, str] = {"small": "t4g.small", "medium": "t4g.medium", "large": "m7g.large"}
"""Graviton (arm64) everywhere: about 20% cheaper than x86 for the same work; burstable below large."""

DB_ENGINE_VERSIONS: dict[str, str] = {"postgres": "16", "mysql": "8.0"}
DB_TLS_PARAMETERS: dict[str, tuple[str, str]] = {"postgres": ("rds.force_ssl", "1"),
                                                 "mysql": ("require_secure_transport", "1")}
DB_LOG_EXPORTS: dict[str, list[str]] = {"postgres": ["postgresql", "upgrade"],
                                        "mysql": ["audit", "error", "general", "slowquery"]}
DB_PORTS: dict[str, int] = {"postgres": 5432, "mysql": 3306}
PERFORMANCE_INSIGHTS_UNSUPPORTED: dict[str, frozenset[str]] = {
    "mysql": frozenset({"db.t2.micro", "db.t2.small", "db.t3.micro", "db.t3.small", "db.t4g.micro", "db.t4g.small"})}
"""RDS for MySQL rejects Performance Insights on these classes (AWS RDS user guide, "DB engine, Region, and
instance class support for Database Insights"); RDS for PostgreSQL supports every class."""


def cache_node_type(size: Size, override: str | None = None) -> str:
    return override or CACHE_NODE_TYPES[size]


def db_instance_class(size: Size, override: str | None = None) -> str:
    return override or DB_INSTANCE_CLASSES[size]


def ec2_instance_type(size: Size, override: str | None = None) -> str:
    return override or EC2_INSTANCE_TYPES[size]


def cache_nodes(environment: Environment, override: int | None = None) -> int:
    """Primary + replicas: 2 in prod (a failover target in a second AZ), 1 elsewhere (cheapest)."""
    if override is not None:
        return override
    return 2 if environment == "prod" else 1


def cache_high_availability(nodes: int) -> bool:
    """Automatic failover and multi-AZ need a replica to fail over to."""
    return nodes >= 2


def db_multi_az(environment: Environment, override: bool | None = None) -> bool:
    """A synchronous standby in production; dev and staging save half the instance cost."""
    return (environment == "prod") if override is None else override


def nat_gateway_count(environment: Environment, availability_zones: int, per_az: bool | None = None) -> int:
    """One NAT per AZ in production (an AZ outage leaves the others online), one shared elsewhere (~$33/month each)."""
    per_az = (environment == "prod") if per_az is None else per_az
    return availability_zones if per_az else 1


def db_engine_version(engine: DbEngine, override: str | None = None) -> str:
    return override or DB_ENGINE_VERSIONS[engine]


def db_parameter_family(engine: DbEngine, version: str) -> str:
    """The parameter-group family of a major version: postgres16, mysql8.0 (postgres 16.3 → postgres16)."""
    major = version.split(".")[0] if engine == "postgres" else ".".join(version.split(".")[:2])
    return f"{engine}{major}"


def performance_insights_supported(engine: DbEngine, instance_class: str) -> bool:
    """Whether RDS accepts `performance_insights_enabled=True` for this engine and class."""
    return instance_class not in PERFORMANCE_INSIGHTS_UNSUPPORTED.get(engine, frozenset())


def replica_identifiers(primary: str, replicas: int) -> list[str]:
    """Stable names for read replicas: adding one never renames (and so never replaces) the others."""
    return [f"{primary}-replica-{i}" for i in range(1, replicas + 1)]


def subnet_cidrs(vpc_cidr: str, availability_zones: int) -> tuple[list[str], list[str]]:
    """(public, private) subnet blocks: the VPC split in 8; public take the first AZ slots, private the upper half.

    The upper half is reserved for private subnets so that adding an AZ later never moves an existing subnet.
    """
    network = ipaddress.ip_network(vpc_cidr)
    blocks = list(network.subnets(new_prefix=network.prefixlen + 3))
    if not 1 <= availability_zones <= 4:
        raise ValueError("availability_zones must be between 1 and 4")
    public = [str(b) for b in blocks[:availability_zones]]
    private = [str(b) for b in blocks[4:4 + availability_zones]]
    return public, private


def production_protection(environment: Environment) -> bool:
    """`protect=True` and deletion protection for stateful resources in production."""
    return environment == "prod"

"""Sizing decisions as tables of cases: presets, HA per environment, replica names, subnet layout."""

import pytest

from components import sizing


@pytest.mark.parametrize(("size", "cache", "db", "ec2"), [
    ("small", "cache.t4g.small", "db.t4g.small", "t4g.small"),
    ("medium", "cache.t4g.medium", "db.t4g.medium", "t4g.medium"),
    ("large", "cache.m7g.large", "db.m7g.large", "m7g.large"),
])
def test_size_presets(size, cache, db, ec2):
    assert sizing.cache_node_type(size) == cache
    assert sizing.db_instance_class(size) == db
    assert sizing.ec2_instance_type(size) == ec2


def test_an_explicit_class_beats_the_preset():
    assert sizing.cache_node_type("small", "cache.r7g.large") == "cache.r7g.large"
    assert sizing.db_instance_class("large", "db.t4g.micro") == "db.t4g.micro"
    assert sizing.ec2_instance_type("small", "c7g.large") == "c7g.large"


@pytest.mark.parametrize(("environment", "override", "nodes", "ha"), [
    ("prod", None, 2, True),
    ("staging", None, 1, False),
    ("dev", None, 1, False),
    ("dev", 3, 3, True),
    ("prod", 1, 1, False),
])
def test_cache_nodes_and_failover(environment, override, nodes, ha):
    assert sizing.cache_nodes(environment, override) == nodes
    assert sizing.cache_high_availability(nodes) is ha


@pytest.mark.parametrize(("environment", "override", "expected"), [
    ("prod", None, True), ("staging", None, False), ("dev", None, False), ("dev", True, True), ("prod", False, False),
])
def test_db_multi_az(environment, override, expected):
    assert sizing.db_multi_az(environment, override) is expected


@pytest.mark.parametrize(("environment", "azs", "per_az", "expected"), [
    ("prod", 3, None, 3), ("prod", 2, None, 2), ("dev", 3, None, 1), ("staging", 2, None, 1),
    ("dev", 3, True, 3), ("prod", 3, False, 1),
])
def test_nat_gateway_count(environment, azs, per_az, expected):
    assert sizing.nat_gateway_count(environment, azs, per_az) == expected


@pytest.mark.parametrize(("engine", "version", "expected_version", "family"), [
    ("postgres", None, "16", "postgres16"),
    ("postgres", "16.4", "16.4", "postgres16"),
    ("postgres", "15", "15", "postgres15"),
    ("mysql", None, "8.0", "mysql8.0"),
    ("mysql", "8.0.39", "8.0.39", "mysql8.0"),
    ("mysql", "8.4", "8.4", "mysql8.4"),
])
def test_engine_version_and_parameter_family(engine, version, expected_version, family):
    resolved = sizing.db_engine_version(engine, version)
    assert resolved == expected_version
    assert sizing.db_parameter_family(engine, resolved) == family


@pytest.mark.parametrize(("replicas", "expected"), [
    (0, []), (1, ["db-replica-1"]), (3, ["db-replica-1", "db-replica-2", "db-replica-3"]),
])
def test_replica_identifiers_are_stable_prefixes(replicas, expected):
    assert sizing.replica_identifiers("db", replicas) == expected
    # adding a replica keeps every existing name (no replacement)
    assert sizing.replica_identifiers("db", replicas + 1)[:replicas] == expected


@pytest.mark.parametrize(("cidr", "azs", "public", "private"), [
    ("10.40.0.0/16", 2, ["10.40.0.0/19", "10.40.32.0/19"], ["10.40.128.0/19", "10.40.160.0/19"]),
    ("10.40.0.0/16", 3, ["10.40.0.0/19", "10.40.32.0/19", "10.40.64.0/19"],
     ["10.40.128.0/19", "10.40.160.0/19", "10.40.192.0/19"]),
    ("192.168.1.0/24", 2, ["192.168.1.0/27", "192.168.1.32/27"], ["192.168.1.128/27", "192.168.1.160/27"]),
])
def test_subnet_layout(cidr, azs, public, private):
    assert sizing.subnet_cidrs(cidr, azs) == (public, private)


def test_adding_an_az_never_moves_existing_subnets():
    two, three = sizing.subnet_cidrs("10.0.0.0/16", 2), sizing.subnet_cidrs("10.0.0.0/16", 3)
    assert three[0][:2] == two[0] and three[1][:2] == two[1]


def test_subnet_layout_rejects_too_many_azs():
    with pytest.raises(ValueError, match="availability_zones"):
        sizing.subnet_cidrs("10.0.0.0/16", 5)


@pytest.mark.parametrize(("environment", "expected"), [("prod", True), ("staging", False), ("dev", False)])
def test_production_protection(environment, expected):
    assert sizing.production_protection(environment) is expected


def test_tls_parameters_and_log_exports_per_engine():
    assert sizing.DB_TLS_PARAMETERS == {"postgres": ("rds.force_ssl", "1"), "mysql": ("require_secure_transport", "1")}
    assert sizing.DB_LOG_EXPORTS["postgres"] == ["postgresql", "upgrade"]
    assert sizing.DB_PORTS == {"postgres": 5432, "mysql": 3306}


@pytest.mark.parametrize(("engine", "instance_class", "supported"), [
    ("postgres", "db.t4g.small", True), ("postgres", "db.t4g.micro", True), ("mysql", "db.t4g.small", False),
    ("mysql", "db.t3.micro", False), ("mysql", "db.t4g.medium", True), ("mysql", "db.m7g.large", True)])
def test_performance_insights_support_follows_rds(engine, instance_class, supported):
    assert sizing.performance_insights_supported(engine, instance_class) is supported

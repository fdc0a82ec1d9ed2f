"""Consistency per flow: strong → primary, FIFO, no cache; eventual → replicas, cache TTL, standard queue."""

import pytest

from phases.config import ConfigError, FlowConfig, QueueConfig, parse_config
from phases.flows import Endpoints, FlowPlan, flow_environment, flow_plan

QUEUES = [QueueConfig(name="orders", consistency="strong"), QueueConfig(name="email")]
ENDPOINTS = Endpoints(writer_host="db-writer", reader_host="db-reader", database_port="5432",
                      database_secret_arn="arn:aws:secretsmanager:x:1:secret:db", cache_host="cache", cache_port="6379",
                      cache_user="app", queue_urls={"orders": "https://sqs/orders.fifo", "email": "https://sqs/email"},
                      queue_producer_roles={"orders": "arn:role/orders-producer"})


@pytest.mark.parametrize("flow, replicas, expected", [
    (FlowConfig(name="checkout", consistency="strong", queue="orders"), 1,
     FlowPlan("checkout", "strong", "primary", None, "orders", True)),
    (FlowConfig(name="catalog", consistency="eventual", cache_ttl_seconds=60), 2,
     FlowPlan("catalog", "eventual", "replicas", 60, None, None)),
    (FlowConfig(name="catalog", consistency="eventual"), 0,
     FlowPlan("catalog", "eventual", "primary", 300, None, None)),
    (FlowConfig(name="newsletter", consistency="eventual", queue="email"), 1,
     FlowPlan("newsletter", "eventual", "replicas", 300, "email", False)),
])
def test_flow_plan(flow, replicas, expected):
    assert flow_plan(flow, QUEUES, replicas) == expected


def test_strong_flow_environment_reads_primary_and_never_caches():
    env = flow_environment(FlowPlan("checkout", "strong", "primary", None, "orders", True), ENDPOINTS)
    assert env["DATABASE_READ_HOST"] == "db-writer" and env["DATABASE_READ_FROM"] == "primary"
    assert env["CACHE_ENABLED"] == "false" and "CACHE_HOST" not in env and "CACHE_TTL_SECONDS" not in env
    assert env["QUEUE_URL"] == "https://sqs/orders.fifo" and env["QUEUE_FIFO"] == "true"
    assert env["QUEUE_PRODUCER_ROLE_ARN"] == "arn:role/orders-producer"
    assert env["DATABASE_SECRET_ARN"].startswith("arn:aws:secretsmanager:")


def test_eventual_flow_environment_reads_replicas_with_cache_ttl():
    env = flow_environment(FlowPlan("catalog", "eventual", "replicas", 120, "email", False), ENDPOINTS)
    assert env["DATABASE_READ_HOST"] == "db-reader" and env["DATABASE_WRITE_HOST"] == "db-writer"
    assert env["CACHE_TTL_SECONDS"] == "120" and env["CACHE_HOST"] == "cache" and env["CACHE_AUTH"] == "iam"
    assert env["QUEUE_FIFO"] == "false"


def test_before_the_database_exists_there_are_no_database_settings():
    env = flow_environment(FlowPlan("catalog", "eventual", "replicas", 120, None, None), Endpoints())
    assert env == {"FLOW_NAME": "catalog", "FLOW_CONSISTENCY": "eventual"}


BASE = {"site": {"domain": "shop.example.vn", "origin": "origin.shop.example.vn"}}


@pytest.mark.parametrize("extra, message", [
    ({"queues": [{"name": "email"}], "flows": [{"name": "checkout", "consistency": "strong", "queue": "email"}]},
     "sme-rollout: flows: checkout: a strong flow needs a FIFO queue, but queue 'email' is eventual"),
    ({"flows": [{"name": "checkout", "consistency": "strong", "queue": "orders"}]},
     "sme-rollout: flows: checkout: queue 'orders' is not one of queues: none"),
    ({"services": [{"name": "web"}, {"name": "api"}]},
     "sme-rollout: services: only one service may route '/*' (the default), not web, api"),
    ({"services": [{"name": "api", "pathPatterns": ["api/*"]}]},
     "sme-rollout:services.0.pathPatterns: 'api/*' is not an ALB path pattern (e.g. /api/*)"),
])
def test_bad_flow_and_service_config_is_one_clear_line(extra, message):
    with pytest.raises(ConfigError) as error:
        parse_config({**BASE, **extra})
    assert any(p.startswith(message) for p in error.value.problems), error.value.problems

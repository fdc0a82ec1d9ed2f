"""Consistency per business flow (the seed's CAP advice as typed config), decided by pure functions.

A strong flow (CP: checkout, payment, orders) reads and writes the primary, uses a FIFO queue with deduplication
and is never cached. An eventual flow (AP: catalog, views) reads the replicas (the primary when there are none),
is cached with a TTL and uses a standard queue. `flow_plan` decides; `flow_environment` turns the decision and the
stack's endpoints into the environment variables an application reads (secrets only as ARNs, never values).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from phases.config import FlowConfig, QueueConfig


@dataclass(frozen=True)
class FlowPlan:
    flow: str
    consistency: Literal["strong", "eventual"]
    read_from: Literal["primary", "replicas"]
    cache_ttl_seconds: int | None
    queue: str | None
    queue_fifo: bool | None


def flow_plan(flow: FlowConfig, queues: list[QueueConfig], replicas: int) -> FlowPlan:
    """Where the flow reads, whether and how long it caches, and which queue it uses (and its kind)."""
    strong = flow.consistency == "strong"
    queue = next((q for q in queues if q.name == flow.queue), None)
    return FlowPlan(
        flow=flow.name,
        consistency=flow.consistency,
        read_from="primary" if strong or replicas == 0 else "replicas",
        cache_ttl_seconds=None if strong else flow.cache_ttl_seconds,
        queue=queue.name if queue else None,
        queue_fifo=None if queue is None else queue.consistency == "strong",
    )


@dataclass(frozen=True)
class Endpoints:
    """What the stack has built, as values or Outputs (None where the phase has not built it yet)."""

    writer_host: Any = None
    reader_host: Any = None
    database_port: Any = None
    database_name: Any = None
    database_secret_arn: Any = None
    cache_host: Any = None
    cache_port: Any = None
    cache_secret_arn: Any = None
    cache_user: Any = None
    """An IAM-authenticated cache user (no password: the app signs in with its role)."""
    queue_urls: Mapping[str, Any] | None = None
    queue_producer_roles: Mapping[str, Any] | None = None


def flow_environment(plan: FlowPlan, endpoints: Endpoints) -> dict[str, Any]:
    """The environment variables of one flow. Keys are stable; values may be Outputs."""
    env: dict[str, Any] = {"FLOW_NAME": plan.flow, "FLOW_CONSISTENCY": plan.consistency}
    if endpoints.writer_host is not None:
        use_replicas = plan.read_from == "replicas" and endpoints.reader_host is not None
        env.update({"DATABASE_WRITE_HOST": endpoints.writer_host,
                    "DATABASE_READ_HOST": endpoints.reader_host if use_replicas else endpoints.writer_host,
                    "DATABASE_READ_FROM": "replicas" if use_replicas else "primary"})
        if endpoints.database_port is not None:
            env["DATABASE_PORT"] = endpoints.database_port
        if endpoints.database_name is not None:
            env["DATABASE_NAME"] = endpoints.database_name
        if endpoints.database_secret_arn is not None:
            env["DATABASE_SECRET_ARN"] = endpoints.database_secret_arn
    if endpoints.cache_host is not None:
        env["CACHE_ENABLED"] = "false" if plan.cache_ttl_seconds is None else "true"
        if plan.cache_ttl_seconds is not None:
            env.update({"CACHE_HOST": endpoints.cache_host, "CACHE_TTL_SECONDS": str(plan.cache_ttl_seconds)})
            if endpoints.cache_port is not None:
                env["CACHE_PORT"] = endpoints.cache_port
            if endpoints.cache_secret_arn is not None:
                env["CACHE_AUTH_SECRET_ARN"] = endpoints.cache_secret_arn
            if endpoints.cache_user is not None:
                env.update({"CACHE_USER": endpoints.cache_user, "CACHE_AUTH": "iam"})
    if plan.queue is not None and endpoints.queue_urls and plan.queue in endpoints.queue_urls:
        env.update({"QUEUE_URL": endpoints.queue_urls[plan.queue], "QUEUE_FIFO": str(bool(plan.queue_fifo)).lower()})
        if endpoints.queue_producer_roles and plan.queue in endpoints.queue_producer_roles:
            env["QUEUE_PRODUCER_ROLE_ARN"] = endpoints.queue_producer_roles[plan.queue]
    return env


def first_attribute(component: Any, *names: str) -> Any:
    """The first of `names` that the component exposes (None if it has none): components of other phases are read
    through their documented output attributes, and this keeps the wiring in one place."""
    for name in names:
        value = getattr(component, name, None)
        if value is not None:
            return value
    return None

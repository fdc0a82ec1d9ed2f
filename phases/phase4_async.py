"""Phase 4: Async — slow work leaves the request path for queues; data stores get AWS Backup; flows get their
consistency-specific connection settings."""

from __future__ import annotations

from typing import Any

import pulumi

from components.backup import Backup, BackupArgs
from components.event_stream import EventStream, EventStreamArgs
from components.queue import Queue, QueueArgs
from phases import hosting
from phases.flows import Endpoints, first_attribute, flow_environment, flow_plan

NUMBER = 4
TITLE = "Async"
GOAL = ("Move slow work (email, reports, image processing, orders) off the request path onto queues with "
        "dead-letter queues; FIFO for strongly consistent flows; back up every data store.")
KPIS: tuple[str, ...] = ("request latency p95", "queue lag (oldest message age)", "DLQ depth", "RPO ≤ 24 h")
ADDS: tuple[str, ...] = (
    "SQS queue + DLQ per workload (SSE, TLS-only policy, redrive), FIFO with deduplication for strong workloads",
    "least-privilege producer and consumer IAM roles per queue",
    "optional Kinesis Data Firehose event stream into a private, encrypted, partitioned S3 data bucket",
    "AWS Backup vault (KMS), daily + monthly plan, selection of the database and data buckets",
    "per-flow connection settings (writer/reader endpoint, cache TTL, queue URL) as stack outputs",
)


def build(ctx: Any) -> None:
    config = ctx.config
    queues_phase = hosting.service_phase(config.app, "queues")
    trusted = app_role_arns(ctx)
    queues = {q.name: Queue(q.name, QueueArgs(consistency=q.consistency,
                                              visibility_timeout_seconds=q.visibility_timeout_seconds,
                                              retention_days=q.retention_days,
                                              max_receive_count=q.max_receive_count,
                                              trusted_role_arns=trusted), ctx.opts(queues_phase))
              for q in config.queues} if ctx.up_to >= queues_phase else {}
    ctx.components["queues"] = queues
    baseline = ctx.components.get("baseline")
    if config.event_stream.enabled:
        ctx.components["event_stream"] = EventStream("events", EventStreamArgs(
            buffer_seconds=config.event_stream.buffer_seconds,
            log_retention_days=config.observability.log_retention_days,
            access_log_bucket=first_attribute(baseline, "log_bucket_name")), ctx.opts(NUMBER))
    ctx.components["backup"] = Backup("backup", BackupArgs(
        resource_arns=data_store_arns(ctx.components),
        daily_retention_days=config.backup.daily_retention_days,
        monthly_retention_days=config.backup.monthly_retention_days,
        copy_provider=ctx.region_provider(config.backup.copy_to_region) if config.backup.copy_to_region else None,
        production=config.production), ctx.opts(NUMBER))


def app_role_arns(ctx: Any) -> list[Any]:
    """The roles the app runs as at this phase: one per web tier service once it runs there, and the current
    server's own role when it is an EC2 instance of this account. Only they may assume the queue roles."""
    import pulumi_aws as aws

    from components.web_tier import app_role_name

    config = ctx.config
    names = []
    if ctx.up_to >= config.app.moves_at:
        names += [app_role_name(pulumi.get_stack(), s.name) for s in config.services]
    if hosting.peering_built(config.app, ctx.up_to) and config.app.instance_role_name:
        names.append(config.app.instance_role_name)
    if not names:
        return []
    account = aws.get_caller_identity_output().account_id
    return [account.apply(lambda a, n=n: f"arn:aws:iam::{a}:role/{n}") for n in names]


def finish(ctx: Any) -> None:
    queues = ctx.components.get("queues", {})
    ctx.outputs["queues"] = {name: q.queue_url for name, q in queues.items()}
    ctx.outputs["flows"] = flows_output(ctx)


def data_store_arns(components: dict[str, Any]) -> list[Any]:
    """The database primary and every bucket holding data (not logs): what AWS Backup must cover."""
    arns = []
    database = components.get("database")
    if database is not None:
        primary = first_attribute(database, "primary")
        arns.append(first_attribute(database, "primary_arn") or first_attribute(primary, "arn"))
    uploads = components.get("uploads")
    if uploads is not None:
        arns.append(uploads.bucket_arn)
    static_site = components.get("static_site")
    if static_site is not None:
        arns.append(first_attribute(static_site, "bucket_arn") or first_attribute(
            first_attribute(static_site, "bucket"), "arn"))
    event_stream = components.get("event_stream")
    if event_stream is not None:
        arns.append(event_stream.bucket_arn)
    return [arn for arn in arns if arn is not None]


def endpoints(components: dict[str, Any]) -> Endpoints:
    """The endpoints flows connect to, read from the components of phases 2–4 (None where not built)."""
    database = components.get("database")
    cache = components.get("cache")
    queues = components.get("queues", {})
    reader = first_attribute(database, "reader_endpoint", "reader_address", "reader_host")
    if reader is None:
        replicas = first_attribute(database, "reader_endpoints", "replica_endpoints") or []
        reader = replicas[0] if replicas else None
    return Endpoints(
        writer_host=first_attribute(database, "writer_endpoint", "address", "writer_address", "endpoint"),
        reader_host=reader,
        database_port=_text(first_attribute(database, "port")),
        database_name=first_attribute(database, "db_name", "database_name"),
        database_secret_arn=first_attribute(database, "secret_arn", "master_user_secret_arn"),
        cache_host=first_attribute(cache, "primary_endpoint", "primary_endpoint_address", "endpoint", "address"),
        cache_port=_text(first_attribute(cache, "port")),
        cache_secret_arn=first_attribute(cache, "auth_token_secret_arn", "secret_arn"),
        cache_user=first_attribute(cache, "user_name"),
        queue_urls={name: q.queue_url for name, q in queues.items()},
        queue_producer_roles={name: q.producer_role.arn for name, q in queues.items()},
    )


def _text(value: Any) -> Any:
    if value is None:
        return None
    return pulumi.Output.from_input(value).apply(str)


def flows_output(ctx: Any) -> dict[str, dict[str, Any]]:
    config = ctx.config
    found = endpoints(ctx.components)
    return {flow.name: flow_environment(flow_plan(flow, config.queues, config.database.replicas), found)
            for flow in config.flows}

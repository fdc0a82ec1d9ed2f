"""Phase 5: Observability — see what the system does (metrics, logs, dashboards) and be told when an SLO breaks."""

from __future__ import annotations

from typing import Any

import pulumi

from components.observability import (
    Dashboards,
    DashboardsArgs,
    GrafanaSaml,
    Observability,
    ObservabilityArgs,
    Watched,
    slo_signals,
)
from components.sizing import cache_nodes
from phases.flows import first_attribute

NUMBER = 5
TITLE = "Observability"
GOAL = ("Measure what users feel (p95 latency, errors) and what the system does (queue lag, replica lag, cache "
        "hits), alert on SLO breaches, and keep dashboards as code.")
KPIS: tuple[str, ...] = ("MTTR", "p95 latency visible per component", "alerts before users complain")
ADDS: tuple[str, ...] = (
    "Amazon Managed Service for Prometheus workspace (KMS, logging)",
    "Amazon Managed Grafana workspace (SSO/SAML, service-managed, network access control, least-privilege role)",
    "Grafana sign-in: IAM Identity Center admins/editors by role, or the SAML IdP's role mapping",
    "Prometheus remote-write URL and a least-privilege aps:RemoteWrite policy for the collector's role",
    "CloudWatch log groups with retention and KMS",
    "SLO alarms (p95 latency, 5xx and error rate, queue age, DLQ depth, replica lag, DB CPU, cache hit ratio, "
    "evictions) on the alert topic, only for components that exist",
    "CloudWatch dashboard, Grafana data sources, dashboard, contact point and alert rules (pulumiverse-grafana)",
)


def build(ctx: Any) -> None:
    config = ctx.config
    network = ctx.components["network"]
    ctx.components["observability"] = Observability("observability", ObservabilityArgs(
        alert_topic_arn=ctx.components["baseline"].alert_topic_arn,
        vpc_id=network.vpc_id, subnet_ids=network.private_subnet_ids, vpc_cidr=config.network.cidr,
        allowed_cidrs=config.observability.grafana_allowed_cidrs,
        grafana_auth=config.observability.grafana_auth,
        alert_topic_key_arn=ctx.components["baseline"].key_arn,
        admin_user_ids=config.observability.grafana_admin_users,
        admin_group_ids=config.observability.grafana_admin_groups,
        editor_user_ids=config.observability.grafana_editor_users,
        editor_group_ids=config.observability.grafana_editor_groups,
        saml=GrafanaSaml(**config.observability.grafana_saml.model_dump()) if config.observability.grafana_saml else None,
        provisioning=config.observability.grafana_provisioning,
        log_retention_days=config.observability.log_retention_days,
        signals=slo_signals(watched(ctx, up_to=NUMBER), config.observability.slo)), ctx.opts(NUMBER))


def finish(ctx: Any) -> None:
    """Dashboards last: they show every component of phases 1..N, the web tier of phase 6 included."""
    observability = ctx.components["observability"]
    signals = slo_signals(watched(ctx, up_to=ctx.up_to), ctx.config.observability.slo)
    ctx.components["dashboards"] = Dashboards("slo", DashboardsArgs(
        signals=signals, grafana_provider=observability.grafana_provider, folder_uid=observability.folder_uid),
        ctx.opts(NUMBER))
    ctx.outputs["grafanaUrl"] = pulumi.Output.concat("https://", observability.grafana_endpoint)
    ctx.outputs["prometheusEndpoint"] = observability.prometheus_endpoint
    ctx.outputs["prometheusRemoteWriteUrl"] = observability.prometheus_remote_write_url
    ctx.outputs["prometheusRemoteWritePolicyArn"] = observability.remote_write_policy_arn
    ctx.outputs["dashboard"] = ctx.components["dashboards"].dashboard_name


def watched(ctx: Any, up_to: int) -> Watched:
    """What the SLO signals watch: the components of phases ≤ up_to, as CloudWatch dimension values."""
    components = ctx.components
    config = ctx.config
    web_tier = components.get("web_tier") if up_to >= config.app.moves_at else None
    cdn = components.get("cdn")
    database = components.get("database")
    cache = components.get("cache")
    return Watched(
        load_balancer=web_tier.alb_arn_suffix if web_tier is not None else None,
        target_groups=dict(web_tier.target_group_arn_suffixes) if web_tier is not None else {},
        distribution_id=_distribution_id(cdn) if config.cdn is not None and config.cdn.provider == "cloudfront" else None,
        queues={name: (q.queue_name, q.dead_letter_queue_name) for name, q in components.get("queues", {}).items()},
        database=_database_identifier(database),
        replicas=tuple(_replica_identifiers(database)),
        cache_nodes=tuple(_cache_node_ids(cache, config)),
    )


def _distribution_id(cdn: Any) -> Any:
    return first_attribute(cdn, "distribution_id") or first_attribute(first_attribute(cdn, "distribution"), "id")


def _database_identifier(database: Any) -> Any:
    if database is None:
        return None
    return first_attribute(database, "primary_identifier", "identifier") or \
        first_attribute(first_attribute(database, "primary"), "identifier")


def _replica_identifiers(database: Any) -> list[Any]:
    if database is None:
        return []
    replicas = first_attribute(database, "replica_identifiers")
    if replicas is None:
        replicas = [first_attribute(r, "identifier") for r in first_attribute(database, "replicas") or []]
    return [r for r in replicas if r is not None]


def _cache_node_ids(cache: Any, config: Any) -> list[Any]:
    """ElastiCache names the nodes of a replication group `<group id>-001`, `-002`, ..."""
    if cache is None:
        return []
    ids = first_attribute(cache, "node_ids", "member_cluster_ids")
    if ids is not None:
        return list(ids)
    group_id = first_attribute(cache, "replication_group_id") or first_attribute(
        first_attribute(cache, "replication_group"), "replication_group_id", "id")
    if group_id is None:
        return []
    count = cache_nodes(config.environment, config.cache.nodes)
    return [pulumi.Output.from_input(group_id).apply(lambda gid, n=n: f"{gid}-{n:03d}") for n in range(1, count + 1)]

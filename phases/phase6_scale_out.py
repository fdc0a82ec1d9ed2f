"""Phase 6: Scale out — the application moves from the one server onto autoscaling groups behind a load balancer;
the CDN's origin moves to the load balancer (wired by the CDN's own phase from `web_tier.alb_dns_name`)."""

from __future__ import annotations

from typing import Any

from components.observability import SloAlarms, SloAlarmsArgs, Watched, slo_signals
from components.sizing import ec2_instance_type
from components.web_tier import ServiceSpec, WebTier, WebTierArgs
from phases.flows import first_attribute

NUMBER = 6
TITLE = "Scale out"
GOAL = ("Serve the hot services from private autoscaling groups behind an HTTPS-only load balancer with WAF, "
        "deploy with rolling, auto-rolled-back instance refreshes, and scale on CPU and requests.")
KPIS: tuple[str, ...] = ("uptime", "cost per request", "deploys without downtime")
ADDS: tuple[str, ...] = (
    "internet-facing ALB: HTTP→HTTPS redirect, TLS 1.3/1.2, drop invalid headers, deletion protection, access logs, "
    "regional WAFv2 (managed rules + rate limit), path-based routing per service",
    "per service: launch template (IMDSv2, encrypted EBS, no public IP), autoscaling group in private subnets with "
    "ELB health checks, target tracking (CPU, requests per target), rolling instance refresh with auto-rollback, "
    "capacity rebalance, optional spot share",
    "per service: ECR repository (scan on push, immutable tags, lifecycle), boot script running the pinned image "
    "with its environment from SSM, canary alarms watched by the instance refresh",
    "one least-privilege instance role per service (SSM, its environment and image, its log group, IAM database "
    "auth as the app user, the uploads bucket, workload roles)",
    "ALB SLO alarms (p95, 5xx rate, error rate, unhealthy targets)",
    "the CDN's origin moves from the old server to the ALB",
)


def build(ctx: Any) -> None:
    """Nothing of its own: the web tier is built by `build_web_tier` (from `app.webTierPhase`, after every phase
    has built); phase 6 scales it out in `finish`."""


def build_web_tier(ctx: Any, number: int) -> None:
    """The web tier, parented to the phase the app moves in (`app.webTierPhase`): a fixed-size group before
    phase 6, the configured sizes from phase 6."""
    config = ctx.config
    network = ctx.components["network"]
    baseline = ctx.components["baseline"]
    components = ctx.components
    observability = components.get("observability")
    uploads = components.get("uploads")
    database = components.get("database")
    web_tier = WebTier(
        "web",
        WebTierArgs(
            vpc_id=network.vpc_id,
            public_subnet_ids=network.public_subnet_ids,
            private_subnet_ids=network.private_subnet_ids,
            services=services(config),
            domain=config.site.domain,
            access_log_bucket=baseline.log_bucket_name,
            rate_limit_per_5_minutes=config.cdn.rate_limit_per_minute * 5 if config.cdn else 3000,
            extra_security_group_ids=[s for s in [first_attribute(network, "app_security_group_id")] if s is not None],
            secret_arns=secret_arns(components),
            assumable_role_arns=workload_role_arns(components),
            extra_policy_arns=[
                a for a in [first_attribute(components.get("cache"), "connect_policy_arn")] if a is not None
            ],
            log_group_arn=first_attribute(observability, "app_log_group_arn"),
            log_group_name=first_attribute(observability, "app_log_group_name"),
            region=config.region,
            fixed_size=ctx.up_to < NUMBER,
            app_env=app_environment(ctx),
            database_resource_id=first_attribute(database, "resource_id"),
            uploads_bucket_arn=first_attribute(uploads, "bucket_arn"),
            uploads_key_arn=first_attribute(uploads, "key_arn"),
            alert_topic_arn=baseline.alert_topic_arn,
            canary_p95_ms=config.observability.slo.p95_latency_ms,
            canary_5xx_percent=config.observability.slo.five_xx_rate_percent,
        ),
        ctx.opts(number),
    )
    ctx.components["web_tier"] = web_tier
    signals = slo_signals(
        Watched(load_balancer=web_tier.alb_arn_suffix, target_groups=dict(web_tier.target_group_arn_suffixes)),
        config.observability.slo,
    )
    ctx.components["web_tier_alarms"] = SloAlarms(
        "web-slo", SloAlarmsArgs(alert_topic_arn=baseline.alert_topic_arn, signals=signals), ctx.opts(number)
    )
    ctx.outputs["albDnsName"] = web_tier.alb_dns_name
    ctx.outputs["imageRepositories"] = {n: r.repository_url for n, r in web_tier.repositories.items()}
    ctx.outputs["appRoleArns"] = web_tier.role_arns


def finish(ctx: Any) -> None:
    """Scale out: target tracking on every group of the web tier."""
    web_tier = ctx.components.get("web_tier")
    if web_tier is not None:
        ctx.components["web_tier_scaling"] = web_tier.create_scaling(ctx.opts(NUMBER))


def app_environment(ctx: Any) -> dict[str, Any]:
    """What every service reads at boot (plain values): the cache for sessions and responses (IAM auth), the
    database through its own IAM user, the uploads bucket, the queues and their producer roles, and every flow's
    connection settings as JSON (the same as `rollout env`)."""
    import json

    import pulumi

    from phases.phase4_async import endpoints, flows_output

    found = endpoints(ctx.components)
    env: dict[str, Any] = {}
    if found.cache_host is not None:
        env.update(
            {
                "CACHE_HOST": found.cache_host,
                "CACHE_PORT": found.cache_port or "6379",
                "CACHE_TLS": "true",
                "CACHE_AUTH": "iam",
                "SESSION_STORE": "cache",
            }
        )
        if found.cache_user is not None:
            env["CACHE_USER"] = found.cache_user
    if found.writer_host is not None:
        env.update(
            {
                "DATABASE_WRITE_HOST": found.writer_host,
                "DATABASE_READ_HOST": found.reader_host or found.writer_host,
                "DATABASE_PORT": found.database_port or "5432",
                "DATABASE_USER": "app",
                "DATABASE_AUTH": "iam",
                "DATABASE_SSLMODE": "verify-full",
            }
        )
    uploads = ctx.components.get("uploads")
    if uploads is not None:
        env["UPLOADS_BUCKET"] = uploads.bucket_name
    for name, url in (found.queue_urls or {}).items():
        key = name.upper().replace("-", "_")
        env[f"QUEUE_{key}_URL"] = url
        env[f"QUEUE_{key}_PRODUCER_ROLE_ARN"] = (found.queue_producer_roles or {})[name]
    flows = flows_output(ctx)
    if flows:
        env["FLOWS_JSON"] = pulumi.Output.from_input(flows).apply(lambda f: json.dumps(f, sort_keys=True))
    return env


def services(config: Any) -> list[ServiceSpec]:
    """The stack config's services with the size preset's instance type filled in."""
    return [
        ServiceSpec(
            name=s.name,
            path_patterns=s.path_patterns,
            instance_type=ec2_instance_type(config.size, s.instance_type),
            min_size=s.min_size,
            max_size=s.max_size,
            desired_capacity=s.desired_capacity,
            port=s.port,
            health_check_path=s.health_check_path,
            spot_percent=s.spot_percent,
            image_id=s.image_id,
            image=s.image,
            user_data=read_user_data(s.user_data_file),
        )
        for s in config.services
    ]


def read_user_data(path: str | None) -> str | None:
    """AMI mode: the boot script file, relative to the program directory (where Pulumi runs the program)."""
    if path is None:
        return None
    from pathlib import Path

    file = Path(path)
    try:
        return file.read_text()
    except OSError as error:
        raise ValueError(f"services: userDataFile {path!r}: {error.strerror}") from None


def secret_arns(components: dict[str, Any]) -> list[Any]:
    """Secrets the app itself reads. The database's master secret is not one: the app signs in as its own IAM
    database user, the master password is for admins (and `rollout drill`)."""
    found = [first_attribute(components.get("cache"), "auth_token_secret_arn")]
    return [arn for arn in found if arn is not None]


def workload_role_arns(components: dict[str, Any]) -> list[Any]:
    """The app assumes the queue producer/consumer roles (and the event producer role) instead of holding their
    permissions itself."""
    arns = []
    for queue in components.get("queues", {}).values():
        arns += [queue.producer_role.arn, queue.consumer_role.arn]
    if components.get("event_stream") is not None:
        arns.append(components["event_stream"].producer_role.arn)
    return arns

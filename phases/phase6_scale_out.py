"""Phase 6: Scale out — autoscaling groups behind a load balancer, ready to take the site over.

Raising the phase to 6 builds the load balancer and its services; the CDN keeps sending visitors to the old server
until the originToLoadBalancer switch (`sme-rollout:switches.originToLoadBalancer`), whose gate is every target
healthy (`rollout gate --switch originToLoadBalancer`). The HTTPS listener is created in `finish`, on a certificate
that is validated by then: an issued ARN from `loadBalancer.certificateArn`, or the stack's certificate validated by
a DNS record in the zone the stack manages (the Route 53 zone of `cdn.route53ZoneId`, or the Cloudflare zone).
"""

from __future__ import annotations

from typing import Any

from components.observability import SloAlarms, SloAlarmsArgs, Watched, slo_signals
from components.sizing import ec2_instance_type
from components.web_tier import ServiceSpec, WebTier, WebTierArgs
from phases.flows import first_attribute

NUMBER = 6
TITLE = "Scale out"
GOAL = (
    "Serve the hot services from private autoscaling groups behind an HTTPS-only load balancer with WAF, "
    "deploy with rolling, auto-rolled-back instance refreshes, and scale on CPU and requests."
)
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
    "the VPC's NAT gateways (one shared, one per AZ in prod) and the private subnets' default route, when no earlier "
    "phase needed them: the instances boot from the internet (packages, image, SSM, Secrets Manager, logs)",
    "HTTPS listener on a DNS-validated certificate (Route 53 or Cloudflare record + CertificateValidation)",
    "the CDN can reach the ALB (origin switch off until its gate passes: switches.originToLoadBalancer)",
)


def manual_steps(config: Any) -> tuple[str, ...]:
    """The originToLoadBalancer switch, and closing the old server afterwards."""
    cdn = config.cdn.provider if config.cdn else "cloudfront"
    steps = []
    if (
        not config.load_balancer.certificate_arn
        and cdn == "cloudfront"
        and not (config.cdn and config.cdn.route53_zone_id)
    ):
        steps.append(
            "Before `pulumi up`: request an ACM certificate for the domain in the stack's region, create its "
            "validation CNAME, wait for ISSUED and set loadBalancer.certificateArn."
        )
    steps += [
        "After `pulumi up`: deploy the application to the instances and wait for the targets to pass their health "
        "checks; `rollout gate --stack <stack> --switch originToLoadBalancer --load-balancer <its name>` must hold.",
        "Then set sme-rollout:switches.originToLoadBalancer: true and `pulumi up`: the CDN sends the site to the "
        "load balancer. Rollback: set it false ("
        + (
            "the old server stays the distribution's other origin; CloudFront cannot fail over a behavior that "
            "accepts POST, so watch the 5xx alarm for the first hour"
            if cdn == "cloudfront"
            else "the site record points back at the old server"
        )
        + ").",
        "Once the switch has settled (a day of SLO alarms quiet): close the old server to everything but the CDN ("
        + (
            "CloudFront's origin-facing prefix list com.amazonaws.global.cloudfront.origin-facing"
            if cdn == "cloudfront"
            else "Cloudflare's published ranges, components/data/cloudflare-ips.json"
        )
        + "), then retire it.",
    ]
    return tuple(steps)


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
            certificate_arn=config.load_balancer.certificate_arn,
            cdn_provider=config.cdn.provider if config.cdn else "cloudfront",
            waf_mode=config.waf.mode,
            upload_paths=config.waf.upload_paths,
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
    """Scale out: target tracking on every group of the web tier; its HTTPS listener if not served yet."""
    web_tier = ctx.components.get("web_tier")
    if web_tier is not None:
        ctx.components["web_tier_scaling"] = web_tier.create_scaling(ctx.opts(NUMBER))
        serve_https(ctx)


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


def serve_https(ctx: Any) -> None:
    """The web tier's HTTPS listener, on a validated certificate (after phase 2's finish created the Cloudflare
    zone). Runs once, after every phase's finish, whichever phase the web tier was built in (app.webTierPhase)."""
    import pulumi
    import pulumi_aws as aws

    config = ctx.config
    web_tier = ctx.components.get("web_tier")
    if web_tier is None or web_tier.https_listener is not None:
        return
    if config.load_balancer.certificate_arn:
        web_tier.serve_https(config.load_balancer.certificate_arn)
        return
    record = web_tier.validation_record()
    child = pulumi.ResourceOptions(parent=web_tier)
    if config.cdn is not None and config.cdn.provider == "cloudfront" and config.cdn.route53_zone_id:
        dns = aws.route53.Record(
            "web-certificate-validation",
            zone_id=config.cdn.route53_zone_id,
            name=record["name"],
            type=record["type"],
            records=[record["value"]],
            ttl=300,
            allow_overwrite=True,
            opts=child,
        )
        fqdn: Any = dns.fqdn
    elif config.cdn is not None and config.cdn.provider == "cloudflare":
        import pulumi_cloudflare as cloudflare

        dns = cloudflare.DnsRecord(
            "web-certificate-validation",
            zone_id=ctx.components["cdn"].zone_id,
            name=record["name"],
            type=record["type"],
            content=record["value"],
            proxied=False,
            ttl=300,
            comment="sme-rollout: ACM validation of the load balancer's certificate",
            opts=child,
        )
        fqdn = dns.name
    else:  # StackConfig requires loadBalancer.certificateArn when the stack manages no zone
        raise ValueError("loadBalancer.certificateArn is required when the stack manages no DNS zone")
    validation = aws.acm.CertificateValidation(
        "web-certificate", certificate_arn=web_tier.certificate_arn, validation_record_fqdns=[fqdn], opts=child
    )
    web_tier.serve_https(validation.certificate_arn)
    ctx.outputs["loadBalancerCertificateValidationRecord"] = record


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

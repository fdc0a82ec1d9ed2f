"""Phase 2: Quick wins. A CDN in front of the current server, and a cache beside it, without touching the app.

Nothing here moves a visitor by itself: the CDN is built ready, and the switches of `sme-rollout:switches` move
traffic, each after its gate (`rollout gate`): dnsAuthority (the domain answers with the CDN), staticPath (phase
3: the asset path from the bucket) and originToLoadBalancer (phase 6: the origin becomes the load balancer).

The VPC and the cache are built in `build`; the CDN in `finish`, after every phase up to N has built, because its
origins depend on later phases: the static asset bucket of phase 3 (an origin-access-control origin on
CloudFront, a cached path on Cloudflare) and the load balancer of phase 6 (which replaces the current server as
the origin).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from components import sizing
from components.cache import Cache, CacheArgs
from components.network import Network, NetworkArgs
from phases import hosting

if TYPE_CHECKING:
    from phases import Context

NUMBER = 2
TITLE = "Quick wins"
GOAL = ("Serve the site through a CDN (TLS 1.2+, HTTP/2 and 3, Brotli, HSTS, WAF, rate limit) and give the "
        "application a Redis-compatible cache for responses and sessions.")
KPIS: tuple[str, ...] = ("TTFB p50/p95", "cache hit ratio", "origin requests per second")
ADDS: tuple[str, ...] = (
    "VPC with public and private subnets over 2+ AZs, S3 endpoint, flow logs; its NAT gateways only from the first "
    "phase that needs the internet from the private subnets (the web tier, a DMS migration: phases.hosting."
    "egress_needs), so the cache and database alone pay no NAT",
    "CDN: Cloudflare zone settings + cache/WAF/rate-limit rulesets, or CloudFront + WAFv2 + HSTS headers",
    "ElastiCache Valkey/Redis replication group (TLS, encryption, IAM auth, failover when 2+ nodes), when the app "
    "can reach it (else deferred to the phase the app moves)",
    "the current server's way in (app.hosting): VPC peering with routes both ways and its security group admitted "
    "(EC2 in this account), or a site-to-site VPN with generated strongSwan config (a server elsewhere)",
)


def manual_steps(config: Any) -> tuple[str, ...]:
    """The dnsAuthority switch, step by step, for the stack's CDN (printed by `rollout plan`)."""
    cdn = config.cdn
    if cdn is None:
        return ()
    stack = "rollout gate --stack <stack> --switch dnsAuthority"
    if cdn.provider == "cloudflare":
        steps = ["Before `pulumi up`: export the current DNS as a BIND zone file into cdn.zoneFile (every record "
                 "is imported; the site's own name becomes a DNS-only CNAME to the origin)."] if not cdn.zone_id else [
                 "The adopted zone keeps its records: check that it resolves the origin " + config.site.origin + "."]
        steps += [
            f"After `pulumi up`: `{stack} --nameserver <one of the output nameservers>` must hold (the new zone "
            "answers every record of the zone file).",
            "Then give the registrar the output `nameservers`; wait until Cloudflare shows the zone active "
            "(minutes to a day). Visitors still get the same answers (DNS-only).",
            "Then set sme-rollout:switches.dnsAuthority: true and `pulumi up`: the site record is proxied and "
            "Cloudflare serves. Rollback: set it false (DNS-only again, instant) or restore the old nameservers.",
        ]
        return tuple(steps)
    if cdn.certificate_arn or cdn.route53_zone_id:
        dns = ("the domain's A/AAAA records become aliases of the distribution (allow_overwrite)"
               if cdn.route53_zone_id else "then CNAME the domain to the output cdnDomainName at your DNS host")
        return (f"After `pulumi up`: test the distribution on its output cdnDomainName; `{stack}` must hold.",
                f"Then set sme-rollout:switches.dnsAuthority: true and `pulumi up`: {dns}. Rollback: point the "
                "domain back at the old server by hand (Route 53 keeps the alias records when the switch is "
                "turned off, so the name never goes without an answer) or at your DNS host.")
    return ("After `pulumi up`: create the output certificateValidationRecord (a CNAME) at your DNS host; the "
            "update does not wait for it.",
            f"`{stack} --certificate-arn <the certificate's ARN>` must hold (the certificate is ISSUED).",
            "Then set sme-rollout:switches.dnsAuthority: true and `pulumi up` (the distribution takes the domain "
            "and the certificate), and CNAME the domain to the output cdnDomainName. Rollback: restore the old "
            "record.")


def build(ctx: Context) -> None:
    """The network (`network`) and the cache (`cache`)."""
    config = ctx.config
    opts = ctx.opts(NUMBER)
    baseline = ctx.components["baseline"]
    network = Network("network", NetworkArgs(
        cidr=config.network.cidr,
        availability_zones=config.network.availability_zones,
        nat_gateways=sizing.nat_gateway_count(config.environment, config.network.availability_zones,
                                              config.network.nat_per_az),
        # the NAT gateways exist from the first phase something in the private subnets needs the internet
        internet_egress=ctx.up_to >= hosting.egress_phase(config),
        flow_log_kms_key_arn=baseline.key_arn,
        # the subnets move onto their route tables only once the old server's routes are on them (below)
        defer_associations=True,
    ), opts)
    ctx.components["network"] = network
    ctx.outputs.update({
        "vpcId": network.vpc_id,
        "privateSubnetIds": network.private_subnet_ids,
        "appSecurityGroupId": network.app_security_group_id,
    })
    link = _create_server_link(ctx, network)
    network.associate_subnets(after=getattr(link, "vpc_routes", []))
    cache_phase = hosting.service_phase(config.app, "cache")
    if ctx.up_to < cache_phase:
        return
    nodes = sizing.cache_nodes(config.environment, config.cache.nodes)
    cache = Cache("cache", CacheArgs(
        vpc_id=network.vpc_id,
        subnet_ids=network.private_subnet_ids,
        client_security_group_ids=client_security_groups(ctx, network),
        client_cidr_blocks=client_cidr_blocks(ctx),
        engine=config.cache.engine,
        node_type=sizing.cache_node_type(config.size, config.cache.node_type),
        nodes=nodes,
        snapshot_retention_days=config.cache.snapshot_retention_days,
        production=config.production,
    ), ctx.opts(cache_phase))
    ctx.components["cache"] = cache
    ctx.outputs.update({
        "cachePrimaryEndpoint": cache.primary_endpoint,
        "cacheReaderEndpoint": cache.reader_endpoint,
        "cachePort": cache.port,
        "cacheUser": cache.user_name,
        "cacheConnectPolicyArn": cache.connect_policy_arn,
    })


def server_cidr(app: Any) -> str | None:
    """The range the VPN carries for an external server: its own range, or its public address alone."""
    if app.server_cidr:
        return app.server_cidr
    return f"{app.server_ip}/32" if app.server_ip else None


def client_security_groups(ctx: Context, network: Any) -> list[Any]:
    """Who the private data services admit: the app security group (the web tier's instances carry it) and, for
    an EC2 server in this account, its own security group across the peering."""
    groups = [network.app_security_group_id]
    if hosting.peering_built(ctx.config.app, ctx.up_to):
        groups.append(ctx.config.app.security_group_id)
    return groups


def client_cidr_blocks(ctx: Context) -> list[str]:
    cidr = server_cidr(ctx.config.app)
    return [cidr] if hosting.vpn_built(ctx.config.app, ctx.up_to) and cidr else []


def _create_server_link(ctx: Context, network: Any) -> Any:
    """The old server's way into the VPC (peering or VPN), or None; its `vpc_routes` are on our private tables."""
    app = ctx.config.app
    tables = [t.id for t in getattr(network, "private_route_tables", [])]
    if hosting.peering_built(app, ctx.up_to):
        from components.old_server import VpcPeering, VpcPeeringArgs

        peering = VpcPeering("server-peering", VpcPeeringArgs(
            vpc_id=network.vpc_id, vpc_cidr=ctx.config.network.cidr, route_table_ids=tables,
            peer_vpc_id=app.vpc_id, peer_vpc_cidr=app.vpc_cidr, peer_route_table_ids=app.route_table_ids),
            ctx.opts(NUMBER))
        ctx.components["server_link"] = peering
        ctx.outputs["serverPeeringConnectionId"] = peering.connection_id
        return peering
    elif hosting.vpn_built(app, ctx.up_to):
        from components.old_server import SiteToSiteVpn, SiteToSiteVpnArgs

        vpn = SiteToSiteVpn("server-vpn", SiteToSiteVpnArgs(
            vpc_id=network.vpc_id, vpc_cidr=ctx.config.network.cidr, route_table_ids=tables,
            server_ip=app.server_ip, server_cidr=server_cidr(app)), ctx.opts(NUMBER))
        ctx.components["server_link"] = vpn
        ctx.outputs["serverVpnConfig"] = vpn.server_config
        return vpn
    return None


def _grant_server(ctx: Context) -> None:
    """An EC2 server in this account gets what the app needs on its existing role (inline, no restart)."""
    app = ctx.config.app
    if not hosting.peering_built(app, ctx.up_to):
        return
    import pulumi
    import pulumi_aws as aws

    from components.old_server import ServerPermissions, ServerPermissionsArgs
    from components.web_tier import database_user_arn, instance_policy
    from phases.flows import first_attribute

    components = ctx.components
    cache = components.get("cache")
    database = components.get("database")
    uploads = components.get("uploads")
    roles = [r for q in components.get("queues", {}).values() for r in (q.producer_role.arn, q.consumer_role.arn)]
    account = aws.get_caller_identity_output().account_id
    region = ctx.config.region
    policy = pulumi.Output.all(
        pulumi.Output.all(*roles), account, first_attribute(database, "resource_id"),
        pulumi.Output.all(uploads.bucket_arn, uploads.key_arn) if uploads is not None else None,
    ).apply(lambda v: instance_policy(
        [], list(v[0]), None, database_user_arn=database_user_arn(region, v[1], v[2], "app") if v[2] else None,
        uploads=tuple(v[3]) if v[3] else None))
    arns = [a for a in [first_attribute(cache, "connect_policy_arn")] if a is not None]
    inline = database is not None or uploads is not None or bool(roles)
    if not inline and not arns:
        return
    ServerPermissions("server-permissions", ServerPermissionsArgs(
        role_name=app.instance_role_name, policy=policy if inline else None, policy_arns=arns), ctx.opts(NUMBER))


def load_balancer(ctx: Context) -> Any:
    """The load balancer's DNS name when the originToLoadBalancer switch is on and the web tier exists, else None:
    building the web tier (app.webTierPhase, else phase 6) creates the load balancer but moves no
    visitor to it."""
    web_tier = ctx.components.get("web_tier")
    if web_tier is None or not ctx.config.switches.origin_to_load_balancer:
        return None
    return getattr(web_tier, "alb_dns_name", None)


def origin(ctx: Context) -> Any:
    """What serves the site: the load balancer once switched to, else the current server."""
    alb = load_balancer(ctx)
    return alb if alb is not None else ctx.config.site.origin


def finish(ctx: Context) -> None:
    """The CDN (`cdn`), in front of the origin and (from phase 3) the static asset bucket."""
    config = ctx.config
    cdn_config = config.cdn
    if cdn_config is None:
        raise ValueError("cdn: is required from phase 2")  # StackConfig already enforces it
    static_site = ctx.components.get("static_site")
    opts = ctx.opts(NUMBER)
    # Each provider's SDK is imported only when the stack uses it: pulumi_cloudflare alone costs seconds to import.
    if cdn_config.provider == "cloudfront":
        from components.cdn_cloudfront import CloudFrontCdn, CloudFrontCdnArgs

        alb = load_balancer(ctx)
        cdn = CloudFrontCdn("cdn", CloudFrontCdnArgs(
            domain=config.site.domain,
            origin=config.site.origin,
            load_balancer_origin=alb,
            origin_verify_secret=ctx.components["web_tier"].origin_verify_secret if alb is not None else None,
            alias=config.switches.dns_authority,
            serve_static_from_bucket=config.switches.static_path,
            waf_mode=config.waf.mode,
            upload_paths=config.waf.upload_paths,
            certificate_arn=cdn_config.certificate_arn,
            hosted_zone_id=cdn_config.route53_zone_id,
            price_class=cdn_config.price_class,
            default_ttl_seconds=cdn_config.edge_ttl_seconds,
            rate_limit_per_minute=cdn_config.rate_limit_per_minute,
            log_bucket_arn=ctx.components["baseline"].log_bucket_arn,
            static_bucket_domain_name=static_site.bucket_regional_domain_name if static_site else None,
            static_path_pattern=static_site.path_pattern if static_site else "/static/*",
            production=config.production,
        ), ctx.us_east_1, opts)
        if static_site is not None:
            static_site.allow_reads(cdn.distribution_arn)
        ctx.outputs["cdnDomainName"] = cdn.distribution_domain_name
        if cdn.certificate_validation is not None:
            ctx.outputs["certificateValidationRecord"] = cdn.certificate_validation
    else:
        from components.cdn_cloudflare import CloudflareCdn, CloudflareCdnArgs
        from components.zone_file import load_zone_file

        prefixes = [static_site.path_pattern.rstrip("*")] if static_site else []
        cdn = CloudflareCdn("cdn", CloudflareCdnArgs(
            domain=config.site.domain,
            zone_name=config.site.zone,
            origin=origin(ctx),
            plan=cdn_config.plan,
            account_id=cdn_config.cloudflare_account_id,
            zone_id=cdn_config.zone_id,
            default_ttl_seconds=cdn_config.edge_ttl_seconds,
            rate_limit_per_minute=cdn_config.rate_limit_per_minute,
            static_path_prefixes=prefixes,
            records=list(load_zone_file(cdn_config.zone_file, config.site.zone))
            if cdn_config.zone_file and not cdn_config.zone_id else [],
            proxied=config.switches.dns_authority,
            production=config.production,
        ), opts)
        if static_site is not None:
            static_site.allow_reads(None)
        ctx.outputs["cloudflareZoneId"] = cdn.zone_id
        ctx.outputs["nameservers"] = cdn.name_servers
    ctx.components["cdn"] = cdn
    ctx.outputs["cdnUrl"] = cdn.url
    _grant_server(ctx)
    ctx.outputs["hosting"] = hosting.plan(config.app, ctx.up_to)

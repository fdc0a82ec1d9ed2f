"""Run phases 4..N on stand-ins for the components of phases 1–3 (their real attribute names), so the tests of
phases 4–6 exercise our phase modules without depending on the wiring of the earlier phases."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

ACCOUNT = "123456789012"
BASE = {
    "site": {"domain": "shop.example.vn", "origin": "origin.shop.example.vn"},
    "cdn": {"provider": "cloudfront", "route53ZoneId": "Z0123456789ABCDEFGHIJ"},
    "queues": [{"name": "email"}, {"name": "orders", "consistency": "strong"}],
    "app": {"hosting": "ec2-in-account", "vpcId": "vpc-0123456789abcdef0", "vpcCidr": "172.31.0.0/16",
            "routeTableIds": ["rtb-0123456789abcdef0"], "securityGroupId": "sg-0123456789abcdef0",
            "instanceRoleName": "shop-server"},
    "services": [{"name": "web", "imageId": "ami-0a1b2c3d4e5f60718", "image": "1.0.0"},
                 {"name": "api", "pathPatterns": ["/api/*"], "imageId": "ami-0a1b2c3d4e5f60718", "image": "1.0.0"}],
    "observability": {"grafanaAdminGroups": ["90676bc5d1-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"]},
    "flows": [{"name": "checkout", "consistency": "strong", "queue": "orders"},
              {"name": "catalog", "consistency": "eventual", "cacheTtlSeconds": 120}],
}


def upstream(replicas: int = 1) -> dict[str, Any]:
    return {
        "baseline": SimpleNamespace(alert_topic_arn=f"arn:aws:sns:ap-southeast-1:{ACCOUNT}:alerts",
                                    key_arn=f"arn:aws:kms:ap-southeast-1:{ACCOUNT}:key/baseline",
                                    log_bucket_name="logs"),
        "network": SimpleNamespace(vpc_id="vpc-1", public_subnet_ids=["pub-a", "pub-b"],
                                   private_subnet_ids=["priv-a", "priv-b"], app_security_group_id="sg-app"),
        "cdn": SimpleNamespace(distribution_id="E123"),
        "cache": SimpleNamespace(primary_endpoint="cache-primary", port=6379, user_name="app",
                                 connect_policy_arn=f"arn:aws:iam::{ACCOUNT}:policy/cache-connect",
                                 replication_group=SimpleNamespace(replication_group_id="dev-cache")),
        "database": SimpleNamespace(
            identifier="dev-db", writer_endpoint="db-writer", port=5432, resource_id="db-STANDIN",
            reader_endpoints=[f"db-r{n}" for n in range(1, replicas + 1)],
            secret_arn=f"arn:aws:secretsmanager:ap-southeast-1:{ACCOUNT}:secret:db",
            primary=SimpleNamespace(arn=f"arn:aws:rds:ap-southeast-1:{ACCOUNT}:db:dev-db"),
            replicas=[SimpleNamespace(identifier=f"dev-db-{n}") for n in range(1, replicas + 1)]),
        "static_site": SimpleNamespace(bucket_arn="arn:aws:s3:::dev-assets"),
    }


def run(synth, up_to: int, config: dict[str, Any] | None = None, replicas: int = 1):
    """Build phases 4..up_to (and their finish) on the stand-ins; returns the Inventory with the outputs."""

    def program() -> None:
        import pulumi
        import pulumi_aws as aws

        from phases import PHASES, Context
        from phases.config import parse_config

        stack = parse_config({**BASE, "phase": up_to, "database": {"replicas": replicas}, **(config or {})})
        ctx = Context(config=stack, up_to=up_to, aws_provider=aws.Provider("aws", region=stack.region))
        ctx.components.update(upstream(replicas))
        modules = PHASES[3:up_to]
        for module in modules:
            ctx.phase(module.NUMBER)
            module.build(ctx)
        if up_to >= stack.app.moves_at:
            PHASES[5].build_web_tier(ctx, stack.app.moves_at)
        for module in modules:
            if hasattr(module, "finish"):
                module.finish(ctx)
        for name, value in ctx.outputs.items():
            pulumi.export(name, value)

    return synth(program, stack="dev")

"""Phase 3: Decouple. State leaves the server: the database moves to RDS with read replicas, static files to S3."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from components import sizing
from components.database import Database, DatabaseArgs
from components.static_site import StaticSite, StaticSiteArgs

if TYPE_CHECKING:
    from phases import Context

NUMBER = 3
TITLE = "Decouple"
GOAL = ("Move the database to managed RDS (TLS only, backups, read replicas for eventual flows) and static "
        "assets to a private S3 bucket behind the CDN, so the web server holds no state.")
KPIS: tuple[str, ...] = ("database CPU and connections", "replica lag", "LCP")
ADDS: tuple[str, ...] = (
    "RDS PostgreSQL/MySQL primary (TLS-only parameter group, KMS, managed password, backups, PI, monitoring)",
    "read replicas (config database.replicas)",
    "private S3 asset bucket served through the CDN (origin access control on CloudFront)",
)


def manual_steps(config: Any) -> tuple[str, ...]:
    """The staticPath switch (CloudFront), or why nothing moves (Cloudflare)."""
    path = config.static_assets.path_pattern
    if config.cdn is not None and config.cdn.provider == "cloudflare":
        return (f"Nothing moves: on Cloudflare the old server keeps serving {path}, cached at the edge; the bucket "
                "stays private (the application may read and write it with assetsReaderPolicyArn).",)
    prefix = path.rstrip("*").strip("/")
    return (
        f"After `pulumi up`: copy the files the old server serves under {path} into the bucket "
        f"(`aws s3 sync <web root>/{prefix}/ s3://<assetsBucketName>/{prefix}/`) and list them in a manifest "
        f"(`cd <web root> && find {prefix} -type f > manifest.txt`).",
        "`rollout gate --stack <stack> --switch staticPath --bucket <assetsBucketName> --manifest manifest.txt` "
        "must hold.",
        f"Then set sme-rollout:switches.staticPath: true and `pulumi up`: {path} comes from the bucket, falling "
        "back to the old server on 403/404/5xx. Rollback: set it false.",
    )


def build(ctx: Context) -> None:
    """The database (`database`) and the asset bucket (`static_site`); the CDN grants itself read access later."""
    config = ctx.config
    opts = ctx.opts(NUMBER)
    network = ctx.components["network"]
    db = config.database
    database = Database("database", DatabaseArgs(
        vpc_id=network.vpc_id,
        subnet_ids=network.private_subnet_ids,
        client_security_group_ids=[network.app_security_group_id],
        engine=db.engine,
        engine_version=db.engine_version,
        instance_class=sizing.db_instance_class(config.size, db.instance_class),
        storage_gb=db.storage_gb,
        max_storage_gb=db.max_storage_gb,
        replicas=db.replicas,
        multi_az=sizing.db_multi_az(config.environment, db.multi_az),
        backup_retention_days=db.backup_retention_days,
        adopt_identifier=db.adopt_identifier,
        production=config.production,
    ), opts)
    static_site = StaticSite("assets", StaticSiteArgs(
        path_pattern=config.static_assets.path_pattern,
        log_bucket=ctx.components["baseline"].log_bucket_name,
        noncurrent_version_days=config.static_assets.noncurrent_version_days,
        production=config.production,
    ), opts)
    ctx.components["database"] = database
    ctx.components["static_site"] = static_site
    ctx.outputs.update({
        "dbWriterEndpoint": database.writer_endpoint,
        "dbReaderEndpoints": database.reader_endpoints,
        "dbPort": database.port,
        "dbSecretArn": database.secret_arn,
        "assetsBucketName": static_site.bucket_name,
        "assetsReaderPolicyArn": static_site.reader_policy_arn,
    })

"""Phase 3: Decouple. State leaves the server: the database moves to RDS with read replicas, static files to S3."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from components import sizing
from components.database import Database, DatabaseArgs
from components.migration import Migration, MigrationArgs
from components.static_site import StaticSite, StaticSiteArgs
from components.uploads import Uploads, UploadsArgs
from phases import hosting
from phases.phase2_quick_wins import client_cidr_blocks, client_security_groups

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
    "private S3 uploads bucket the app writes user uploads to (KMS, versioned), when the app can use it",
    "AWS DMS full load + change capture from the existing database (config database.migrateFrom), and with it the "
    "VPC's NAT gateways: the replication instance reaches the source through them",
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
    named = {key: value for key, value in {"database_name": db.database_name, "master_username": db.master_username,
                                           "adopt_kms_key_arn": db.adopt_kms_key_arn}.items() if value is not None}
    static_site = StaticSite("assets", StaticSiteArgs(
        path_pattern=config.static_assets.path_pattern,
        log_bucket=ctx.components["baseline"].log_bucket_name,
        noncurrent_version_days=config.static_assets.noncurrent_version_days,
        production=config.production,
    ), opts)
    ctx.components["static_site"] = static_site
    ctx.outputs.update({
        "assetsBucketName": static_site.bucket_name,
        "assetsReaderPolicyArn": static_site.reader_policy_arn,
    })
    uploads_phase = hosting.service_phase(config.app, "uploads")
    if ctx.up_to >= uploads_phase:
        uploads = Uploads("uploads", UploadsArgs(log_bucket=ctx.components["baseline"].log_bucket_name,
                                                 production=config.production), ctx.opts(uploads_phase))
        ctx.components["uploads"] = uploads
        ctx.outputs["uploadsBucketName"] = uploads.bucket_name
    database_phase = hosting.service_phase(config.app, "database")
    if ctx.up_to < database_phase:
        return
    database = Database("database", DatabaseArgs(
        vpc_id=network.vpc_id,
        subnet_ids=network.private_subnet_ids,
        client_security_group_ids=client_security_groups(ctx, network),
        client_cidr_blocks=client_cidr_blocks(ctx),
        engine=db.engine,
        engine_version=db.engine_version,
        instance_class=sizing.db_instance_class(config.size, db.instance_class),
        storage_gb=db.storage_gb,
        max_storage_gb=db.max_storage_gb,
        replicas=db.replicas,
        multi_az=sizing.db_multi_az(config.environment, db.multi_az),
        backup_retention_days=db.backup_retention_days,
        adopt_identifier=db.adopt_identifier,
        allow_major_version_upgrade=db.allow_major_version_upgrade,
        apply_immediately=db.apply_immediately,
        production=config.production,
        **named,
    ), ctx.opts(database_phase))
    if db.migrate_from is not None:
        ctx.components["migration"] = _migration(ctx, database, database_phase)
    ctx.components["database"] = database
    ctx.outputs.update({
        "dbWriterEndpoint": database.writer_endpoint,
        "dbReaderEndpoints": database.reader_endpoints,
        "dbPort": database.port,
        "dbSecretArn": database.secret_arn,
    })


def _migration(ctx: Context, database: Database, phase: int) -> Migration:
    """DMS from `database.migrateFrom` into the new primary (built in the phase the database is), reached from the
    private subnets through NAT."""
    source = ctx.config.database.migrate_from
    assert source is not None
    network = ctx.components["network"]
    migration = Migration("migration", MigrationArgs(
        engine=source.engine, source_host=source.host, source_port=source.port, source_database=source.database,
        source_secret_arn=source.secret_arn, source_tls=source.tls, source_ca_pem=source.ca_certificate_pem,
        source_cidr=source.source_cidr, schemas=source.schemas, vpc_id=network.vpc_id,
        subnet_ids=network.private_subnet_ids, target_address=database.writer_endpoint, target_port=database.port,
        target_database=database.database_name, target_security_group_id=database.security_group_id,
        kms_key_arn=database.key.arn, instance_class=source.instance_class, storage_gb=source.storage_gb,
        create_vpc_role=source.create_dms_vpc_role, production=ctx.config.production,
    ), ctx.opts(phase))
    port = source.port or sizing.DB_PORTS[source.engine]
    ctx.outputs.update({
        "migrationTaskArn": migration.task_arn,
        "migrationTargetSecretArn": migration.target_secret_arn,
        "migrationSourceAllowlist": {"port": port, "addresses": getattr(network, "nat_public_ips", []),
                                     "note": f"admit these addresses on TCP {port} at {source.host} (or set "
                                             "sourceCidr to a VPN/peering range)"},
    })
    return migration

"""Phase 3: Decouple. State leaves the server: the database moves to RDS with read replicas, static files to S3."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components import sizing
from components.database import Database, DatabaseArgs
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
)


def build(ctx: Context) -> None:
    """The database (`database`) and the asset bucket (`static_site`); the CDN grants itself read access later."""
    config = ctx.config
    opts = ctx.opts(NUMBER)
    network = ctx.components["network"]
    db = config.database
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
        production=config.production,
    ), ctx.opts(database_phase))
    ctx.components["database"] = database
    ctx.outputs.update({
        "dbWriterEndpoint": database.writer_endpoint,
        "dbReaderEndpoints": database.reader_endpoints,
        "dbPort": database.port,
        "dbSecretArn": database.secret_arn,
    })

"""RDS DB instances (primary and read replicas, storage, backup, managed password)."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import HOURS_PER_MONTH, PricingContext, Priced, is_unknown
from rollout.model.inventory import Resource, reveal


def _rds_instance(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    source_db = inputs.get("replicateSourceDb")
    source = ctx.referenced(resource, "replicateSourceDb", resource.type, source_db) if source_db else None
    inherited = reveal(source.inputs) if source else {}
    engine = inputs.get("engine") or inherited.get("engine")
    instance_class = inputs.get("instanceClass")
    multi_az = inputs.get("multiAz")
    storage_gb = inputs.get("allocatedStorage") or inherited.get("allocatedStorage")
    storage_type = (inputs.get("storageType") or inherited.get("storageType")
                    or ("io1" if inputs.get("iops") else "gp2"))
    role = "read replica" if source_db else "primary"
    deployment = "Multi-AZ" if multi_az is True else "Single-AZ"
    az = "multi-az" if multi_az is True else "single-az"
    components = []

    name = f"Database instance ({role}, {deployment}, {instance_class})"
    if is_unknown(engine, instance_class, multi_az) or not engine or not instance_class:
        components.append(ctx.unknown(name, "hour", "engine, instanceClass or multiAz unknown before apply",
                                      HOURS_PER_MONTH))
    elif str(engine).startswith("aurora"):
        components.append(ctx.unknown(name, "hour", "Aurora instances are billed per cluster, not priced here",
                                      HOURS_PER_MONTH))
    else:
        components.append(ctx.line(name, f"rds:instance:{str(engine).lower()}:{instance_class}:{az}", "hour",
                                   HOURS_PER_MONTH))

    storage_name = f"Storage ({storage_type}, {deployment})"
    if is_unknown(storage_gb, storage_type) or storage_gb is None:
        components.append(ctx.unknown(storage_name, "GB-month", "allocatedStorage unknown before apply"))
    else:
        components.append(ctx.line(storage_name, f"rds:storage:{storage_type}:{az}", "GB-month", float(storage_gb)))

    if not source_db:
        components.append(ctx.line("Backup storage beyond the database size", "rds:backup", "GB-month",
                                   ctx.usage(resource, "backupStorageGb"), usage_based=True))
    if inputs.get("manageMasterUserPassword") is True:
        components.append(ctx.line("Managed master password (Secrets Manager secret)", "secretsmanager:secret",
                                   "month", 1))
    return Priced(components, note=f"replica of {source.name}" if source else "")


PRICERS = {
    "aws:rds/instance:Instance": _rds_instance,
}

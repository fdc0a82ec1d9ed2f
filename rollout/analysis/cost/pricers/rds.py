"""RDS DB instances (primary and read replicas, storage, backup, managed password)."""

from __future__ import annotations

from typing import Any

from policies.engine_support import extended_support_year
from rollout.analysis.cost.context import HOURS_PER_MONTH, Priced, PricingContext, is_unknown
from rollout.model.inventory import Resource, reveal


def _rds_instance(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    source_db = inputs.get("replicateSourceDb")
    source = ctx.referenced(resource, "replicateSourceDb", resource.type, source_db) if source_db else None
    inherited = reveal(source.inputs) if source else {}
    engine = inputs.get("engine") or inherited.get("engine")
    instance_class = inputs.get("instanceClass")
    multi_az = inputs.get("multiAz")
    storage_gb = inputs.get("allocatedStorage") or inherited.get("allocatedStorage")
    storage_type = inputs.get("storageType") or inherited.get("storageType") or ("io1" if inputs.get("iops") else "gp2")
    role = "read replica" if source_db else "primary"
    deployment = "Multi-AZ" if multi_az is True else "Single-AZ"
    az = "multi-az" if multi_az is True else "single-az"
    components = []

    name = f"Database instance ({role}, {deployment}, {instance_class})"
    if is_unknown(engine, instance_class, multi_az) or not engine or not instance_class:
        components.append(
            ctx.unknown(name, "hour", "engine, instanceClass or multiAz unknown before apply", HOURS_PER_MONTH)
        )
    elif str(engine).startswith("aurora"):
        components.append(
            ctx.unknown(name, "hour", "Aurora instances are billed per cluster, not priced here", HOURS_PER_MONTH)
        )
    else:
        components.append(
            ctx.line(name, f"rds:instance:{str(engine).lower()}:{instance_class}:{az}", "hour", HOURS_PER_MONTH)
        )

    storage_name = f"Storage ({storage_type}, {deployment})"
    if is_unknown(storage_gb, storage_type) or storage_gb is None:
        components.append(ctx.unknown(storage_name, "GB-month", "allocatedStorage unknown before apply"))
    else:
        components.append(ctx.line(storage_name, f"rds:storage:{storage_type}:{az}", "GB-month", float(storage_gb)))

    iops = inputs.get("iops") or inherited.get("iops")
    if storage_type in ("io1", "io2") and isinstance(iops, (int, float)) and iops:
        components.append(
            ctx.line(
                f"Provisioned IOPS ({storage_type}, {deployment})",
                f"rds:iops:{storage_type}:{az}",
                "IOPS-month",
                float(iops),
            )
        )
    version = str(inputs.get("engineVersion") or inherited.get("engineVersion") or "")
    # the one support calendar (policies/engine_support.py, shared with control RDS-17), on the catalog's date:
    # the date its prices hold
    support_year = extended_support_year(engine, version, ctx.catalog.date)
    if support_year and instance_class and not is_unknown(instance_class):
        # billed per vCPU of the primary and, in Multi-AZ, of the standby too (AWS RDS User Guide, "Amazon RDS
        # Extended Support charges": "RDS Extended Support charges apply to standby instances in Multi-AZ")
        vcpus = _vcpus(str(instance_class)) * (2 if multi_az is True else 1)
        label = "years 1-2" if support_year == "year1" else "year 3"
        components.append(
            ctx.line(
                f"Extended support ({label}, {engine} {version}, {vcpus} vCPU)",
                f"rds:extended-support:{support_year}",
                "vCPU-hour",
                vcpus * HOURS_PER_MONTH,
            )
        )
    if not source_db:
        components.append(
            ctx.line(
                "Backup storage beyond the database size",
                "rds:backup",
                "GB-month",
                ctx.usage(resource, "backupStorageGb"),
                usage_based=True,
            )
        )
    if inputs.get("manageMasterUserPassword") is True:
        components.append(
            ctx.line("Managed master password (Secrets Manager secret)", "secretsmanager:secret", "month", 1)
        )
    return Priced(components, note=f"replica of {source.name}" if source else "")


PRICERS = {
    "aws:rds/instance:Instance": _rds_instance,
}


_VCPUS = {"micro": 2, "small": 2, "medium": 2, "large": 2, "xlarge": 4}


def _vcpus(instance_class: str) -> int:
    """vCPUs of an RDS instance class from its size: micro..large 2, xlarge 4, Nxlarge 4N (db.t3.large: 2)."""
    size = instance_class.rsplit(".", 1)[-1]
    if size in _VCPUS:
        return _VCPUS[size]
    if size.endswith("xlarge") and size[:-6].isdigit():
        return 4 * int(size[:-6])
    return 2

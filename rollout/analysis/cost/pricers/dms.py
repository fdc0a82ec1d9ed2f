"""AWS DMS replication instances (the database migration of database.migrateFrom): instance hours and the storage
beyond what the class includes. Endpoints, tasks, certificates and subnet groups cost nothing of their own."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import HOURS_PER_MONTH, Priced, PricingContext, is_unknown
from rollout.model.inventory import Resource

INCLUDED_STORAGE_GB: dict[str, int] = {"t2": 50, "t3": 50, "c4": 100, "c5": 100, "r4": 100, "r5": 100}
"""Storage each class includes (Infracost's aws_dms_replication_instance resource: 50 GB for t2/t3, 100 GB for
c4/r4/r5); only what is allocated beyond it is billed."""


def _replication_instance(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    instance_class = inputs.get("replicationInstanceClass")
    multi_az = inputs.get("multiAz") is True
    az = "multi-az" if multi_az else "single-az"
    deployment = "Multi-AZ" if multi_az else "Single-AZ"
    storage = inputs.get("allocatedStorage")
    if is_unknown(instance_class) or not isinstance(instance_class, str) or instance_class.count(".") < 2:
        return Priced([ctx.unknown("Replication instance", "hour", "replicationInstanceClass unknown before apply",
                                   HOURS_PER_MONTH)])
    size = instance_class.split(".", 1)[1]
    components = [ctx.line(f"Replication instance ({size}, {deployment})", f"dms:instance:{size}:{az}", "hour",
                           HOURS_PER_MONTH)]
    included = INCLUDED_STORAGE_GB.get(size.split(".")[0], 0)
    if is_unknown(storage):
        components.append(ctx.unknown("Storage (gp2)", "GB-month", "allocatedStorage unknown before apply"))
    else:
        billed = max(0.0, float(storage or 50) - included)
        if billed:  # nothing to bill (and nothing unknown) within what the class includes
            components.append(ctx.line(f"Storage (gp2) beyond the {included} GB included",
                                       f"dms:storage:gp2:{az}", "GB-month", billed))
    return Priced(components, note="while the migration runs: remove migrateFrom after the cutover")


PRICERS = {
    "aws:dms/replicationInstance:ReplicationInstance": _replication_instance,
}

"""AWS Glue: ETL jobs and crawlers (DPU-hours from usage) and Data Catalog storage and requests.

How a job's DPUs are read follows the AWS Glue API (Job: WorkerType, NumberOfWorkers, MaxCapacity) and Infracost's
aws_glue_job (internal/providers/terraform/aws/glue_job.go): workers x DPUs per worker type, else maxCapacity, else
the API's default (0.0625 DPU for a Python shell job, 10 DPUs for a Spark job).
"""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import Priced, PricingContext, is_unknown
from rollout.model.inventory import Resource

DPU_PER_WORKER = {"G.025X": 0.25, "G.1X": 1, "G.2X": 2, "G.4X": 4, "G.8X": 8, "G.12X": 12, "G.16X": 16, "Standard": 1}
"""DPUs per worker (AWS Glue developer guide, "AWS Glue worker types", and the CDK's WorkerType: G.025X 0.25 DPU, G.1X
1, G.2X 2, G.4X 4, G.8X 8, G.12X 12, G.16X 16; Standard 1 for the old Glue 0.9/1.0 worker). R.* and Z.2X workers
are billed in memory-optimized DPUs (M-DPU), a price the catalog does not have: such a job's line is unknown."""

PYTHON_SHELL_DEFAULT_DPU = 0.0625
SPARK_DEFAULT_DPU = 10.0
"""AWS Glue API, Job.MaxCapacity: a Python shell job defaults to 0.0625 DPU, an Apache Spark job to 10 DPUs."""


def job_dpus(inputs: dict[str, Any]) -> tuple[float | None, str]:
    """(DPUs a run of the job uses, how they were read); None when the inputs are unknown before apply."""
    workers, worker_type, capacity = inputs.get("numberOfWorkers"), inputs.get("workerType"), inputs.get("maxCapacity")
    command = inputs.get("command") or {}
    if is_unknown(workers, worker_type, capacity, command):
        return None, "worker count or capacity unknown before apply"
    if workers:
        per_worker = DPU_PER_WORKER.get(worker_type or "G.1X")
        if per_worker is None:
            return None, f"worker type {worker_type}: no DPU figure (R.* and Z.2X bill M-DPUs, not in the catalog)"
        return float(workers) * per_worker, f"{workers} x {worker_type or 'G.1X'}"
    if capacity:
        return float(capacity), "maxCapacity"
    if isinstance(command, dict) and command.get("name") == "pythonshell":
        return PYTHON_SHELL_DEFAULT_DPU, "Python shell default"
    return SPARK_DEFAULT_DPU, "Spark default"


def _job(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    dpus, how = job_dpus(inputs)
    if dpus is None:
        return Priced([ctx.unknown("Duration", "DPU-hour", how, usage_based=True)])
    hours = ctx.usage(resource, "monthlyHours")
    return Priced(
        [ctx.line(f"Duration ({dpus:g} DPUs, {how})", "glue:job:dpu", "DPU-hour", hours * dpus, usage_based=True)]
    )


def _crawler(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    return Priced(
        [ctx.line("Duration", "glue:crawler:dpu", "DPU-hour", ctx.usage(resource, "monthlyDpuHours"), usage_based=True)]
    )


def _catalog_database(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    # The first million objects stored and the first million requests a month are free (a catalog free tier shared
    # by the account's databases).
    return Priced(
        [
            ctx.line(
                "Storage",
                "glue:catalog:storage",
                "100k objects",
                ctx.usage(resource, "storedObjects") / 1e5,
                usage_based=True,
            ),
            ctx.line(
                "Requests",
                "glue:catalog:requests",
                "1M requests",
                ctx.usage(resource, "monthlyRequests") / 1e6,
                usage_based=True,
            ),
        ]
    )


PRICERS = {
    "aws:glue/job:Job": _job,
    "aws:glue/crawler:Crawler": _crawler,
    "aws:glue/catalogDatabase:CatalogDatabase": _catalog_database,
}

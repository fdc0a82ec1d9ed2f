"""The database move, read and driven on the live account: `rollout migrate status` and `rollout migrate cutover`.

Start tests the replication instance's connections to both databases and starts a ready task (never a stopped
one: it may already be cut over). Status reads the stack's DMS task (`<stack>-migration`, as components/migration.py names it): the task's state
and full-load progress (DescribeReplicationTasks), per-table load and validation state (DescribeTableStatistics),
and the change-capture latency (CloudWatch AWS/DMS CDCLatencySource and CDCLatencyTarget, the newest datapoint of
the last 15 minutes). Gates are pure functions of that status, so `cutover` can refuse with a reason per gate.

Cutover walks the checklist in order and stops at the first step whose gate fails:
  1. ready      the task runs CDC, every table is loaded, none failed, no validation mismatch;
  2. freeze     the operator has stopped writes to the old database (maintenance mode): confirmed, never assumed;
  3. drain      wait (bounded) until source + target latency is at most `max_lag_seconds` and every table validated;
  4. switch     the application's new connection settings (the RDS primary's address, port, database and
                master secret) are written for the app's deploy, and the operator confirms the app uses them;
  5. stop       the replication task is stopped, so nothing writes to the new primary behind the application.
Nothing is deleted: the old database stays as it is (the rollback), the DMS resources stay until `migrateFrom` is
removed from the stack.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from rollout.errors import UserError

LATENCY_METRICS = ("CDCLatencySource", "CDCLatencyTarget")
LATENCY_WINDOW = dt.timedelta(minutes=15)
# DescribeTableStatistics ValidationState values (DMS User Guide, "AWS DMS data validation": validation states).
VALIDATED = "Validated"
VALIDATION_FAILED = frozenset({"Mismatched records", "Failed", "Error", "Table error", "Suspended records",
                               "No primary key", "Cancelled"})
LOADED_STATES = frozenset({"Table completed"})
ERROR_STATES = frozenset({"Table error", "Error"})
CDC_TYPES = frozenset({"cdc", "full-load-and-cdc"})


def task_identifier(stack: str) -> str:
    """The replication task id the program gives a stack's migration (components/migration.py)."""
    return f"{stack}-migration"


def database_identifier(stack: str) -> str:
    """The primary's identifier as the program names it (`<stack>-database`, lowercase, single hyphens)."""
    import re

    text = re.sub(r"[^a-z0-9]+", "-", f"{stack}-database".lower()).strip("-")
    return (text if text[:1].isalpha() else f"db-{text}")[:50].rstrip("-")


@dataclass
class TableStatus:
    schema: str
    table: str
    state: str
    validation: str
    full_load_rows: int = 0
    inserts: int = 0
    updates: int = 0
    deletes: int = 0

    @property
    def name(self) -> str:
        return f"{self.schema}.{self.table}"

    def to_json(self) -> dict[str, Any]:
        return {"table": self.name, "state": self.state, "validation": self.validation,
                "fullLoadRows": self.full_load_rows, "inserts": self.inserts, "updates": self.updates,
                "deletes": self.deletes}


@dataclass
class MigrationStatus:
    """What DMS says about the task now. Latencies are seconds, None when CloudWatch has no recent datapoint."""

    task_id: str
    task_arn: str
    status: str
    migration_type: str
    full_load_percent: int | None
    tables: list[TableStatus]
    latency_source: float | None
    latency_target: float | None
    read_at: dt.datetime
    stop_reason: str = ""

    @property
    def lag_seconds(self) -> float | None:
        if self.latency_source is None or self.latency_target is None:
            return None
        return self.latency_source + self.latency_target

    @property
    def counts(self) -> dict[str, int]:
        return {
            "tables": len(self.tables),
            "loaded": sum(1 for t in self.tables if t.state in LOADED_STATES),
            "errored": sum(1 for t in self.tables if t.state in ERROR_STATES),
            "validated": sum(1 for t in self.tables if t.validation == VALIDATED),
            "validationFailed": sum(1 for t in self.tables if t.validation in VALIDATION_FAILED),
            "fullLoadRows": sum(t.full_load_rows for t in self.tables),
            "cdcChanges": sum(t.inserts + t.updates + t.deletes for t in self.tables),
        }

    def to_json(self) -> dict[str, Any]:
        return {"task": self.task_id, "taskArn": self.task_arn, "status": self.status,
                "migrationType": self.migration_type, "fullLoadPercent": self.full_load_percent,
                "latencySourceSeconds": self.latency_source, "latencyTargetSeconds": self.latency_target,
                "lagSeconds": self.lag_seconds, "counts": self.counts, "stopReason": self.stop_reason,
                "readAt": self.read_at.isoformat(), "tables": [t.to_json() for t in self.tables],
                "gates": [g.to_json() for g in ready_gates(self)]}


@dataclass(frozen=True)
class Gate:
    name: str
    passed: bool
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {"gate": self.name, "passed": self.passed, "detail": self.detail}


# --- gates (pure) -------------------------------------------------------------------------------------------------


def ready_gates(status: MigrationStatus) -> list[Gate]:
    """Step 1: the copy is complete and healthy, before anyone freezes the shop's writes."""
    counts = status.counts
    failed = [t.name for t in status.tables if t.validation in VALIDATION_FAILED or t.state in ERROR_STATES]
    return [
        Gate("task running", status.status == "running",
             f"task {status.task_id} is {status.status}" + (f" ({status.stop_reason})" if status.stop_reason else "")),
        Gate("change capture", status.migration_type in CDC_TYPES,
             f"migration type {status.migration_type} " + ("captures changes" if status.migration_type in CDC_TYPES
                                                           else "stops after the full load: writes would be lost")),
        Gate("tables loaded", bool(status.tables) and counts["loaded"] == counts["tables"],
             f"{counts['loaded']} of {counts['tables']} tables loaded"
             + (f" (full load {status.full_load_percent}%)" if status.full_load_percent is not None else "")),
        Gate("no failed tables", not failed, "none" if not failed else "failed or mismatched: " + ", ".join(failed)),
        Gate("lag known", status.lag_seconds is not None,
             f"lag {status.lag_seconds:.0f} s" if status.lag_seconds is not None
             else "no CDC latency datapoint in the last 15 minutes (is the task capturing changes?)"),
    ]


def drained_gates(status: MigrationStatus, max_lag_seconds: float) -> list[Gate]:
    """Step 3: after the freeze, nothing is left in flight and every table is validated."""
    lag = status.lag_seconds
    pending = [t.name for t in status.tables if t.validation != VALIDATED]
    return [
        Gate("zero lag", lag is not None and lag <= max_lag_seconds,
             f"lag {'unknown' if lag is None else f'{lag:.0f} s'} (at most {max_lag_seconds:.0f} s)"),
        Gate("all validated", not pending, "every table validated" if not pending
             else f"{len(pending)} table(s) not validated yet: {', '.join(pending[:5])}"),
        Gate("task running", status.status == "running", f"task is {status.status}"),
    ]


# --- reading DMS and CloudWatch ------------------------------------------------------------------------------------


@dataclass
class Clients:
    """boto3 clients; `table_stats` answers DescribeTableStatistics (defaults to `dms`)."""

    dms: Any
    cloudwatch: Any
    rds: Any = None
    table_stats: Any = None


def find_task(dms: Any, task: str) -> dict[str, Any]:
    """The task by ARN or identifier; UserError naming it when it does not exist."""
    key = "replication-task-arn" if task.startswith("arn:") else "replication-task-id"
    try:
        found = dms.describe_replication_tasks(Filters=[{"Name": key, "Values": [task]}])["ReplicationTasks"]
    except dms.exceptions.ResourceNotFoundFault:
        found = []
    if not found:
        raise UserError(f"--task {task}: no DMS replication task with that {'ARN' if key.endswith('arn') else 'id'} "
                        "(is database.migrateFrom applied on this stack?)")
    return found[0]


def read_tables(client: Any, task_arn: str) -> list[TableStatus]:
    tables: list[TableStatus] = []
    marker: str | None = None
    while True:
        page = client.describe_table_statistics(ReplicationTaskArn=task_arn, MaxRecords=500,
                                                **({"Marker": marker} if marker else {}))
        for row in page.get("TableStatistics", []):
            tables.append(TableStatus(
                schema=row.get("SchemaName", ""), table=row.get("TableName", ""), state=row.get("TableState", ""),
                validation=row.get("ValidationState", "Not enabled"), full_load_rows=int(row.get("FullLoadRows", 0)),
                inserts=int(row.get("Inserts", 0)), updates=int(row.get("Updates", 0)),
                deletes=int(row.get("Deletes", 0))))
        marker = page.get("Marker")
        if not marker:
            return tables


def latest_latency(cloudwatch: Any, metric: str, instance_id: str, task_resource_ids: Iterable[str],
                   now: dt.datetime) -> float | None:
    """The newest datapoint of a DMS latency metric, trying the task's resource id, then its identifier."""
    for task_id in task_resource_ids:
        points = cloudwatch.get_metric_statistics(
            Namespace="AWS/DMS", MetricName=metric, StartTime=now - LATENCY_WINDOW, EndTime=now, Period=60,
            Statistics=["Maximum"], Dimensions=[{"Name": "ReplicationInstanceIdentifier", "Value": instance_id},
                                                {"Name": "ReplicationTaskIdentifier", "Value": task_id}],
        )["Datapoints"]
        if points:
            return float(max(points, key=lambda p: p["Timestamp"])["Maximum"])
    return None


def read_status(clients: Clients, task: str, now: Callable[[], dt.datetime] | None = None) -> MigrationStatus:
    clock = now or (lambda: dt.datetime.now(dt.UTC))
    found = find_task(clients.dms, task)
    arn = found["ReplicationTaskArn"]
    instances = clients.dms.describe_replication_instances(
        Filters=[{"Name": "replication-instance-arn", "Values": [found["ReplicationInstanceArn"]]}])
    instance_id = (instances.get("ReplicationInstances") or [{}])[0].get("ReplicationInstanceIdentifier", "")
    stats = found.get("ReplicationTaskStats") or {}
    tables = read_tables(clients.table_stats or clients.dms, arn)
    read_at = clock()
    # CloudWatch names the task by the resource id at the end of its ARN (its identifier as a fallback).
    candidates = list(dict.fromkeys([arn.rsplit(":", 1)[-1], found["ReplicationTaskIdentifier"]]))
    source, target = (latest_latency(clients.cloudwatch, metric, instance_id, candidates, read_at)
                      for metric in LATENCY_METRICS)
    percent = stats.get("FullLoadProgressPercent")
    return MigrationStatus(task_id=found["ReplicationTaskIdentifier"], task_arn=arn, status=found.get("Status", ""),
                           migration_type=found.get("MigrationType", ""),
                           full_load_percent=int(percent) if percent is not None else None, tables=tables,
                           latency_source=source, latency_target=target, read_at=read_at,
                           stop_reason=found.get("StopReason", ""))


# --- starting the task ---------------------------------------------------------------------------------------------


def test_connections(dms: Any, task: dict[str, Any], *, timeout: float = 300.0, interval: float = 10.0,
                     sleep: Callable[[float], None] = time.sleep,
                     monotonic: Callable[[], float] = time.monotonic) -> list[Gate]:
    """TestConnection from the replication instance to the source and the target, waited on (bounded)."""
    instance = task["ReplicationInstanceArn"]
    endpoints = {"source": task["SourceEndpointArn"], "target": task["TargetEndpointArn"]}
    for arn in endpoints.values():
        dms.test_connection(ReplicationInstanceArn=instance, EndpointArn=arn)
    deadline = monotonic() + timeout
    while True:
        found = dms.describe_connections(Filters=[{"Name": "endpoint-arn", "Values": list(endpoints.values())},
                                                  {"Name": "replication-instance-arn", "Values": [instance]}])
        status = {c["EndpointArn"]: c for c in found.get("Connections", [])
                  if c.get("ReplicationInstanceArn") == instance}
        states = {role: (status.get(arn) or {}).get("Status", "testing") for role, arn in endpoints.items()}
        if all(state != "testing" for state in states.values()) or monotonic() + interval > deadline:
            return [Gate(f"{role} reachable", states[role] == "successful",
                         f"connection {states[role]}" + (f": {status[arn].get('LastFailureMessage')}"
                                                         if states[role] == "failed" and arn in status else ""))
                    for role, arn in endpoints.items()]
        sleep(interval)


def start(clients: Clients, task: str, **waits: Any) -> tuple[list[Gate], str]:
    """Start a ready task once both endpoints connect; (gates, status after). A stopped task is not restarted."""
    found = find_task(clients.dms, task)
    state = found.get("Status", "")
    gates = [Gate("task ready", state == "ready",
                  f"task is {state}" + ("" if state == "ready" else
                                        " (a stopped task is resumed only by hand: it may already be cut over)"))]
    if gates[0].passed:
        gates += test_connections(clients.dms, found, **waits)
    if not all(g.passed for g in gates):
        return gates, state
    clients.dms.start_replication_task(ReplicationTaskArn=found["ReplicationTaskArn"],
                                       StartReplicationTaskType="start-replication")
    return gates, find_task(clients.dms, found["ReplicationTaskArn"]).get("Status", "")


# --- the new connection settings -----------------------------------------------------------------------------------


def connection_settings(rds: Any, db_instance: str) -> dict[str, str]:
    """What the application needs to use the new primary (the password stays in Secrets Manager)."""
    try:
        (instance,) = rds.describe_db_instances(DBInstanceIdentifier=db_instance)["DBInstances"]
    except rds.exceptions.DBInstanceNotFoundFault:
        raise UserError(f"--db-instance {db_instance}: no such RDS instance in this region") from None
    endpoint = instance.get("Endpoint") or {}
    settings = {"DATABASE_HOST": endpoint.get("Address", ""), "DATABASE_PORT": str(endpoint.get("Port", "")),
                "DATABASE_NAME": instance.get("DBName", ""), "DATABASE_USER": instance.get("MasterUsername", ""),
                "DATABASE_SSLMODE": "require"}
    secret = (instance.get("MasterUserSecret") or {}).get("SecretArn")
    if secret:
        settings["DATABASE_PASSWORD_SECRET_ARN"] = secret
    if not settings["DATABASE_HOST"]:
        raise UserError(f"--db-instance {db_instance}: has no endpoint yet (status {instance.get('DBInstanceStatus')})")
    return settings


# --- cutover -------------------------------------------------------------------------------------------------------


@dataclass
class Step:
    name: str
    done: bool
    detail: str
    gates: list[Gate] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"step": self.name, "done": self.done, "detail": self.detail, "gates": [g.to_json() for g in self.gates]}


@dataclass
class CutoverReport:
    task: str
    steps: list[Step] = field(default_factory=list)
    lag_trace: list[float | None] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)
    final: dict[str, Any] = field(default_factory=dict)

    @property
    def completed(self) -> bool:
        return len(self.steps) == len(STEPS) and all(s.done for s in self.steps)

    @property
    def refused_at(self) -> str | None:
        return next((s.name for s in self.steps if not s.done), None)

    def to_json(self) -> dict[str, Any]:
        return {"task": self.task, "completed": self.completed, "refusedAt": self.refused_at,
                "steps": [s.to_json() for s in self.steps], "lagTraceSeconds": self.lag_trace,
                "connectionSettings": self.settings, "final": self.final}


STEPS = ("ready", "freeze", "drain", "switch", "stop")


def cutover(clients: Clients, task: str, db_instance: str, *, confirm: Callable[[str], bool],
            write_settings: Callable[[dict[str, str]], str], max_lag_seconds: float = 1.0,
            timeout: float = 900.0, interval: float = 15.0, sleep: Callable[[float], None] = time.sleep,
            monotonic: Callable[[], float] = time.monotonic, now: Callable[[], dt.datetime] | None = None,
            progress: Callable[[str], None] = lambda _message: None) -> CutoverReport:
    """Walk the checklist; stop (step not done) at the first gate that fails or confirmation that is refused."""
    status = read_status(clients, task, now)
    report = CutoverReport(task=status.task_id)
    report.lag_trace.append(status.lag_seconds)
    gates = ready_gates(status)
    report.steps.append(Step("ready", all(g.passed for g in gates), _summary(gates), gates))
    if not report.steps[-1].done:
        return report

    question = (f"Writes to the old database stopped (shop in maintenance or read-only)? The lag is now "
                f"{status.lag_seconds:.0f} s; it must reach {max_lag_seconds:.0f} s once nothing writes.")
    frozen = confirm(question)
    report.steps.append(Step("freeze", frozen, "operator confirmed writes are frozen" if frozen
                             else "not confirmed: freeze writes on the old server, then run cutover again"))
    if not frozen:
        return report

    deadline = monotonic() + timeout
    while True:
        status = read_status(clients, task, now)
        report.lag_trace.append(status.lag_seconds)
        gates = drained_gates(status, max_lag_seconds)
        if all(g.passed for g in gates):
            report.steps.append(Step("drain", True, _summary(gates), gates))
            break
        if monotonic() + interval > deadline:
            report.steps.append(Step("drain", False, f"not drained within {timeout:.0f} s: {_summary(gates)}; "
                                                     "unfreeze writes or keep waiting", gates))
            return report
        progress(f"waiting: {_summary(gates)}")
        sleep(interval)

    if clients.rds is None:
        raise UserError("cutover needs an RDS client to read the new primary's endpoint")
    report.settings = connection_settings(clients.rds, db_instance)
    where = write_settings(report.settings)
    switched = confirm(f"The application's new connection settings are in {where}. Is the app deployed with them "
                       "and serving from the new primary?")
    report.steps.append(Step("switch", switched, f"connection settings written to {where}" + (
        "; operator confirmed the app uses them" if switched else "; not confirmed: the task keeps running")))
    if not switched:
        return report

    clients.dms.stop_replication_task(ReplicationTaskArn=status.task_arn)
    final = find_task(clients.dms, status.task_arn)
    report.final = {"status": final.get("Status"), "counts": status.counts, "lagSeconds": status.lag_seconds}
    report.steps.append(Step("stop", final.get("Status") in ("stopped", "stopping"),
                             f"replication task {final.get('Status')}; the old database is untouched (rollback)"))
    return report


def _summary(gates: list[Gate]) -> str:
    failing = [g for g in gates if not g.passed]
    return "; ".join(f"{g.name}: {g.detail}" for g in (failing or gates))

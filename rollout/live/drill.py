"""Backup restore drill: prove that an RDS snapshot restores, and measure RPO and RTO.

The drill takes a snapshot of the source (or uses the latest one, or a named one), restores it into a temporary,
private instance named `rollout-drill-...`, waits until it is available (bounded), checks it (engine, encryption,
size, optional SQL probe), and deletes what it created unless asked to keep it — also when a step fails or the
user interrupts. It never modifies the source instance (taking a snapshot does not change its configuration).
An unencrypted snapshot is first copied with encryption, so the restored copy of the data is always encrypted.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rollout.errors import UserError

PREFIX = "rollout-drill-"
DEFAULT_KMS_KEY = "alias/aws/rds"
PASSWORD_ENV = "ROLLOUT_DRILL_PASSWORD"


@dataclass
class DrillReport:
    """What the drill did and measured. Times are UTC; durations in seconds."""

    source: str
    snapshot: str
    snapshot_created: dt.datetime
    snapshot_taken: bool
    restored: str
    rpo_seconds: float = 0.0
    rto_seconds: float = 0.0
    checks: dict[str, bool] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    probe: str = "not run"
    kept: bool = False
    cleanup: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(self.checks.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source, "snapshot": self.snapshot,
            "snapshotCreated": self.snapshot_created.isoformat(), "snapshotTaken": self.snapshot_taken,
            "restoredInstance": self.restored, "rpoSeconds": round(self.rpo_seconds, 1),
            "rtoSeconds": round(self.rto_seconds, 1), "checks": self.checks, "details": self.details,
            "probe": self.probe, "passed": self.passed, "kept": self.kept, "cleanup": self.cleanup,
        }


def drill_identifier(source: str, suffix: str | None = None) -> str:
    """A unique RDS identifier with the drill prefix (≤63 chars, letters/digits/hyphens, no double hyphen)."""
    suffix = suffix or uuid.uuid4().hex[:8]
    stem = "".join(ch if ch.isalnum() else "-" for ch in source.lower()).strip("-")
    while "--" in stem:
        stem = stem.replace("--", "-")
    return f"{PREFIX}{stem[:63 - len(PREFIX) - len(suffix) - 1]}-{suffix}".replace("--", "-")


def source_instance(rds: Any, identifier: str) -> dict[str, Any]:
    """The source instance, or UserError when it does not exist (the drill refuses to act)."""
    from botocore.exceptions import ClientError

    try:
        return rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "DBInstanceNotFound":
            raise UserError(f"--db-instance: no RDS instance {identifier!r} in region {rds.meta.region_name}") from None
        raise


def pick_snapshot(rds: Any, source: str, snapshot: str | None) -> dict[str, Any] | None:
    """The named snapshot (it must belong to the source), the latest available one ("latest"), or None."""
    if snapshot is None:
        return None
    if snapshot == "latest":
        candidates = [s for s in _snapshots(rds, DBInstanceIdentifier=source) if s.get("Status") == "available"]
        if not candidates:
            raise UserError(f"--snapshot latest: instance {source!r} has no available snapshot")
        return max(candidates, key=lambda s: s["SnapshotCreateTime"])
    found = _snapshots(rds, DBSnapshotIdentifier=snapshot)
    if not found:
        raise UserError(f"--snapshot: no snapshot {snapshot!r}")
    if found[0].get("DBInstanceIdentifier") != source:
        raise UserError(f"--snapshot: {snapshot!r} is a snapshot of {found[0].get('DBInstanceIdentifier')!r}, "
                        f"not of {source!r}")
    return found[0]


def _snapshots(rds: Any, **params: Any) -> list[dict[str, Any]]:
    from botocore.exceptions import ClientError

    try:
        pages = rds.get_paginator("describe_db_snapshots").paginate(**params)
        return [s for page in pages for s in page.get("DBSnapshots", [])]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "DBSnapshotNotFound":
            return []
        raise


def probe_database(address: str | None, port: int | None, engine: str, user: str | None,
                   timeout: float = 3.0) -> str:
    """Try `SELECT 1` on the restored instance when it is reachable and a driver and password are available;
    otherwise say why it was skipped (a private instance is usually unreachable from where the drill runs)."""
    if not address or not port:
        return "skipped: no endpoint"
    try:
        with socket.create_connection((address, port), timeout=timeout):
            pass
    except OSError as error:
        return f"skipped: {address}:{port} unreachable from here ({error.__class__.__name__})"
    family = "postgres" if "postgres" in engine else "mysql" if ("mysql" in engine or "mariadb" in engine) else None
    module_name = {"postgres": "psycopg", "mysql": "pymysql"}.get(family or "")
    if module_name is None:
        return f"skipped: no SQL probe for engine {engine}"
    try:
        driver = __import__(module_name)
    except ImportError:
        return f"skipped: reachable, but the {module_name} driver is not installed"
    password = os.environ.get(PASSWORD_ENV)
    if not password:
        return f"skipped: reachable, but {PASSWORD_ENV} is not set"
    try:  # pragma: no cover - needs a real database
        if family == "postgres":
            with driver.connect(host=address, port=port, user=user, password=password, dbname="postgres",
                                connect_timeout=int(timeout), sslmode="require") as connection:
                connection.execute("SELECT 1")
        else:
            connection = driver.connect(host=address, port=port, user=user, password=password,
                                        connect_timeout=int(timeout), ssl={"ssl": {}})
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            connection.close()
        return "ok: SELECT 1 succeeded"
    except Exception as error:  # pragma: no cover - needs a real database
        return f"failed: {error.__class__.__name__}: {error}"


def check_restored(restored: dict[str, Any], source: dict[str, Any], snapshot: dict[str, Any]) -> dict[str, bool]:
    """Pure comparison of the restored instance with its source and snapshot."""
    return {
        "available": restored.get("DBInstanceStatus") == "available",
        "engine": restored.get("Engine") == source.get("Engine"),
        "storageEncrypted": bool(restored.get("StorageEncrypted")),
        "private": not restored.get("PubliclyAccessible", False),
        "size": int(restored.get("AllocatedStorage") or 0) >= int(snapshot.get("AllocatedStorage") or 0),
    }


def run_backup_drill(rds: Any, db_instance: str, *, snapshot: str | None = None, keep: bool = False,
                     timeout: float = 3600, poll_seconds: int = 30,
                     probe: Callable[..., str] = probe_database,
                     progress: Callable[[str], None] = lambda _: None,
                     clock: Callable[[], float] = time.monotonic) -> DrillReport:
    """Run the drill with an RDS client; see the module docstring. Raises UserError on bad input."""
    source = source_instance(rds, db_instance)
    picked = pick_snapshot(rds, db_instance, snapshot)
    created: list[tuple[str, str]] = []  # (kind, identifier) of what the drill made, deleted in reverse order
    restored_id = drill_identifier(db_instance)
    report: DrillReport | None = None
    try:
        if picked is None:
            picked = _take_snapshot(rds, db_instance, drill_identifier(db_instance), timeout, poll_seconds, progress)
            created.append(("snapshot", picked["DBSnapshotIdentifier"]))
        restore_from = picked
        if not picked.get("Encrypted"):
            restore_from = _encrypted_copy(rds, picked, drill_identifier(db_instance), timeout, poll_seconds, progress)
            created.append(("snapshot", restore_from["DBSnapshotIdentifier"]))
        report = DrillReport(db_instance, picked["DBSnapshotIdentifier"], picked["SnapshotCreateTime"],
                             snapshot is None, restored_id, kept=keep)
        progress(f"restoring {restore_from['DBSnapshotIdentifier']} into {restored_id}")
        started_at, started = dt.datetime.now(dt.UTC), clock()
        rds.restore_db_instance_from_db_snapshot(**_restore_params(source, restore_from, restored_id))
        created.append(("instance", restored_id))
        _wait(rds, "db_instance_available", {"DBInstanceIdentifier": restored_id}, timeout, poll_seconds)
        report.rto_seconds = clock() - started
        report.rpo_seconds = (started_at - picked["SnapshotCreateTime"]).total_seconds()
        restored = rds.describe_db_instances(DBInstanceIdentifier=restored_id)["DBInstances"][0]
        report.checks = check_restored(restored, source, picked)
        report.details = {"engine": restored.get("Engine"), "engineVersion": restored.get("EngineVersion"),
                          "allocatedStorageGiB": restored.get("AllocatedStorage"),
                          "instanceClass": restored.get("DBInstanceClass")}
        endpoint = restored.get("Endpoint") or {}
        report.probe = probe(endpoint.get("Address"), endpoint.get("Port"), str(restored.get("Engine", "")),
                             source.get("MasterUsername"))
        if report.probe.startswith("failed"):
            report.checks["sqlProbe"] = False
        elif report.probe.startswith("ok"):
            report.checks["sqlProbe"] = True
        return report
    finally:
        done = [f"kept {kind} {name}" for kind, name in reversed(created)] if keep else \
            _cleanup(rds, created, progress)
        if report is not None:
            report.cleanup = done


def _restore_params(source: dict[str, Any], snapshot: dict[str, Any], identifier: str) -> dict[str, Any]:
    """Private, single-AZ, no deletion protection, in the source's subnets and security groups."""
    params: dict[str, Any] = {
        "DBInstanceIdentifier": identifier, "DBSnapshotIdentifier": snapshot["DBSnapshotIdentifier"],
        "DBInstanceClass": source["DBInstanceClass"], "PubliclyAccessible": False, "MultiAZ": False,
        "DeletionProtection": False, "CopyTagsToSnapshot": False, "AutoMinorVersionUpgrade": False,
        "Tags": [{"Key": "rollout:drill", "Value": source["DBInstanceIdentifier"]}],
    }
    subnet_group = (source.get("DBSubnetGroup") or {}).get("DBSubnetGroupName")
    if subnet_group:
        params["DBSubnetGroupName"] = subnet_group
    groups = [g["VpcSecurityGroupId"] for g in source.get("VpcSecurityGroups", []) if g.get("VpcSecurityGroupId")]
    if groups:
        params["VpcSecurityGroupIds"] = groups
    parameter_groups = [g["DBParameterGroupName"] for g in source.get("DBParameterGroups", [])]
    if parameter_groups:
        params["DBParameterGroupName"] = parameter_groups[0]
    return params


def _take_snapshot(rds: Any, source: str, identifier: str, timeout: float, poll: int,
                   progress: Callable[[str], None]) -> dict[str, Any]:
    progress(f"taking snapshot {identifier} of {source}")
    rds.create_db_snapshot(DBSnapshotIdentifier=identifier, DBInstanceIdentifier=source,
                           Tags=[{"Key": "rollout:drill", "Value": source}])
    _wait(rds, "db_snapshot_available", {"DBSnapshotIdentifier": identifier}, timeout, poll)
    return rds.describe_db_snapshots(DBSnapshotIdentifier=identifier)["DBSnapshots"][0]


def _encrypted_copy(rds: Any, snapshot: dict[str, Any], identifier: str, timeout: float, poll: int,
                    progress: Callable[[str], None]) -> dict[str, Any]:
    progress(f"snapshot {snapshot['DBSnapshotIdentifier']} is not encrypted: copying it encrypted as {identifier}")
    rds.copy_db_snapshot(SourceDBSnapshotIdentifier=snapshot["DBSnapshotIdentifier"],
                         TargetDBSnapshotIdentifier=identifier, KmsKeyId=DEFAULT_KMS_KEY,
                         Tags=[{"Key": "rollout:drill", "Value": snapshot.get("DBInstanceIdentifier", "")}])
    _wait(rds, "db_snapshot_available", {"DBSnapshotIdentifier": identifier}, timeout, poll)
    return rds.describe_db_snapshots(DBSnapshotIdentifier=identifier)["DBSnapshots"][0]


def _wait(rds: Any, waiter: str, params: dict[str, Any], timeout: float, poll: int) -> None:
    """A bounded botocore waiter: at most `timeout` seconds, polling every `poll` seconds."""
    from botocore.exceptions import WaiterError

    attempts = max(1, int(timeout // max(poll, 1)))
    try:
        rds.get_waiter(waiter).wait(**params, WaiterConfig={"Delay": poll, "MaxAttempts": attempts})
    except WaiterError as error:
        raise TimeoutError(f"{waiter} for {params} did not succeed within {timeout:.0f}s: {error}") from None


def _cleanup(rds: Any, created: list[tuple[str, str]], progress: Callable[[str], None]) -> list[str]:
    """Delete what the drill created (only `rollout-drill-` names), newest first; say what happened, never raise."""
    done = []
    for kind, name in reversed(created):
        if not name.startswith(PREFIX):  # pragma: no cover - defensive: never touch anything else
            continue
        progress(f"deleting drill {kind} {name}")
        try:
            if kind == "instance":
                _delete_instance(rds, name)
            else:
                rds.delete_db_snapshot(DBSnapshotIdentifier=name)
            done.append(f"deleted {kind} {name}")
        except Exception as error:  # noqa: BLE001 - cleanup must go on and say what is left behind
            done.append(f"could not delete {kind} {name} ({error}); delete it by hand")
            progress(done[-1])
    return done


def _delete_instance(rds: Any, name: str) -> None:
    """Delete a drill instance without a final snapshot (it is a copy); lift deletion protection if the restore
    inherited it."""
    from botocore.exceptions import ClientError

    params = {"DBInstanceIdentifier": name, "SkipFinalSnapshot": True, "DeleteAutomatedBackups": True}
    try:
        rds.delete_db_instance(**params)
    except ClientError as error:
        if "deletion protection" not in str(error).lower():
            raise
        rds.modify_db_instance(DBInstanceIdentifier=name, DeletionProtection=False, ApplyImmediately=True)
        rds.delete_db_instance(**params)

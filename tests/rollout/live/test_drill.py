"""The backup restore drill against moto: happy path, cleanup on failure, refusals, the SQL probe."""

from __future__ import annotations

import socket

import boto3
import pytest
from moto import mock_aws

from rollout.errors import UserError
from rollout.live import drill
from tests.rollout.audit_fixtures import fake_aws_environment

REGION = "ap-southeast-1"
SOURCE_FIELDS = ("DBInstanceStatus", "PubliclyAccessible", "StorageEncrypted", "BackupRetentionPeriod",
                 "DeletionProtection", "DBInstanceClass", "AllocatedStorage", "MultiAZ")


@pytest.fixture
def rds(monkeypatch):
    fake_aws_environment(monkeypatch)
    with mock_aws():
        yield boto3.client("rds", region_name=REGION)


def make_source(rds, identifier="shop-db", encrypted=True):
    rds.create_db_instance(DBInstanceIdentifier=identifier, Engine="postgres", DBInstanceClass="db.t4g.micro",
                           AllocatedStorage=20, MasterUsername="shop", MasterUserPassword="not-a-secret-123",
                           StorageEncrypted=encrypted, BackupRetentionPeriod=7, DeletionProtection=True)
    return snapshot_of(rds, identifier)


def snapshot_of(rds, identifier):
    db = rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]
    return {key: db.get(key) for key in SOURCE_FIELDS}


def instances(rds):
    return sorted(d["DBInstanceIdentifier"] for d in rds.describe_db_instances()["DBInstances"])


def drill_snapshots(rds):
    return [s["DBSnapshotIdentifier"] for s in rds.describe_db_snapshots()["DBSnapshots"]
            if s["DBSnapshotIdentifier"].startswith(drill.PREFIX)]


def unreachable(*_args):
    return "skipped: test"


def test_happy_path_restores_checks_reports_and_cleans_up(rds):
    before = make_source(rds)

    report = drill.run_backup_drill(rds, "shop-db", poll_seconds=1, timeout=60, probe=unreachable)

    assert report.passed
    assert report.checks == {"available": True, "engine": True, "storageEncrypted": True, "private": True,
                             "size": True}
    assert report.snapshot_taken and report.snapshot.startswith("rollout-drill-shop-db-")
    assert report.restored.startswith("rollout-drill-shop-db-") and report.restored != report.snapshot
    assert report.rpo_seconds >= 0 and report.rto_seconds >= 0
    assert report.details["engine"] == "postgres" and report.details["allocatedStorageGiB"] == 20
    assert report.cleanup == [f"deleted instance {report.restored}", f"deleted snapshot {report.snapshot}"]
    assert instances(rds) == ["shop-db"]
    assert drill_snapshots(rds) == []
    assert snapshot_of(rds, "shop-db") == before  # the source is never modified


def test_latest_unencrypted_snapshot_is_restored_through_an_encrypted_copy(rds):
    make_source(rds, encrypted=False)
    automated = rds.describe_db_snapshots(DBInstanceIdentifier="shop-db")["DBSnapshots"][0]["DBSnapshotIdentifier"]

    report = drill.run_backup_drill(rds, "shop-db", snapshot="latest", poll_seconds=1, timeout=60, probe=unreachable)

    assert report.snapshot == automated and not report.snapshot_taken
    assert report.checks["storageEncrypted"] is True
    assert len(report.cleanup) == 2 and report.cleanup[1].startswith("deleted snapshot rollout-drill-")
    assert drill_snapshots(rds) == [] and instances(rds) == ["shop-db"]


def test_keep_leaves_the_restored_instance(rds):
    make_source(rds)
    report = drill.run_backup_drill(rds, "shop-db", keep=True, poll_seconds=1, timeout=60, probe=unreachable)
    assert report.restored in instances(rds)
    assert report.cleanup[0] == f"kept instance {report.restored}"


@pytest.mark.parametrize("failure", [RuntimeError("probe exploded"), KeyboardInterrupt()])
def test_failure_or_interrupt_after_restore_still_deletes_the_temporary_instance(rds, failure):
    make_source(rds)
    seen = []

    def failing_probe(*_args):
        seen.extend(i for i in instances(rds) if i.startswith(drill.PREFIX))
        raise failure

    with pytest.raises(type(failure)):
        drill.run_backup_drill(rds, "shop-db", poll_seconds=1, timeout=60, probe=failing_probe)

    assert len(seen) == 1  # the restore had happened
    assert instances(rds) == ["shop-db"]
    assert drill_snapshots(rds) == []


def test_missing_instance_is_refused_before_anything_is_created(rds):
    with pytest.raises(UserError, match="--db-instance: no RDS instance 'nope' in region ap-southeast-1"):
        drill.run_backup_drill(rds, "nope", probe=unreachable)
    assert instances(rds) == [] and drill_snapshots(rds) == []


def test_snapshot_of_another_instance_or_unknown_snapshot_is_refused(rds):
    make_source(rds)
    make_source(rds, "other-db")
    rds.create_db_snapshot(DBSnapshotIdentifier="other-manual", DBInstanceIdentifier="other-db")
    with pytest.raises(UserError, match="'other-manual' is a snapshot of 'other-db', not of 'shop-db'"):
        drill.run_backup_drill(rds, "shop-db", snapshot="other-manual", probe=unreachable)
    with pytest.raises(UserError, match="no snapshot 'missing'"):
        drill.run_backup_drill(rds, "shop-db", snapshot="missing", probe=unreachable)
    assert instances(rds) == ["other-db", "shop-db"]


def test_drill_identifiers_are_unique_valid_rds_names():
    first, second = drill.drill_identifier("Shop_DB--prod"), drill.drill_identifier("Shop_DB--prod")
    assert first != second
    assert first.startswith("rollout-drill-shop-db-prod-") and "--" not in first
    assert len(drill.drill_identifier("x" * 80)) <= 63


def test_probe_skips_cleanly_when_unreachable_or_without_driver():
    assert drill.probe_database(None, None, "postgres", "shop") == "skipped: no endpoint"
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        port = server.getsockname()[1]
    assert drill.probe_database("127.0.0.1", port, "postgres", "shop", timeout=1).startswith(
        f"skipped: 127.0.0.1:{port} unreachable")
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        result = drill.probe_database("127.0.0.1", port, "postgres", "shop", timeout=1)
    assert result in ("skipped: reachable, but the psycopg driver is not installed",
                      f"skipped: reachable, but {drill.PASSWORD_ENV} is not set")

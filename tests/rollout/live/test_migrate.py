"""`rollout migrate` on moto: DMS task, instance and endpoints, CloudWatch latency, the RDS primary.

moto 5.2.5's DMS backend has no DescribeTableStatistics and returns no ReplicationTaskStats: the table statistics
come from a botocore Stubber on a second DMS client (its responses are checked against the real API model), and
everything else (tasks, start/stop, instances, CloudWatch metrics, RDS) from moto.
"""

from __future__ import annotations

import datetime as dt

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from rollout.errors import UserError
from rollout.live import migrate
from tests.rollout.audit_fixtures import fake_aws_environment

REGION = "ap-southeast-1"
NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)
TABLES = [("public", "orders", 1200), ("public", "customers", 300), ("public", "products", 85)]


@pytest.fixture
def aws(monkeypatch):
    fake_aws_environment(monkeypatch)
    with mock_aws():
        yield {name: boto3.client(name, region_name=REGION) for name in ("dms", "cloudwatch", "rds")}


def make_migration(aws, *, migration_type="full-load-and-cdc", start=True) -> str:
    dms = aws["dms"]
    instance = dms.create_replication_instance(
        ReplicationInstanceIdentifier="prod-migration", ReplicationInstanceClass="dms.t3.small",
        AllocatedStorage=50, PubliclyAccessible=False)["ReplicationInstance"]
    source = dms.create_endpoint(EndpointIdentifier="prod-migration-source", EndpointType="source",
                                 EngineName="postgres", ServerName="203.0.113.10", Port=5432,
                                 DatabaseName="shop", Username="dms", Password="x", SslMode="require")["Endpoint"]
    target = dms.create_endpoint(EndpointIdentifier="prod-migration-target", EndpointType="target",
                                 EngineName="postgres", ServerName="prod-database.internal", Port=5432,
                                 DatabaseName="app", Username="dms", Password="x", SslMode="require")["Endpoint"]
    task = dms.create_replication_task(
        ReplicationTaskIdentifier="prod-migration", SourceEndpointArn=source["EndpointArn"],
        TargetEndpointArn=target["EndpointArn"], ReplicationInstanceArn=instance["ReplicationInstanceArn"],
        MigrationType=migration_type, TableMappings='{"rules": []}')["ReplicationTask"]
    if start:
        dms.start_replication_task(ReplicationTaskArn=task["ReplicationTaskArn"],
                                   StartReplicationTaskType="start-replication")
    else:  # DMS makes a created task "ready"; moto 5.2.5 leaves it "creating" until started
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.dms.models import dms_backends

        dms_backends[DEFAULT_ACCOUNT_ID][REGION].replication_tasks[task["ReplicationTaskArn"]].ready()
    aws["rds"].create_db_instance(DBInstanceIdentifier="prod-database", Engine="postgres", DBName="app",
                                  DBInstanceClass="db.t4g.small", AllocatedStorage=20, MasterUsername="app_admin",
                                  ManageMasterUserPassword=True)
    return task["ReplicationTaskArn"]


def put_latency(cloudwatch, seconds: float, at: dt.datetime, metric_names=migrate.LATENCY_METRICS) -> None:
    for metric in metric_names:
        cloudwatch.put_metric_data(Namespace="AWS/DMS", MetricData=[{
            "MetricName": metric, "Timestamp": at, "Value": seconds / 2, "Unit": "Seconds",
            "Dimensions": [{"Name": "ReplicationInstanceIdentifier", "Value": "prod-migration"},
                           {"Name": "ReplicationTaskIdentifier", "Value": "prod-migration"}]}])


def table_stats(task_arn: str, validations: list[list[str]], states: str = "Table completed") -> object:
    """A stubbed DMS client answering DescribeTableStatistics once per entry of `validations`."""
    client = boto3.client("dms", region_name=REGION)
    stubber = Stubber(client)
    for round_, states_of_round in enumerate(validations):
        stubber.add_response("describe_table_statistics", {"TableStatistics": [
            {"SchemaName": schema, "TableName": table, "TableState": states, "ValidationState": validation,
             "FullLoadRows": rows, "Inserts": 10 * round_, "Updates": 4, "Deletes": 1}
            for (schema, table, rows), validation in zip(TABLES, states_of_round)]},
            {"ReplicationTaskArn": task_arn, "MaxRecords": 500})
    stubber.activate()
    client.stubber = stubber  # keep it alive with the client
    return client


def clients(aws, stats) -> migrate.Clients:
    return migrate.Clients(dms=aws["dms"], cloudwatch=aws["cloudwatch"], rds=aws["rds"], table_stats=stats)


def test_status_reads_tables_validation_and_lag(aws):
    arn = make_migration(aws)
    put_latency(aws["cloudwatch"], 42, NOW - dt.timedelta(minutes=2))
    status = migrate.read_status(clients(aws, table_stats(arn, [["Validated", "Pending records", "Validated"]])),
                                 "prod-migration", now=lambda: NOW)
    assert status.status == "running" and status.migration_type == "full-load-and-cdc"
    assert status.counts == {"tables": 3, "loaded": 3, "errored": 0, "validated": 2, "validationFailed": 0,
                             "fullLoadRows": 1585, "cdcChanges": 15}
    assert status.lag_seconds == pytest.approx(42)
    assert all(g.passed for g in migrate.ready_gates(status))
    document = status.to_json()
    assert document["lagSeconds"] == pytest.approx(42) and len(document["tables"]) == 3


def test_cutover_end_to_end_waits_for_zero_lag_then_stops_the_task(aws, tmp_path):
    arn = make_migration(aws)
    cloudwatch = aws["cloudwatch"]
    put_latency(cloudwatch, 42, NOW - dt.timedelta(minutes=3))
    # three reads: before the freeze, while draining (lag 6 s, one table pending), drained (0 s, all validated)
    stats = table_stats(arn, [["Validated", "Pending records", "Validated"],
                              ["Validated", "Pending records", "Validated"],
                              ["Validated", "Validated", "Validated"]])
    # CloudWatch answers per 60 s period: each reading lands in its own minute
    clock = iter([NOW, NOW + dt.timedelta(seconds=30), NOW + dt.timedelta(seconds=130)])
    readings = iter([(6, NOW + dt.timedelta(seconds=20)), (0, NOW + dt.timedelta(seconds=100))])
    questions: list[str] = []
    slept: list[float] = []

    def now():
        current = next(clock)
        reading = next(readings, None) if questions else None
        if reading is not None:
            put_latency(cloudwatch, *reading)
        return current

    def confirm(question: str) -> bool:
        questions.append(question)
        return True

    written = {}

    def write(settings):
        written.update(settings)
        return str(tmp_path / "cutover-prod.env")

    report = migrate.cutover(clients(aws, stats), "prod-migration", "prod-database", confirm=confirm,
                             write_settings=write, max_lag_seconds=1, timeout=600, interval=15,
                             sleep=slept.append, monotonic=lambda: 0.0, now=now)
    assert [s.name for s in report.steps] == list(migrate.STEPS) and report.completed, report.to_json()
    assert report.lag_trace == [pytest.approx(42), pytest.approx(6), pytest.approx(0)]
    assert slept == [15] and len(questions) == 2 and "42 s" in questions[0]
    assert written["DATABASE_NAME"] == "app" and written["DATABASE_PORT"] == "5432"
    assert written["DATABASE_HOST"] and written["DATABASE_SSLMODE"] == "require"
    assert report.final["status"] == "stopped" and report.final["counts"]["validated"] == 3
    task = aws["dms"].describe_replication_tasks()["ReplicationTasks"][0]
    assert task["Status"] == "stopped"
    stats.stubber.assert_no_pending_responses()


def test_cutover_refuses_while_a_table_failed_validation_and_touches_nothing(aws):
    arn = make_migration(aws)
    put_latency(aws["cloudwatch"], 2, NOW - dt.timedelta(minutes=1))
    stats = table_stats(arn, [["Validated", "Mismatched records", "Validated"]])
    asked: list[str] = []
    report = migrate.cutover(clients(aws, stats), "prod-migration", "prod-database",
                             confirm=lambda q: asked.append(q) or True, write_settings=lambda s: "unused",
                             now=lambda: NOW)
    assert report.refused_at == "ready" and not report.completed and asked == []
    failing = [g.name for g in report.steps[0].gates if not g.passed]
    assert failing == ["no failed tables"] and "public.customers" in report.steps[0].detail
    assert aws["dms"].describe_replication_tasks()["ReplicationTasks"][0]["Status"] == "running"


def test_cutover_refuses_a_full_load_only_task_and_a_stopped_one(aws):
    arn = make_migration(aws, migration_type="full-load", start=False)
    put_latency(aws["cloudwatch"], 0, NOW - dt.timedelta(minutes=1))
    status = migrate.read_status(clients(aws, table_stats(arn, [["Validated"] * 3])), "prod-migration",
                                 now=lambda: NOW)
    failing = {g.name for g in migrate.ready_gates(status) if not g.passed}
    assert failing == {"task running", "change capture"}


def test_cutover_stops_when_the_freeze_is_not_confirmed(aws):
    arn = make_migration(aws)
    put_latency(aws["cloudwatch"], 4, NOW - dt.timedelta(minutes=1))
    report = migrate.cutover(clients(aws, table_stats(arn, [["Validated"] * 3])), "prod-migration",
                             "prod-database", confirm=lambda q: False, write_settings=lambda s: "unused",
                             now=lambda: NOW)
    assert report.refused_at == "freeze" and "run cutover again" in report.steps[-1].detail


def test_drain_times_out_when_the_lag_stays_and_the_task_keeps_running(aws):
    arn = make_migration(aws)
    put_latency(aws["cloudwatch"], 30, NOW - dt.timedelta(minutes=1))
    stats = table_stats(arn, [["Validated"] * 3, ["Validated"] * 3, ["Validated"] * 3])
    ticks = iter([0.0, 0.0, 20.0, 40.0])
    report = migrate.cutover(clients(aws, stats), "prod-migration", "prod-database", confirm=lambda q: True,
                             write_settings=lambda s: "unused", timeout=30, interval=15, sleep=lambda s: None,
                             monotonic=lambda: next(ticks), now=lambda: NOW)
    assert report.refused_at == "drain" and "not drained within 30 s" in report.steps[-1].detail
    assert aws["dms"].describe_replication_tasks()["ReplicationTasks"][0]["Status"] == "running"


def test_no_latency_datapoint_is_a_failing_gate_not_zero(aws):
    arn = make_migration(aws)
    status = migrate.read_status(clients(aws, table_stats(arn, [["Validated"] * 3])), "prod-migration",
                                 now=lambda: NOW)
    assert status.lag_seconds is None
    assert [g.name for g in migrate.ready_gates(status) if not g.passed] == ["lag known"]


def test_unknown_task_and_instance_are_bad_input(aws):
    with pytest.raises(UserError, match="--task nope: no DMS replication task"):
        migrate.find_task(aws["dms"], "nope")
    with pytest.raises(UserError, match="--db-instance missing: no such RDS instance"):
        migrate.connection_settings(aws["rds"], "missing")


@pytest.mark.parametrize(("stack", "expected"), [("prod", "prod-database"), ("Shop_1", "shop-1-database"),
                                                 ("9x", "db-9x-database")])
def test_names_follow_the_program(stack, expected):
    assert migrate.database_identifier(stack) == expected and migrate.task_identifier(stack) == f"{stack}-migration"


def test_start_tests_both_connections_then_starts_a_ready_task(aws):
    make_migration(aws, start=False)
    dms = aws["dms"]
    task = dms.describe_replication_tasks()["ReplicationTasks"][0]
    assert task["Status"] == "ready"
    gates, status = migrate.start(clients(aws, None), "prod-migration", interval=1, sleep=lambda s: None)
    assert [(g.name, g.passed) for g in gates] == [("task ready", True), ("source reachable", True),
                                                   ("target reachable", True)]
    assert status == "running"
    again, state = migrate.start(clients(aws, None), "prod-migration")
    assert [(g.name, g.passed) for g in again] == [("task ready", False)] and state == "running"


def test_start_refuses_when_the_source_cannot_be_reached():
    """A failed connection (moto's connections always succeed): DescribeConnections through Stubber."""
    task = {"ReplicationTaskArn": "arn:aws:dms:ap-southeast-1:123456789012:task:T", "Status": "ready",
            "ReplicationTaskIdentifier": "prod-migration",
            "ReplicationInstanceArn": "arn:aws:dms:ap-southeast-1:123456789012:rep:R",
            "SourceEndpointArn": "arn:aws:dms:ap-southeast-1:123456789012:endpoint:S",
            "TargetEndpointArn": "arn:aws:dms:ap-southeast-1:123456789012:endpoint:T"}
    client = boto3.client("dms", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        stubber.add_response("describe_replication_tasks", {"ReplicationTasks": [task]})
        for _endpoint in ("S", "T"):
            stubber.add_response("test_connection", {"Connection": {"Status": "testing"}})
        stubber.add_response("describe_connections", {"Connections": [
            {"ReplicationInstanceArn": task["ReplicationInstanceArn"], "EndpointArn": task["SourceEndpointArn"],
             "Status": "failed", "LastFailureMessage": "Test connection failed: timeout to 203.0.113.10:5432"},
            {"ReplicationInstanceArn": task["ReplicationInstanceArn"], "EndpointArn": task["TargetEndpointArn"],
             "Status": "successful"}]})
        gates, status = migrate.start(migrate.Clients(dms=client, cloudwatch=None), "prod-migration")
        stubber.assert_no_pending_responses()
    assert [(g.name, g.passed) for g in gates] == [("task ready", True), ("source reachable", False),
                                                   ("target reachable", True)]
    assert "timeout to 203.0.113.10:5432" in gates[1].detail and status == "ready"


def test_full_load_progress_comes_from_the_task_statistics():
    """ReplicationTaskStats (moto returns none): DescribeReplicationTasks through Stubber."""
    task = {"ReplicationTaskArn": "arn:aws:dms:ap-southeast-1:123456789012:task:T", "Status": "running",
            "ReplicationTaskIdentifier": "prod-migration", "MigrationType": "full-load-and-cdc",
            "ReplicationInstanceArn": "arn:aws:dms:ap-southeast-1:123456789012:rep:R",
            "ReplicationTaskStats": {"FullLoadProgressPercent": 64, "TablesLoaded": 2, "TablesLoading": 1}}
    client = boto3.client("dms", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        stubber.add_response("describe_replication_tasks", {"ReplicationTasks": [task]})
        stubber.add_response("describe_replication_instances", {"ReplicationInstances": [
            {"ReplicationInstanceIdentifier": "prod-migration"}]})
        stubber.add_response("describe_table_statistics", {"TableStatistics": [
            {"SchemaName": "public", "TableName": "orders", "TableState": "Full load", "ValidationState": "Pending records"}]})
        watch = boto3.client("cloudwatch", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
        with Stubber(watch) as metrics:
            for _ in migrate.LATENCY_METRICS:
                metrics.add_response("get_metric_statistics", {"Datapoints": [
                    {"Timestamp": NOW, "Maximum": 3.0}]})
            status = migrate.read_status(migrate.Clients(dms=client, cloudwatch=watch), "prod-migration",
                                         now=lambda: NOW)
    assert status.full_load_percent == 64 and status.lag_seconds == 6.0
    gates = {g.name: g for g in migrate.ready_gates(status)}
    assert not gates["tables loaded"].passed and "full load 64%" in gates["tables loaded"].detail

"""`rollout migrate status|cutover` through the CLI against moto (table statistics patched in: moto has no
DescribeTableStatistics; the stubbed API itself is tested in tests/rollout/live/test_migrate.py)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import boto3
import pytest
from moto import mock_aws
from typer.testing import CliRunner

from rollout.cli import app
from rollout.live import migrate
from tests.rollout import audit_fixtures as fx
from tests.rollout.live.test_migrate import make_migration, put_latency

ROOT = Path(__file__).resolve().parents[3]
runner = CliRunner()


@pytest.fixture
def aws(monkeypatch):
    fx.fake_aws_environment(monkeypatch)
    with mock_aws():
        clients = {name: boto3.client(name, region_name=fx.REGION) for name in ("dms", "cloudwatch", "rds")}
        yield clients


def tables(validation: str):
    return lambda _client, _arn: [migrate.TableStatus("public", "orders", "Table completed", validation, 1200)]


def run(*args: str):
    return runner.invoke(app, ["migrate", *args, "-C", str(ROOT), "--stack", "prod"])


def test_status_json_reads_the_stack_task(aws, monkeypatch):
    make_migration(aws)
    put_latency(aws["cloudwatch"], 8, dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    monkeypatch.setattr(migrate, "read_tables", tables("Validated"))
    result = run("status", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["task"] == "prod-migration" and document["status"] == "running"
    assert document["lagSeconds"] == pytest.approx(8) and document["counts"]["loaded"] == 1
    assert all(g["passed"] for g in document["gates"])


def test_status_exits_1_while_a_gate_fails_and_says_which(aws, monkeypatch):
    make_migration(aws)
    monkeypatch.setattr(migrate, "read_tables", tables("Validated"))
    result = run("status")
    assert result.exit_code == 1
    assert "FAIL lag known" in result.stdout and "task prod-migration: running" in result.stdout


def test_cutover_refuses_with_the_failing_gate(aws, monkeypatch):
    make_migration(aws)
    put_latency(aws["cloudwatch"], 8, dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    monkeypatch.setattr(migrate, "read_tables", tables("Mismatched records"))
    result = run("cutover", "--yes", "--quiet")
    assert result.exit_code == 1
    assert "REFUSED ready: no failed tables: failed or mismatched: public.orders" in result.stdout
    assert aws["dms"].describe_replication_tasks()["ReplicationTasks"][0]["Status"] == "running"


def test_cutover_completes_and_writes_the_env_file(aws, monkeypatch, tmp_path):
    make_migration(aws)
    put_latency(aws["cloudwatch"], 0, dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    monkeypatch.setattr(migrate, "read_tables", tables("Validated"))
    env = tmp_path / "cutover.env"
    result = run("cutover", "--yes", "--quiet", "--env-file", str(env), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["completed"] is True
    assert "DATABASE_NAME=app\n" in env.read_text()
    assert aws["dms"].describe_replication_tasks()["ReplicationTasks"][0]["Status"] == "stopped"


def test_unknown_task_is_one_line_and_exit_2(aws):
    result = run("status", "--task", "nope")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: --task nope: no DMS replication task with that id (is database.migrateFrom applied on this stack?)"]


def test_unknown_stack_is_bad_input(aws):
    result = runner.invoke(app, ["migrate", "status", "-C", str(ROOT), "--stack", "nosuch"])
    assert result.exit_code == 2 and "nosuch" in result.stderr and "Traceback" not in result.output


def test_start_runs_the_connection_tests_and_starts(aws):
    make_migration(aws, start=False)
    result = run("start", "--quiet")
    assert result.exit_code == 0, result.output
    assert "ok   source reachable: connection successful" in result.stdout and "is running" in result.stdout
    assert run("start", "--quiet").exit_code == 1  # running already: not started twice

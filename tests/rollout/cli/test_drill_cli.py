"""`rollout drill backup` through the CLI, against moto: JSON and table reports, refusal of a missing instance."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws
from typer.testing import CliRunner

from rollout.cli import app
from tests.rollout import audit_fixtures as fx

runner = CliRunner()


@pytest.fixture
def aws(monkeypatch):
    fx.fake_aws_environment(monkeypatch)
    with mock_aws():
        yield


def test_drill_backup_json_and_refusal(aws):
    rds = boto3.client("rds", region_name=fx.REGION)
    rds.create_db_instance(DBInstanceIdentifier="shop-db", Engine="postgres", DBInstanceClass="db.t4g.micro",
                           AllocatedStorage=20, MasterUsername="shop", MasterUserPassword="not-a-secret-123",
                           StorageEncrypted=True, BackupRetentionPeriod=7)
    result = runner.invoke(app, ["drill", "backup", "--db-instance", "shop-db", "--format", "json", "--quiet",
                                 "--timeout", "60"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["passed"] and report["source"] == "shop-db" and report["rpoSeconds"] >= 0
    assert [d["DBInstanceIdentifier"] for d in rds.describe_db_instances()["DBInstances"]] == ["shop-db"]

    missing = runner.invoke(app, ["drill", "backup", "--db-instance", "ghost", "--quiet"])
    assert missing.exit_code == 2
    assert missing.stderr == f"error: --db-instance: no RDS instance 'ghost' in region {fx.REGION}\n"


def test_drill_backup_table(aws):
    boto3.client("rds", region_name=fx.REGION).create_db_instance(
        DBInstanceIdentifier="shop-db", Engine="mysql", DBInstanceClass="db.t4g.micro", AllocatedStorage=20,
        MasterUsername="shop", MasterUserPassword="not-a-secret-123", StorageEncrypted=True)
    result = runner.invoke(app, ["drill", "backup", "--db-instance", "shop-db", "--quiet", "--timeout", "60"])
    assert result.exit_code == 0, result.output
    for text in ("RPO (snapshot age)", "RTO (restore time)", "check storageEncrypted", "passed", "deleted instance"):
        assert text in result.stdout


def test_drill_refuses_an_empty_instance_identifier(aws):
    # an empty DBInstanceIdentifier would make describe_db_instances list every instance
    result = runner.invoke(app, ["drill", "backup", "--db-instance", " ", "--quiet"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: --db-instance: give the identifier of the source RDS instance"


def test_drill_unreachable_aws_endpoint_is_one_line_and_exit_2(monkeypatch):
    fx.fake_aws_environment(monkeypatch)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
    result = runner.invoke(app, ["drill", "backup", "--db-instance", "shop-db", "--quiet"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot reach AWS in region ")
    assert result.stderr.count("\n") == 1

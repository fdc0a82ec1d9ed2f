"""`rollout sync static` through the CLI against moto: dry run as a gate (exit 1), then in sync (exit 0)."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from moto import mock_aws
from typer.testing import CliRunner

from rollout.cli import app
from tests.rollout import audit_fixtures as fx

ROOT = Path(__file__).resolve().parents[3]
BUCKET = "prod-assets-1a2b3c"
runner = CliRunner()


@pytest.fixture
def s3(monkeypatch):
    fx.fake_aws_environment(monkeypatch)
    with mock_aws():
        client = boto3.client("s3", region_name=fx.REGION)
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": fx.REGION})
        yield client


def run(*args):
    return runner.invoke(app, ["sync", "static", "-C", str(ROOT), "--stack", "prod", "--bucket", BUCKET, *args])


def test_dry_run_is_a_gate_then_the_sync_makes_it_pass(s3, tmp_path):
    (tmp_path / "app.js").write_text("console.log(1)")
    gate = run("--from", str(tmp_path), "--dry-run", "--quiet")
    assert gate.exit_code == 1 and "would upload static/app.js (new, text/javascript" in gate.stdout
    done = run("--from", str(tmp_path), "--quiet", "--format", "json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["uploaded"] == ["static/app.js"]   # prefix from prod's staticAssets.pathPattern
    again = run("--from", str(tmp_path), "--dry-run", "--quiet")
    assert again.exit_code == 0 and "0 to upload, 1 unchanged" in again.stdout


def test_missing_folder_is_one_line_and_exit_2(s3, tmp_path):
    result = run("--from", str(tmp_path / "nope"), "--quiet")
    assert result.exit_code == 2 and result.stderr.strip().startswith("error: ")
    assert len(result.stderr.strip().splitlines()) == 1

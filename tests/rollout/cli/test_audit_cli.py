"""`rollout audit` through the CLI, against moto: formats, exit codes, errors."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import jsonschema
import pytest
from moto import mock_aws
from typer.testing import CliRunner

from rollout.cli import app
from tests.rollout import audit_fixtures as fx

runner = CliRunner()
SARIF_SCHEMA = {**json.loads((Path(__file__).parents[2] / "data" / "sarif-schema-2.1.0.json").read_text()),
                "$ref": "#/definitions/Root"}


@pytest.fixture
def aws(monkeypatch):
    fx.fake_aws_environment(monkeypatch)
    with mock_aws():
        yield


def test_json_has_the_check_shape_plus_not_evaluated_and_readiness(aws):
    fx.account_with(fx.build_database, fx.build_queues)
    result = runner.invoke(app, ["audit", "--format", "json", "--phase", "4", "--quiet"])
    assert result.exit_code == 0, result.output  # only advisory findings: BAK-03 (no backup plan), RDS-08
    document = json.loads(result.stdout)
    assert set(document) >= {"findings", "summary", "account", "region", "notEvaluated", "readiness"}
    assert document["account"] == fx.ACCOUNT and document["region"] == fx.REGION
    assert {gap["service"] for gap in document["notEvaluated"]} == {"grafana"}
    assert document["summary"]["resources_evaluated"] > 0
    assert document["summary"]["mandatory_violations"] == 0
    assert {f["control"] for f in document["findings"]} == {"BAK-03", "RDS-08"}
    components = {(c["phase"], c["component"]): c["status"] for c in document["readiness"]}
    assert components[(3, "RDS with read replica")] == "present"
    assert components[(4, "SQS queues with dead-letter queues")] == "present"
    assert components[(2, "CDN with WAF")] == "missing"


def test_config_file_changes_enforcement_and_exit_code(aws, tmp_path):
    fx.account_with(fx.build_queues)
    boto3.client("sqs", region_name=fx.REGION).create_queue(
        QueueName="plain", Attributes={"SqsManagedSseEnabled": "false"}
    )
    failing = runner.invoke(app, ["audit", "--format", "json", "--quiet"])
    assert failing.exit_code == 1
    controls = {f["control"] for f in json.loads(failing.stdout)["findings"] if f["enforcement"] == "mandatory"}
    assert controls == {"SQS-01", "SQS-02"}
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({"SQS-01": "advisory", "SQS-02": "disabled"}))
    relaxed = runner.invoke(app, ["audit", "--format", "json", "--quiet", "--config", str(config)])
    assert relaxed.exit_code == 0, relaxed.output
    assert {f["control"] for f in json.loads(relaxed.stdout)["findings"]} == {"SQS-01"}


def test_sarif_is_valid_and_lists_services_not_evaluated(aws):
    fx.account_with(fx.build_queues)
    result = runner.invoke(app, ["audit", "--format", "sarif", "--quiet"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    jsonschema.validate(document, SARIF_SCHEMA)
    run = document["runs"][0]
    assert run["tool"]["driver"]["name"] == "rollout-audit"
    notes = [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]]
    assert notes == ["grafana not evaluated: not supported by this endpoint (404: Not yet implemented)"]
    assert "OBS-02" not in {rule["id"] for rule in run["tool"]["driver"]["rules"]}


def test_table_shows_findings_not_evaluated_and_readiness(aws):
    result = runner.invoke(app, ["audit", "--phase", "1"])
    # an empty region still has AWS's default VPC: open default group, public-IP subnets, no flow logs (CIS 5.4,
    # FSBP EC2.2/EC2.6/EC2.15), which count against the account
    assert result.exit_code == 1, result.output
    assert "SG-02" in result.stdout and "VPC-01" in result.stdout and "VPC-02" in result.stdout
    assert "Not evaluated" in result.stdout and "grafana" in result.stdout and "OBS-02" in result.stdout
    assert "Readiness" in result.stdout and "CloudTrail trail" in result.stdout and "missing" in result.stdout
    assert f"note: nothing deployed to audit in {fx.REGION}" in result.stderr
    assert "warning: grafana not evaluated" in result.stderr


def test_no_credentials_is_one_line_and_exit_2(aws, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    result = runner.invoke(app, ["audit", "--quiet"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: no AWS credentials found") and result.stderr.count("\n") == 1


def test_unknown_profile_and_bad_config_are_exit_2(aws, tmp_path):
    assert runner.invoke(app, ["audit", "--profile", "ghost"]).exit_code == 2
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"NOPE-01": "mandatory"}))
    result = runner.invoke(app, ["audit", "--config", str(bad)])
    assert result.exit_code == 2 and result.stderr.startswith("error: --config")


def test_unreachable_aws_endpoint_is_one_line_and_exit_2(monkeypatch):
    fx.fake_aws_environment(monkeypatch)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")  # nothing listens there: no route to AWS
    result = runner.invoke(app, ["audit", "--region", "ap-southeast-1", "--quiet", "--format", "json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: cannot reach AWS in region ap-southeast-1 (")
    assert result.stderr.count("\n") == 1


def test_cloudflare_without_a_token_is_one_line_and_exit_2(aws, monkeypatch):
    monkeypatch.delenv("CLOUDFLARE_API_TOKEN", raising=False)
    result = runner.invoke(app, ["audit", "--cloudflare", "--quiet"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: CLOUDFLARE_API_TOKEN: not set; `rollout audit --cloudflare` reads the zones with an API token (Zone "
        "Read, Zone Settings Read, Zone WAF Read)"]


def test_cloudflare_zones_are_audited_with_the_token_from_the_environment(aws, monkeypatch, httpserver):
    from tests.rollout.live.audit.test_cloudflare import TOKEN, serve_account

    fx.account_with()
    serve_account(httpserver).close()
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", TOKEN)
    monkeypatch.setenv("ROLLOUT_CLOUDFLARE_API_URL", httpserver.url_for("/client/v4"))
    result = runner.invoke(app, ["audit", "--cloudflare", "--format", "json", "--quiet"])
    assert result.exit_code == 1, result.output  # CFZ-01..03 and 07 are mandatory
    found = {(f["control"], f["name"]) for f in json.loads(result.stdout)["findings"] if f["control"].startswith("CFZ")}
    assert ("CFZ-01", "legacy.example.vn:ssl") in found and not any("shop" in name for _, name in found)


def test_a_refused_cloudflare_token_is_one_line_and_exit_2(aws, monkeypatch, httpserver):
    httpserver.expect_request("/client/v4/zones").respond_with_json(
        {"success": False, "errors": [{"code": 9109, "message": "Invalid access token"}], "result": None}, status=401)
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", "revoked")
    monkeypatch.setenv("ROLLOUT_CLOUDFLARE_API_URL", httpserver.url_for("/client/v4"))
    result = runner.invoke(app, ["audit", "--cloudflare", "--quiet"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "CLOUDFLARE_API_TOKEN: Cloudflare refused the token on GET /zones (HTTP 401: Invalid access token)" in (
        result.stderr)

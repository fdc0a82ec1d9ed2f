"""`rollout check` on a small, deliberately misconfigured Pulumi program (not ours): formats, exit codes, waivers."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from policies.registry import ALL_CONTROLS
from rollout.cli import app

runner = CliRunner()
SCHEMA = {**json.loads((Path(__file__).parents[2] / "data" / "sarif-schema-2.1.0.json").read_text()),
          "$ref": "#/definitions/Root"}

PROGRAM = '''
import pulumi
import pulumi_aws as aws

bucket = aws.s3.Bucket("assets")
aws.s3.BucketPublicAccessBlock("assets-pab", bucket=bucket.id, block_public_acls=True, block_public_policy=True,
                               ignore_public_acls=True, restrict_public_buckets=False)
aws.rds.Instance("db", engine="postgres", instance_class="db.t4g.micro", allocated_storage=20, username="app",
                 manage_master_user_password=True, publicly_accessible=True, storage_encrypted=True,
                 backup_retention_period=1)
aws.sqs.Queue("jobs", sqs_managed_sse_enabled=False)  # explicitly unencrypted: SQS-01 fails it
pulumi.export("bucket", bucket.bucket)
'''
# The unwaivable critical findings (S3-01, RDS-02) made advisory by a config file, so waivers can decide the rest.
RELAX = {"S3-01": "advisory", "S3-03": "advisory", "RDS-02": {"enforcementLevel": "advisory"},
         "S3-02": "advisory", "S3-04": "advisory", "SQS-02": "advisory"}
MANDATORY_HERE = {("S3-01", "assets"), ("S3-02", "assets"), ("S3-03", "assets"), ("S3-04", "assets"),
                  ("RDS-02", "db"), ("RDS-04", "db"), ("RDS-06", "db"), ("SQS-01", "jobs"), ("SQS-02", "jobs")}


def write(root: Path, rollout_config: str = "") -> Path:
    (root / "stacks").mkdir(parents=True)
    (root / "Pulumi.yaml").write_text("name: shop\nruntime: python\nstackConfigDir: stacks\n")
    (root / "__main__.py").write_text(textwrap.dedent(PROGRAM))
    (root / "stacks" / "Pulumi.test.yaml").write_text("config:\n  aws:region: ap-southeast-1\n"
                                                    + textwrap.indent(textwrap.dedent(rollout_config), "  "))
    return root


def run(*args: str):
    return runner.invoke(app, ["check", "--stack", "test", "--quiet", *args])


@pytest.fixture
def program(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write(tmp_path / "shop")


def mandatory(document) -> set[tuple[str, str]]:
    return {(f["control"], f["name"]) for f in document["findings"]
            if f["status"] == "violation" and f["enforcement"] == "mandatory" and not f["waived"]}


def test_json_lists_the_misconfigurations_and_exits_1(program):
    result = run("--program", str(program), "--format", "json")
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    assert mandatory(document) == MANDATORY_HERE
    finding = next(f for f in document["findings"] if f["control"] == "RDS-02")
    assert finding == {**finding, "severity": "critical", "type": "aws:rds/instance:Instance",
                       "urn": "urn:pulumi:test::shop::aws:rds/instance:Instance::db", "message": "publiclyAccessible "
                                                                                                 "is true",
                       "status": "violation", "waived": False}
    summary = document["summary"]
    assert summary["mandatory_violations"] == len(MANDATORY_HERE) and summary["controls_evaluated"] == len(ALL_CONTROLS)
    assert summary["resources_evaluated"] == 4 and summary["by_severity"]["critical"] == 3
    assert document["stack"] == "test" and document["project"] == "shop"


def test_sarif_is_valid_and_points_at_the_stack_file(program):
    result = run("--program", str(program), "--format", "sarif")
    assert result.exit_code == 1, result.output
    sarif = json.loads(result.stdout)
    jsonschema.validate(sarif, SCHEMA)
    run_ = sarif["runs"][0]
    assert len(run_["tool"]["driver"]["rules"]) == len(ALL_CONTROLS)  # the catalog's controls and the apply rules
    errors = {(r["ruleId"], r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].rsplit("::", 1)[1])
              for r in run_["results"] if r["level"] == "error"}
    assert errors == MANDATORY_HERE
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run_["results"]} == \
        {"stacks/Pulumi.test.yaml"}  # relative to the project when it is in no git checkout
    assert run_["invocations"][0]["toolExecutionNotifications"] == []


def test_sarif_uris_are_relative_to_the_repository_root(program, monkeypatch):
    (program.parent / ".git").mkdir()
    monkeypatch.chdir(program / "stacks")  # wherever the command runs from
    result = run("--program", str(program), "--format", "sarif")
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in json.loads(result.stdout)["runs"][0]["results"]}
    assert uris == {"shop/stacks/Pulumi.test.yaml"}


def test_table_for_people(program, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    result = run("--program", str(program))
    assert result.exit_code == 1
    assert "RDS-02" in result.stdout and "publiclyAccessible is true" in result.stdout
    assert "9 mandatory" in result.stdout


def test_valid_waivers_and_config_file_make_it_pass(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    program = write(tmp_path / "shop", """
      rollout:waivers:
        - {control: RDS-04, resource: db, reason: restored nightly from the old server}
        - {control: RDS-06, resource: "urn:pulumi:test::shop::aws:rds/instance:Instance::db",
           reason: TLS enforced by the app}
        - {control: SQS-01, resource: jobs, reason: holds no personal data, expires: "2999-12-31"}
    """)
    (tmp_path / "relax.json").write_text(json.dumps(RELAX))
    result = run("--program", str(program), "--format", "json", "--config", str(tmp_path / "relax.json"))
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    waived = {(f["control"], f["name"]): f["waiverReason"] for f in document["findings"] if f["waived"]}
    assert waived == {("RDS-04", "db"): "restored nightly "
                                        "from the old server", ("RDS-06", "db"): "TLS enforced by the app",
                      ("SQS-01", "jobs"): "holds no personal data"}
    assert mandatory(document) == set() and document["summary"]["waived"] == 3


def test_expired_waiver_stops_applying(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    program = write(tmp_path / "shop", """
      rollout:policy:
        config: {S3-01: advisory, S3-02: advisory, S3-03: advisory, S3-04: advisory, RDS-02: advisory, RDS-04: advisory,
                 RDS-06: advisory, SQS-02: advisory}
      rollout:waivers:
        - {control: SQS-01, resource: jobs, reason: was only for the launch, expires: "2020-01-31"}
    """)
    result = runner.invoke(app, ["check", "--program", str(program), "--stack", "test", "--format", "json"])
    assert result.exit_code == 1, result.output
    assert mandatory(json.loads(result.stdout)) == {("SQS-01", "jobs")}
    assert "waiver for SQS-01 on jobs expired on 2020-01-31" in result.stderr


def test_critical_public_access_waiver_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    program = write(tmp_path / "shop", """
      rollout:waivers:
        - {control: RDS-02, resource: db, reason: the agency needs direct access}
    """)
    result = run("--program", str(program), "--format", "json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip() == (
        "error: shop/stacks/Pulumi.test.yaml: rollout:waivers[0] (RDS-02 on db): RDS-02 (RDS is not publicly "
        "accessible) is a Critical TLS/public-access control and cannot be waived; fix the resource instead")


@pytest.mark.parametrize(("config", "message"), [
    ('{"RDS-04": {"minDayz": 3}}', "RDS-04.minDayz: unknown setting"),
    ('{"NOPE-01": "advisory"}', "NOPE-01: unknown control id"),
    ("[not json", "not valid JSON or YAML"),
])
def test_bad_config_file_exits_2(program, tmp_path, config, message):
    (tmp_path / "bad.json").write_text(config)
    result = run("--program", str(program), "--config", str(tmp_path / "bad.json"))
    assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.output


def test_bad_stack_config_and_format_exit_2(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    program = write(tmp_path / "shop", "rollout:policy:\n  config: {RDS-04: {minDays: many}}\n")
    result = run("--program", str(program))
    assert result.exit_code == 2 and "rollout:policy.config: RDS-04.minDays: must be int" in result.stderr
    assert run("--program", str(program), "--format", "markdown").exit_code == 2
    assert run("--program", str(program), "--stack", "missing").exit_code == 2


@pytest.mark.parametrize(("content", "problem"), [
    (b"\xff\xfe\x00", "not a policy config (not UTF-8 text)"),
    (b"[1, 2]", "must be a mapping of control ids (and 'all') to settings"),
])
def test_config_file_problems_name_the_option_and_file(program, tmp_path, content, problem):
    config = tmp_path / "policy.json"
    config.write_bytes(content)
    result = run("--program", str(program), "--config", str(config))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: --config {config}: {problem}"


def test_quiet_check_leaves_stderr_empty_in_30_runs(tmp_path):
    """The exit-time asyncio noise showed in about 1 run in 25: 30 subprocess runs (4 at a time) must all exit 0
    with an empty stderr under --quiet (--no-cache: each run really runs the program under the SDK)."""
    import subprocess
    import sys
    from concurrent.futures import ThreadPoolExecutor

    from tests.rollout.programs import PHASED_PROGRAM, PHASED_STACK, write_program

    program = write_program(tmp_path / "p", PHASED_PROGRAM, stacks={"dev": PHASED_STACK})
    command = [sys.executable, "-c", "from rollout.cli import main; main()", "check", "-C", str(program), "-s", "dev",
               "--quiet", "--no-cache"]

    def once(_: int) -> tuple[int, str]:
        result = subprocess.run(command, capture_output=True, text=True, timeout=600)
        return result.returncode, result.stderr

    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = list(pool.map(once, range(30)))
    assert [stderr for _, stderr in runs if stderr] == []
    assert {code for code, _ in runs} <= {0, 1}  # findings may exit 1; never a crash (2) or a signal


APPLY_PROGRAM = '''
import pulumi_aws as aws

aws.autoscaling.Group("web", min_size=2, max_size=4, launch_template={"id": "lt-1", "version": "$Latest"},
                      vpc_zone_identifiers=["subnet-a"],
                      instance_refresh={"strategy": "Rolling",
                                        "preferences": {"min_healthy_percentage": 90, "max_healthy_percentage": 200}})
'''


def test_an_apply_error_fails_the_check_whatever_the_enforcement_config(tmp_path, monkeypatch):
    """What the API rejects is its own family and exits 1 even when every control is made advisory or disabled."""
    monkeypatch.chdir(tmp_path)
    root = write(tmp_path / "apply")
    (root / "__main__.py").write_text(textwrap.dedent(APPLY_PROGRAM))
    config = tmp_path / "relax.json"
    config.write_text(json.dumps({"all": "advisory", "APL-ASG-01": "disabled"}))
    result = run("--program", str(root), "--config", str(config), "--format", "json")
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    (error,) = [f for f in document["findings"] if f["control"] == "APL-ASG-01"]
    assert error["severity"] == "error" and error["enforcement"] == "mandatory"
    assert "= 110; AWS allows at most 100" in error["message"]
    assert document["summary"]["by_family"]["apply"] == 1
    table = run("--program", str(root), "--config", str(config))
    assert table.exit_code == 1 and "Apply errors" in table.stdout
    sarif = run("--program", str(root), "--config", str(config), "--format", "sarif")
    document = json.loads(sarif.stdout)
    jsonschema.validate(document, SCHEMA)
    (result,) = [r for r in document["runs"][0]["results"] if r["ruleId"] == "APL-ASG-01"]
    assert result["level"] == "error"
    (rule,) = [r for r in document["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "APL-ASG-01"]
    assert rule["properties"]["tags"][0] == "apply" and rule["properties"]["severity"] == "error"


def test_remote_components_are_named_as_unchecked(tmp_path) -> None:
    from tests.rollout.programs import REMOTE_PROGRAM, write_program

    program = write_program(tmp_path / "remote", REMOTE_PROGRAM, stacks={"dev": "config:\n  aws:region: us-east-1\n"})
    result = CliRunner().invoke(app, ["check", "-C", str(program), "-s", "dev", "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    assert json.loads(result.stdout)["remoteComponents"] == {"awsx": 1}
    assert "remote component (1 of awsx)" in result.stderr and "they are not checked" in result.stderr

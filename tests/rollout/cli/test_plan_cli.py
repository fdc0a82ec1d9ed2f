"""`rollout plan` through the CLI: table, JSON shape, --save, bad arguments."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from rollout.cli import app
from rollout.model.inventory import Inventory
from tests.rollout.programs import PHASED_PROGRAM, PHASED_STACK, write_program

runner = CliRunner()


def test_json_has_the_documented_shape(tmp_path) -> None:
    program = write_program(tmp_path / "p", PHASED_PROGRAM, stacks={"dev": PHASED_STACK})
    result = runner.invoke(app, ["plan", "--program", str(program), "--stack", "dev", "--format", "json", "--quiet"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert {"stack", "phase", "resources", "added", "changed", "removed"} <= set(document)
    assert document["stack"] == "dev" and document["phase"] == 2
    resource = next(r for r in document["resources"] if r["name"] == "db")
    assert {"urn", "type", "name", "parent", "phase", "protect", "inputs"} <= set(resource)
    assert resource["inputs"]["password"] == {"$secret": "[secret]"}
    assert resource["urn"] in document["added"]
    cost = document["cost"]
    assert cost["currency"] == "USD" and cost["catalog_date"] == "2026-09-25"
    assert set(cost["by_phase"]) == {"1", "2"}
    assert cost["total_monthly"] == pytest.approx(sum(cost["by_phase"].values()), abs=1e-5)
    assert cost["diff_monthly"] == pytest.approx(cost["total_monthly"] - cost["previous_total_monthly"], abs=1e-5)
    assert cost["by_phase"]["2"] > 0  # the queue and the database of phase 2 are priced in us-east-1


def test_table_and_save(tmp_path) -> None:
    program = write_program(tmp_path / "p", PHASED_PROGRAM, stacks={"dev": PHASED_STACK})
    saved = tmp_path / "baseline.json"
    result = runner.invoke(app, ["plan", "-C", str(program), "-s", "dev", "--quiet", "--save", str(saved)])
    assert result.exit_code == 0, result.output
    assert "Plan: +2 to add, ~0 to change, -0 to remove" in result.stdout
    assert "USD/month" in result.stdout and "Monthly cost: $" in result.stdout  # every line priced here
    [restored] = [Inventory.from_json(doc) for doc in json.loads(saved.read_text())]
    assert len(restored.custom_resources()) == 4


def test_bad_arguments_exit_2_without_traceback(tmp_path) -> None:
    program = write_program(tmp_path / "p", PHASED_PROGRAM, stacks={"dev": PHASED_STACK})
    for args, message in [
        (["--phase", "0"], "Invalid value for '--phase'"),
        (["--stack", "prod"], "stack file not found (stacks here: dev)"),
        (["--format", "sarif"], "'sarif' is not one of"),
        (["--format", "yaml"], "'yaml' is not one of"),
    ]:
        result = runner.invoke(app, ["plan", "-C", str(program), "-s", "dev", "--quiet", *args])
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output and "Traceback" not in result.output


def test_program_that_is_not_a_project(tmp_path) -> None:
    result = runner.invoke(app, ["plan", "-C", str(tmp_path), "--quiet"])
    assert result.exit_code == 2 and "no Pulumi.yaml here" in result.output


def test_save_into_a_missing_folder_exits_2_before_running(tmp_path) -> None:
    program = write_program(tmp_path / "proj", PHASED_PROGRAM, stacks={"dev": PHASED_STACK})
    (program / "__main__.py").write_text("raise RuntimeError('the program must not run')\n")
    target = tmp_path / "missing" / "baseline.json"
    result = runner.invoke(app, ["plan", "--program", str(program), "--stack", "dev", "--save", str(target), "--quiet"])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: --save {target}: folder {target.parent} does not exist"


def test_a_program_without_phases_says_so(tmp_path) -> None:
    main = "import pulumi_aws as aws\naws.sqs.Queue('jobs')\n"
    program = write_program(tmp_path / "flat", main)
    result = runner.invoke(app, ["plan", "-C", str(program), "-s", "dev", "--phase", "3", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "this program marks no phases" in result.stdout
    assert "Plan: +0 to add" in result.stdout  # phases 2 and 3 of a flat program are the same


STEPPED_PROGRAM = '''
import pulumi
import pulumi_aws as aws


class Phase(pulumi.ComponentResource):
    def __init__(self, number, steps):
        super().__init__("shopfront:phases:Phase", f"phase{number}", {"phase": number, "manualSteps": steps})


first = Phase(1, ["Lower the TTLs to 300 s."])
aws.sns.Topic("alerts", opts=pulumi.ResourceOptions(parent=first))
'''


def test_the_phase_manual_steps_are_printed(tmp_path) -> None:
    program = write_program(tmp_path / "p", STEPPED_PROGRAM, stacks={"dev": "config:\n  aws:region: us-east-1\n"})
    table = runner.invoke(app, ["plan", "-C", str(program), "-s", "dev", "--quiet"])
    assert table.exit_code == 0, table.output
    assert "By hand at" in table.stdout and "1. Lower the TTLs to 300 s." in table.stdout
    document = json.loads(runner.invoke(app, ["plan", "-C", str(program), "-s", "dev", "-q", "-f", "json"]).stdout)
    assert document["manualSteps"] == ["Lower the TTLs to 300 s."]
    markdown = runner.invoke(app, ["plan", "-C", str(program), "-s", "dev", "-q", "-f", "markdown"]).stdout
    assert "**By hand at phase" in markdown and "1. Lower the TTLs to 300 s." in markdown


def test_sample_stack_totals_say_at_least_and_rows_add_up() -> None:
    """prod phase 2: the cache is of unknown price, so every total is a floor; rows sum to the total, and the
    newest phase's row is the plan's change."""
    result = runner.invoke(app, ["plan", "--stack", "prod", "--phase", "2", "--quiet", "--format", "json"])
    assert result.exit_code == 0, result.output
    cost = json.loads(result.stdout)["cost"]
    assert cost["total_is_lower_bound"] is True and "2" in cost["phases_lower_bound"]
    assert round(sum(cost["by_phase"].values()), 2) == cost["total_monthly"]
    assert cost["by_phase"]["2"] == cost["diff_monthly"]
    comment = runner.invoke(app, ["plan", "--stack", "prod", "--phase", "2", "--quiet", "--format", "markdown"])
    assert f"**≥ ${cost['total_monthly']:,.2f}/month**" in comment.stdout
    assert "At least: the total leaves out" in comment.stdout


def test_the_change_list_says_what_changes(tmp_path) -> None:
    main = '''
import pulumi
import pulumi_aws as aws

phase = pulumi.Config().get_int("phase") or 1


class Phase(pulumi.ComponentResource):
    def __init__(self, number):
        super().__init__("shopfront:phases:Phase", f"phase{number}", {"phase": number})


first = Phase(1)
aws.sqs.Queue("jobs", visibility_timeout_seconds=30 if phase < 2 else 90, opts=pulumi.ResourceOptions(parent=first))
if phase >= 2:
    aws.sqs.Queue("mail", opts=pulumi.ResourceOptions(parent=Phase(2)))
'''
    program = write_program(tmp_path / "p", main, stacks={"dev": "config:\n  aws:region: us-east-1\n"})
    result = runner.invoke(app, ["plan", "-C", str(program), "-s", "dev", "-p", "2", "-q"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "What changes" in result.stdout and "visibilityTimeoutSeconds: 30 → 90" in result.stdout


def test_remote_components_are_counted_not_silently_dropped(tmp_path) -> None:
    from tests.rollout.programs import REMOTE_PROGRAM

    program = write_program(tmp_path / "remote", REMOTE_PROGRAM, stacks={"dev": "config:\n  aws:region: us-east-1\n"})
    result = runner.invoke(app, ["plan", "-C", str(program), "-s", "dev", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["remoteComponents"] == {"awsx": 1}
    assert "warning: 1 remote component (1 of awsx): the resources they create are built by their provider" \
        in result.stderr


def test_an_offline_runtime_limit_exits_3_naming_it(tmp_path) -> None:
    from tests.rollout.programs import LIMIT_PROGRAM

    program = write_program(tmp_path / "limit", LIMIT_PROGRAM)
    result = runner.invoke(app, ["plan", "-C", str(program), "-s", "dev", "--quiet"])
    assert result.exit_code == 3, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "the offline runtime cannot answer data source acme:index/getEndpoint:getEndpoint" \
        in lines[0] and "Traceback" not in result.output


EIGHT_PHASES = """
import pulumi
import pulumi_aws as aws

phase = pulumi.Config().get_int("phase") or 1
for number in range(1, phase + 1):
    component = pulumi.ComponentResource("shopfront:phases:Phase", f"phase{number}", {"phase": number})
    aws.sqs.Queue(f"q{number}", opts=pulumi.ResourceOptions(parent=component))
"""


def test_phase_is_not_capped_at_six_for_other_programs(tmp_path) -> None:
    program = write_program(tmp_path / "p", EIGHT_PHASES, stacks={"dev": "config:\n  aws:region: us-east-1\n"})
    result = runner.invoke(
        app, ["plan", "-C", str(program), "-s", "dev", "--phase", "8", "--format", "json", "--quiet"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["phase"] == 8 and [p["number"] for p in document["phases"]] == list(range(1, 9))
    assert len(document["changed"]) == 0 and len(document["added"]) == 1  # q8, against phase 7


def test_our_program_refuses_a_seventh_phase_as_bad_config() -> None:
    result = runner.invoke(app, ["plan", "-s", "example", "--phase", "7", "--quiet"])
    assert result.exit_code == 2, result.output
    assert "sme-rollout:phase" in result.output and "Traceback" not in result.output

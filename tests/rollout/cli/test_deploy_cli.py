"""`rollout preview|up|destroy` argument handling, against a stand-in `pulumi` (no real applies here)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from rollout.cli import app
from tests.rollout.live.test_deploy import calls, install_standin, phased_project

runner = CliRunner()


@pytest.mark.parametrize("command", [["preview"], ["up", "--yes"], ["destroy", "--yes"]])
def test_without_the_pulumi_cli_each_command_says_so_and_exits_2(tmp_path: Path, monkeypatch, command):
    monkeypatch.setenv("PATH", str(tmp_path))
    result = runner.invoke(app, [*command, "-C", str(phased_project(tmp_path / "p")), "-s", "dev"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: the Pulumi CLI (`pulumi`) is not on PATH: preview, up and destroy need it",
        "error: install it: https://www.pulumi.com/docs/install/ (e.g. `curl -fsSL https://get.pulumi.com | sh`), "
        "then log in with `pulumi login`",
        "error: these commands work without it: rollout plan, check, cost, diff, diagram, prices, assess, audit",
    ]


def test_up_refuses_to_skip_a_phase(tmp_path: Path, monkeypatch):
    log = install_standin(tmp_path / "bin", monkeypatch, outputs={"phase": 1, "bucket": "b"})
    result = runner.invoke(app, ["up", "-C", str(phased_project(tmp_path / "p")), "-s", "dev", "-p", "3", "--yes"])
    assert result.exit_code == 2
    assert "the stack is at phase 1: apply phase 2 first" in result.stderr
    assert not [c for c in calls(log) if c[0] in ("up", "config")]


def test_up_applies_the_next_phase_after_showing_the_plan(tmp_path: Path, monkeypatch):
    log = install_standin(tmp_path / "bin", monkeypatch, outputs={"phase": 1})
    program = phased_project(tmp_path / "p")
    result = runner.invoke(app, ["up", "-C", str(program), "-s", "dev", "-p", "2", "--yes", "-q"])
    assert result.exit_code == 0, result.output
    assert "Plan: +2 to add" in result.stderr and "Monthly cost: $" in result.stderr  # every line priced here
    assert "up: phase 2 applied to dev: 3 create" in result.stdout
    up = next(c for c in calls(log) if c[0] == "up")
    assert up[up.index("--policy-pack") + 1] == str(program / "policies")


def test_up_with_force_may_skip(tmp_path: Path, monkeypatch):
    install_standin(tmp_path / "bin", monkeypatch, outputs={})
    result = runner.invoke(app, ["up", "-C", str(phased_project(tmp_path / "p")), "-s", "dev", "-p", "2", "--force",
                                 "--yes", "-q"])
    assert result.exit_code == 0, result.output


def test_up_without_yes_and_no_terminal_asks_for_yes(tmp_path: Path, monkeypatch):
    log = install_standin(tmp_path / "bin", monkeypatch, outputs={"phase": 1})
    result = runner.invoke(app, ["up", "-C", str(phased_project(tmp_path / "p")), "-s", "dev", "-p", "2", "-q"])
    assert result.exit_code == 2 and "pass --yes to confirm" in result.stderr
    assert not [c for c in calls(log) if c[0] == "up"]


def test_preview_and_destroy(tmp_path: Path, monkeypatch):
    log = install_standin(tmp_path / "bin", monkeypatch)
    program = phased_project(tmp_path / "p")
    preview = runner.invoke(app, ["preview", "-C", str(program), "-s", "dev", "-p", "1", "-q"])
    assert preview.exit_code == 0, preview.output
    assert "preview: 2 create, 1 same" in preview.stdout
    destroy = runner.invoke(app, ["destroy", "-C", str(program), "-s", "dev", "--yes", "-q"])
    assert destroy.exit_code == 0 and "destroy: dev: 3 create" in destroy.stdout
    assert any(c[0] == "destroy" for c in calls(log))


@pytest.mark.parametrize("command", [["preview"], ["up", "--yes"], ["destroy", "--yes"]])
def test_a_missing_stack_is_named_before_the_missing_cli(tmp_path: Path, monkeypatch, command):
    monkeypatch.setenv("PATH", str(tmp_path))
    program = phased_project(tmp_path / "p")
    result = runner.invoke(app, [*command, "-C", str(program), "-s", "nope"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0].startswith(f"error: {program / 'stacks' / 'Pulumi.nope.yaml'}: stack file not found")


LOGIN = "PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions"


@pytest.mark.parametrize("command", [["preview"], ["up", "--yes", "-p", "2"], ["destroy", "--yes"]])
def test_a_pulumi_cli_that_cannot_open_the_stack_is_one_message_exit_2(tmp_path: Path, monkeypatch, command):
    install_standin(tmp_path / "bin", monkeypatch, outputs={"phase": 1})
    monkeypatch.setenv("STANDIN_FAIL_ON", "all")
    monkeypatch.setenv("STANDIN_FAIL_MESSAGE", LOGIN)
    result = runner.invoke(app, [*command, "-C", str(phased_project(tmp_path / "p")), "-s", "dev", "-q"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "CommandError" not in result.output
    assert result.stderr.count(LOGIN) == 1
    assert result.stderr.splitlines()[0] == f"error: pulumi: {LOGIN}"
    assert "nothing was changed; check `pulumi login`" in result.stderr


def test_a_failing_preview_says_its_error_once_and_exits_1(tmp_path: Path, monkeypatch):
    install_standin(tmp_path / "bin", monkeypatch, outputs={"phase": 1})
    monkeypatch.setenv("STANDIN_FAIL_ON", "preview")
    monkeypatch.setenv("STANDIN_FAIL_MESSAGE", "preview failed: 1 policy violation")
    result = runner.invoke(app, ["preview", "-C", str(phased_project(tmp_path / "p")), "-s", "dev"])
    assert result.exit_code == 1, result.output
    assert result.stderr.count("preview failed: 1 policy violation") == 1
    assert "error: pulumi failed: preview failed: 1 policy violation" in result.stderr
    assert "Previewing update (stand-in)" in result.stderr  # streamed while it ran, shown once

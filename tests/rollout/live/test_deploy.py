"""rollout.live.deploy: the phase gate (pure), and the Automation API driven against a stand-in `pulumi` executable."""

from __future__ import annotations

import json
import os
import stat
import sys
import textwrap
from pathlib import Path

import pytest

from rollout.errors import MissingToolError, UserError
from rollout.live.deploy import Deployment, deployed_phase, phase_gate
from tests.rollout.programs import PHASED_PROGRAM, PHASED_STACK, write_program

STANDIN = r'''
import json, os, sys
args = sys.argv[1:]
with open(os.environ["STANDIN_LOG"], "a") as log:
    log.write(json.dumps(args) + "\n")
args = [a for a in args if a != "--non-interactive"]
failing = os.environ.get("STANDIN_FAIL_ON", "")
if failing and args[:1] != ["version"] and (failing == "all" or args[:1] == [failing]):
    print("Previewing update (stand-in)")  # what Pulumi prints before it fails, streamed to the user
    sys.stderr.write("error: " + os.environ["STANDIN_FAIL_MESSAGE"] + "\n")
    sys.exit(255)
if args[:1] == ["version"]:
    print("v3.200.0")
elif args[:2] == ["stack", "select"]:
    if os.environ.get("STANDIN_NO_STACK"):
        sys.stderr.write("error: no stack named '" + args[-1] + "' found\n")
        sys.exit(255)
elif args[:2] == ["stack", "output"]:
    print(os.environ.get("STANDIN_OUTPUTS", "{}"))
elif args[:2] == ["stack", "history"]:
    print(json.dumps([{"kind": "update", "startTime": "2024-01-01T00:00:00.000Z", "message": "", "environment": {},
                       "config": {}, "result": "succeeded", "resourceChanges": {"create": 3}}]))
elif args[:1] == ["preview"]:
    log_file = args[args.index("--event-log") + 1]
    with open(log_file, "a") as events:
        events.write(json.dumps({"sequence": 1, "timestamp": 0, "summaryEvent": {
            "maybeCorrupt": False, "durationSeconds": 1, "resourceChanges": {"create": 2, "same": 1},
            "PolicyPacks": {}}}) + "\n")
    print("Previewing update (stand-in)")
elif args[:1] in (["up"], ["destroy"], ["config"], ["stack"]):
    print("ok")
else:
    sys.stderr.write("stand-in pulumi: unexpected " + " ".join(args) + "\n")
    sys.exit(3)
'''


def install_standin(bin_dir: Path, monkeypatch: pytest.MonkeyPatch, outputs: dict | None = None) -> Path:
    """Put a fake `pulumi` first on PATH; it records every argv in the returned log file."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    script = bin_dir / "pulumi"
    script.write_text(f"#!{sys.executable}\n" + textwrap.dedent(STANDIN))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    log = bin_dir / "calls.jsonl"
    log.write_text("")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("STANDIN_LOG", str(log))
    monkeypatch.setenv("STANDIN_OUTPUTS", json.dumps(outputs or {}))
    return log


def calls(log: Path) -> list[list[str]]:
    return [[a for a in json.loads(line) if a != "--non-interactive"] for line in log.read_text().splitlines()]


def phased_project(root: Path) -> Path:
    program = write_program(root, PHASED_PROGRAM, stacks={"dev": PHASED_STACK})
    (program / "policies").mkdir()
    (program / "policies" / "PulumiPolicy.yaml").write_text("runtime: python\n")
    return program


@pytest.mark.parametrize("deployed, target, force, allowed", [
    (0, 1, False, True), (1, 2, False, True), (2, 2, False, True), (0, 2, False, False), (1, 3, False, False),
    (3, 2, False, False), (1, 3, True, True), (None, 2, False, False), (None, 2, True, True),
])
def test_phase_gate_allows_one_phase_at_a_time(deployed, target, force, allowed):
    assert (phase_gate(deployed, target, force=force) is None) is allowed


def test_phase_gate_says_what_to_apply_first():
    assert "apply phase 2 first (phase 4 would skip 2, 3)" in phase_gate(1, 4)


@pytest.mark.parametrize("outputs, phase", [({}, 0), ({"phase": 3}, 3), ({"bucket": "b"}, None), ({"phase": "x"}, None)])
def test_deployed_phase_from_outputs(outputs, phase):
    assert deployed_phase(outputs) == phase


def test_missing_cli_says_so_how_to_install_and_what_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    deployment = Deployment(phased_project(tmp_path / "p"), "dev")
    with pytest.raises(MissingToolError) as error:
        deployment.current_phase()
    text = "\n".join(error.value.problems)
    assert "Pulumi CLI (`pulumi`) is not on PATH" in text and "https://www.pulumi.com/docs/install/" in text
    assert "rollout plan, check, cost, diff, diagram" in text


def test_policy_pack_must_exist(tmp_path: Path):
    program = write_program(tmp_path / "p", PHASED_PROGRAM, stacks={"dev": PHASED_STACK})
    with pytest.raises(UserError, match="no PulumiPolicy.yaml"):
        Deployment(program, "dev")


def test_up_sets_the_phase_and_attaches_the_policy_pack_without_touching_pulumi_yaml(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    log = install_standin(tmp_path / "bin", monkeypatch, outputs={"phase": 1})
    program = phased_project(tmp_path / "p")
    project_file = (program / "Pulumi.yaml").read_text()
    deployment = Deployment(program, "dev")
    assert deployment.current_phase() == 1
    lines: list[str] = []
    result = deployment.up(2, lines.append)
    assert result.summary.resource_changes == {"create": 3}
    made = calls(log)
    assert ["stack", "select", "--stack", "dev"] in made
    assert ["config", "set", "shopfront:phase", "--plaintext", "--stack", "dev", "--", "2"] in made
    up = next(c for c in made if c[0] == "up")
    assert up[up.index("--policy-pack") + 1] == str(program / "policies")
    assert (program / "Pulumi.yaml").read_text() == project_file
    assert lines == ["ok"]


def test_preview_reads_the_change_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    log = install_standin(tmp_path / "bin", monkeypatch)
    program = phased_project(tmp_path / "p")
    result = Deployment(program, "dev").preview(1, lambda _line: None)
    assert result.change_summary == {"create": 2, "same": 1}
    preview = next(c for c in calls(log) if c[0] == "preview")
    assert "--policy-pack" in preview


def test_a_new_stack_is_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    log = install_standin(tmp_path / "bin", monkeypatch)
    monkeypatch.setenv("STANDIN_NO_STACK", "1")
    Deployment(phased_project(tmp_path / "p"), "dev").stack
    assert ["stack", "init", "dev"] in calls(log)

"""The GitHub Actions workflow parses, and every `rollout ...` it runs is a real command with real options."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import typer
import yaml

from rollout.cli import app

WORKFLOW = Path(__file__).resolve().parents[1] / ".github" / "workflows" / "rollout.yml"


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


def rollout_invocations() -> list[list[str]]:
    """Each `rollout ...` command line of every `run:` step (up to a shell operator such as `>` or `|`)."""
    found = []
    for job in workflow()["jobs"].values():
        for step in job["steps"]:
            for line in str(step.get("run", "")).splitlines():
                words = shlex.split(line)
                if words[:1] == ["rollout"]:
                    end = next((i for i, w in enumerate(words) if w in (">", "|", "&&", ";", "2>")), len(words))
                    found.append(words[1:end])
    return found


def test_workflow_parses_with_the_expected_triggers_and_jobs():
    document = workflow()
    triggers = document.get("on", document.get(True))  # YAML 1.1 reads a bare `on` key as True
    assert set(triggers) == {"pull_request", "push"} and triggers["push"]["branches"] == ["main"]
    assert set(document["jobs"]) == {"pull-request", "baseline"}
    uses = [s.get("uses", "") for job in document["jobs"].values() for s in job["steps"]]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    assert any(u.startswith("marocchino/sticky-pull-request-comment@") for u in uses)
    preview = next(s for s in document["jobs"]["pull-request"]["steps"] if s.get("uses", "").startswith("pulumi/actions@"))
    assert preview["with"]["command"] == "preview" and preview["with"]["policyPacks"] == "policies"
    assert "HAS_AWS_CREDENTIALS" in preview["if"]


def test_pull_requests_use_one_ci_run_and_main_saves_the_baseline():
    commands = [words for words in rollout_invocations()]
    assert [w[0] for w in commands] == ["ci", "ci", "plan"]
    assert "--baseline" in commands[0] and "--fail-on-data-loss" in commands[0] and "--baseline" not in commands[1]
    steps = workflow()["jobs"]["pull-request"]["steps"]
    paths = {s.get("with", {}).get("sarif_file") or s.get("with", {}).get("path") for s in steps}
    assert {"rollout-ci/check.sarif", "rollout-ci/plan.md"} <= paths
    assert "--save baseline.json" in " ".join(" ".join(w) for w in commands[2:])


@pytest.mark.parametrize("words", rollout_invocations(), ids=lambda w: " ".join(w))
def test_every_rollout_call_is_a_real_command_with_real_options(words: list[str]):
    group = typer.main.get_command(app)
    command = group.get_command(group.make_context("rollout", ["--help"], resilient_parsing=True), words[0])
    assert command is not None, f"no command `rollout {words[0]}`"
    # parse the arguments as it would at run time: unknown options or bad choices raise UsageError
    command.make_context(words[0], [w.replace("$STACK", "example").replace('"', "") for w in words[1:]],
                         resilient_parsing=False)

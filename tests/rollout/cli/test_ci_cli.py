"""`rollout ci`: the same check, comment and diff as the separate commands, from one run of each phase."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from rollout.cli import app
from rollout.model.inventory import Inventory
from tests.rollout.programs import PHASED_PROGRAM, PHASED_STACK, write_program

runner = CliRunner()
SCHEMA = {**json.loads((Path(__file__).parents[2] / "data" / "sarif-schema-2.1.0.json").read_text()),
          "$schema": "http://json-schema.org/draft-07/schema#"}


@pytest.fixture()
def program(tmp_path: Path) -> Path:
    return write_program(tmp_path / "p", PHASED_PROGRAM, stacks={"dev": PHASED_STACK})


def rollout(*args: str):
    return runner.invoke(app, [*args, "--quiet"])


def test_writes_what_the_separate_commands_print(program: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = rollout("ci", "-C", str(program), "-s", "dev", "--out", str(out))
    check = rollout("check", "-C", str(program), "-s", "dev", "--format", "sarif")
    plan = rollout("plan", "-C", str(program), "-s", "dev", "--format", "markdown")
    assert result.exit_code == check.exit_code == 1  # the test program has a mandatory violation (RDS-01)
    assert sorted(p.name for p in out.iterdir()) == ["baseline.json", "check.sarif", "plan.md"]
    sarif = json.loads((out / "check.sarif").read_text())
    jsonschema.validate(sarif, SCHEMA)
    assert sarif == json.loads(check.stdout)
    assert (out / "plan.md").read_text().rstrip("\n") == plan.stdout.rstrip("\n")
    (saved,) = json.loads((out / "baseline.json").read_text())
    assert Inventory.from_json(saved).phase == 2
    assert result.stdout.startswith(f"wrote baseline.json, check.sarif, plan.md to {out}: ")
    assert "mandatory violation(s)" in result.stdout


def test_diff_against_the_baseline_and_data_loss(program: Path, tmp_path: Path) -> None:
    first = tmp_path / "main"
    assert rollout("ci", "-C", str(program), "-s", "dev", "--out", str(first)).exit_code == 1
    main = program / "__main__.py"
    main.write_text(main.read_text().replace('engine="postgres"', 'engine="mysql"'))
    out = tmp_path / "pr"
    args = ("ci", "-C", str(program), "-s", "dev", "--out", str(out), "--baseline", str(first / "baseline.json"))
    result = rollout(*args, "--config", str(write_config(tmp_path)), "--fail-on-data-loss")
    assert result.exit_code == 1 and "1 stateful resource(s) replaced or removed" in result.stdout
    assert "0 traffic switch(es)" in result.stdout
    no_switch = rollout(*args, "--config", str(write_config(tmp_path)), "--fail-on-traffic-switch")
    assert no_switch.exit_code == 0, no_switch.output  # the engine change moves no visitor
    separate = rollout("diff", "-C", str(program), "-s", "dev", "--baseline", str(first / "baseline.json"),
                       "--format", "markdown")
    assert (out / "diff.md").read_text().rstrip("\n") == separate.stdout.rstrip("\n")
    assert [e["name"] for e in json.loads((out / "diff.json").read_text())["replaced"]] == ["db"]
    advisory = rollout(*args, "--config", str(write_config(tmp_path)))
    assert advisory.exit_code == 0, advisory.output  # data loss is reported, fails only when asked to


def write_config(tmp_path: Path) -> Path:
    config = tmp_path / "advisory.json"
    config.write_text(json.dumps({"all": "advisory"}))
    return config


@pytest.mark.parametrize("case", ["out is a file", "bad baseline", "bad config"])
def test_bad_input_is_one_line_and_writes_nothing(program: Path, tmp_path: Path, case: str) -> None:
    out = tmp_path / "out"
    args = ["ci", "-C", str(program), "-s", "dev", "--out", str(out)]
    if case == "out is a file":
        out.write_text("")
    elif case == "bad baseline":
        (tmp_path / "b.json").write_text("not json")
        args += ["--baseline", str(tmp_path / "b.json")]
    else:
        (tmp_path / "c.json").write_text(json.dumps({"NOPE-01": "mandatory"}))
        args += ["--config", str(tmp_path / "c.json")]
    result = rollout(*args)
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1, result.output
    assert "Traceback" not in result.output
    assert out.is_file() if case == "out is a file" else not out.exists()

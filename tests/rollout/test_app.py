"""The use cases: each loads the stack, runs the program offline and analyses it the same way for every command."""

from __future__ import annotations

import json

import pytest

from rollout.analysis.plan import phase_summary
from rollout.app import (
    check_stack,
    cost_stack,
    diff_stack,
    inventory_of,
    load_baseline,
    plan_costs,
    plan_stack,
    previous_phase,
)
from rollout.errors import UserError
from rollout.model.inventory import dumps
from tests.rollout.programs import PHASED_PROGRAM, PHASED_STACK, write_program


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory):
    return write_program(tmp_path_factory.mktemp("app") / "shop", PHASED_PROGRAM, stacks={"dev": PHASED_STACK})


@pytest.mark.parametrize(("phase", "expected"), [(None, None), (1, None), (2, 1), (6, 5), (9, 8)])
def test_previous_phase(phase, expected) -> None:
    assert previous_phase(phase) == expected


def test_plan_of_a_phased_program(tmp_path) -> None:
    program = write_program(tmp_path, PHASED_PROGRAM, stacks={"dev": PHASED_STACK})
    plan = plan_stack(program, "dev")
    assert plan.phase == 2 and plan.previous is not None and plan.previous.phase == 1
    added = {plan.current.by_urn[urn].name for urn in plan.added}
    assert added == {"jobs", "db"} and plan.changed == () and plan.removed == ()
    assert [(p["number"], p["resources"], p["added"]) for p in phase_summary(plan.current, plan.added)] == [
        (1, 2, 0), (2, 2, 2)]


def test_plan_reports_inputs_changed_by_a_later_phase(tmp_path) -> None:
    main = PHASED_PROGRAM.replace('Store("assets"', 'Store("assets" if True else ""').replace(
        'aws.s3.Bucket(f"{name}-bucket"', 'aws.s3.Bucket(f"{name}-bucket", force_destroy=phase >= 2')
    program = write_program(tmp_path, main, stacks={"dev": PHASED_STACK})
    plan = plan_stack(program, "dev", phase=2)
    assert [plan.current.by_urn[urn].name for urn in plan.changed] == ["assets-bucket"]


def test_phase_one_has_nothing_to_compare(tmp_path) -> None:
    program = write_program(tmp_path, PHASED_PROGRAM, stacks={"dev": PHASED_STACK})
    plan = plan_stack(program, "dev", phase=1)
    assert plan.previous is None and len(plan.added) == 2


def test_plan_progress_names_both_runs(program) -> None:
    seen: list[str] = []
    plan_stack(program, "dev", progress=seen.append)
    assert seen == ["running shopfront for stack dev at phase 2", "running phase 1 to compare"]


def test_plan_costs_price_both_phases(program) -> None:
    before, after = plan_costs(plan_stack(program, "dev"))
    assert before is not None and before.phase == 1 and after.phase == 2
    assert after.total_monthly >= before.total_monthly


def test_check_validates_the_policy_config_before_running_the_program(program, tmp_path) -> None:
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({"NOPE-01": "mandatory"}))
    seen: list[str] = []
    with pytest.raises(UserError, match="NOPE-01"):
        check_stack(program, "dev", config_file=config, progress=seen.append)
    assert seen == []


def test_check_returns_the_run_it_judged(program) -> None:
    run = check_stack(program, "dev", phase=1)
    assert run.inventory.phase == 1 and run.stack_file.stack == "dev"
    assert run.result.resources_evaluated == len(run.inventory.custom_resources())


def test_cost_compares_with_the_previous_phase_unless_told(program) -> None:
    default = cost_stack(program, "dev")
    assert default.compared_phase == 1 and default.before is not None and default.diff is not None
    first = cost_stack(program, "dev", phase=1)
    assert first.compared_phase is None and first.before is None and first.diff is not None


def test_diff_needs_exactly_one_thing_to_compare_with(program, tmp_path) -> None:
    with pytest.raises(UserError, match="exactly one"):
        diff_stack(program, "dev")
    with pytest.raises(UserError, match="exactly one"):
        diff_stack(program, "dev", from_phase=1, baseline=tmp_path / "b.json")


def test_diff_against_a_saved_baseline(program, tmp_path) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text(dumps([inventory_of(program, "dev", 1)]))
    run = diff_stack(program, "dev", baseline=baseline)
    assert run.title == "dev: baseline baseline.json (phase 1) → phase 2"
    assert {e.name for e in run.diff.added} == {"jobs", "db"}


@pytest.mark.parametrize(("text", "message"), [
    (None, "no such file"), ("{", "not a JSON file"), ('{"a": 1}', "not an inventory"),
    ('{"schemaVersion": 1, "project": "p", "stack": "prod", "phase": 1, "resources": [], "outputs": {}}',
     "no inventory of stack dev"),
])
def test_bad_baselines_are_bad_input(tmp_path, text, message) -> None:
    path = tmp_path / "baseline.json"
    if text is not None:
        path.write_text(text)
    with pytest.raises(UserError, match=message):
        load_baseline(path, "dev")

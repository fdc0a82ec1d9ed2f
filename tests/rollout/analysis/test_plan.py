"""`rollout plan` logic: what phase N adds, changes and removes compared with phase N-1."""

from __future__ import annotations

from rollout.model.inventory import Inventory, Resource
from rollout.analysis.plan import compare, component_of, make_plan, phase_summary
from tests.rollout.programs import PHASED_PROGRAM, PHASED_STACK, write_program


def inventory(*resources: Resource) -> Inventory:
    return Inventory("p", "s", None, resources)


def test_compare_classifies_added_changed_removed() -> None:
    keep = Resource("urn:a", "aws:sqs/queue:Queue", "a", inputs={"x": 1})
    changed_before = Resource("urn:b", "aws:sqs/queue:Queue", "b", inputs={"x": 1})
    changed_after = Resource("urn:b", "aws:sqs/queue:Queue", "b", inputs={"x": 2})
    protect_after = Resource("urn:a", "aws:sqs/queue:Queue", "a", inputs={"x": 1}, protect=True)
    gone = Resource("urn:c", "aws:sqs/queue:Queue", "c")
    new = Resource("urn:d", "aws:sqs/queue:Queue", "d")
    assert compare(inventory(keep, changed_before, gone), inventory(keep, changed_after, new)) == (
        ("urn:d",), ("urn:b",), ("urn:c",))
    assert compare(inventory(keep), inventory(protect_after)) == ((), ("urn:a",), ())
    assert compare(None, inventory(keep)) == (("urn:a",), (), ())


def test_components_are_not_counted_as_resources() -> None:
    component = Resource("urn:comp", "x:y:Comp", "comp", custom=False)
    child = Resource("urn:child", "aws:sqs/queue:Queue", "child", parent="urn:comp")
    inv = inventory(component, child)
    assert compare(None, inv) == (("urn:child",), (), ())
    assert component_of(inv, child) == "comp"


def test_plan_of_a_phased_program(tmp_path) -> None:
    program = write_program(tmp_path, PHASED_PROGRAM, stacks={"dev": PHASED_STACK})
    plan = make_plan(program, "dev")
    assert plan.phase == 2 and plan.previous is not None and plan.previous.phase == 1
    added = {plan.current.by_urn[urn].name for urn in plan.added}
    assert added == {"jobs", "db"} and plan.changed == () and plan.removed == ()
    assert [(p["number"], p["resources"], p["added"]) for p in phase_summary(plan.current, plan.added)] == [
        (1, 2, 0), (2, 2, 2)]


def test_plan_reports_inputs_changed_by_a_later_phase(tmp_path) -> None:
    main = PHASED_PROGRAM.replace('Store("assets"', 'Store("assets" if True else ""').replace(
        'aws.s3.Bucket(f"{name}-bucket"', 'aws.s3.Bucket(f"{name}-bucket", force_destroy=phase >= 2')
    program = write_program(tmp_path, main, stacks={"dev": PHASED_STACK})
    plan = make_plan(program, "dev", phase=2)
    assert [plan.current.by_urn[urn].name for urn in plan.changed] == ["assets-bucket"]


def test_phase_one_has_nothing_to_compare(tmp_path) -> None:
    program = write_program(tmp_path, PHASED_PROGRAM, stacks={"dev": PHASED_STACK})
    plan = make_plan(program, "dev", phase=1)
    assert plan.previous is None and len(plan.added) == 2

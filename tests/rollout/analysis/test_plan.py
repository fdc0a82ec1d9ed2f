"""`rollout plan` logic: what phase N adds, changes and removes compared with phase N-1."""

from __future__ import annotations

from rollout.analysis.plan import compare, component_of
from rollout.model.inventory import Inventory, Resource


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

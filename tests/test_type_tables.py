"""The per-type tables of the tool, tied together: every resource type our program registers (each sample stack
at phase 6) is priced or declared free (analysis/cost.py), gets computed outputs from the offline mocks
(runtime/synth.py), is placed in the diagram or declared not drawn (analysis/diagram.py), and, when it holds data,
has the inputs that replace it listed (analysis/diff.py). A new component type fails here until each table
knows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from rollout.analysis.cost import FREE_TYPES, PRICERS
from rollout.analysis.diagram import NOT_DRAWN, PLACEMENT
from rollout.analysis.diff import REPLACE_ON_CHANGE, STATEFUL_TYPES
from rollout.runtime.synth import _computed_outputs, synthesize

ROOT = Path(__file__).resolve().parents[1]
STACKS = sorted(p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in (ROOT / "stacks").glob("Pulumi.*.yaml"))


@pytest.fixture(scope="module")
def registered() -> dict[str, set[str]]:
    """type token → the stacks whose phase 6 registers it."""
    types: dict[str, set[str]] = {}
    for stack in STACKS:
        for resource in synthesize(ROOT, stack, phase=6).custom_resources():
            types.setdefault(resource.type, set()).add(stack)
    return types


def test_the_samples_cover_both_cdns(registered):
    assert len(STACKS) >= 2
    assert "cloudflare:index/zone:Zone" in registered and "aws:cloudfront/distribution:Distribution" in registered


def test_every_registered_type_is_priced_or_declared_free(registered):
    missing = sorted(t for t in registered if t not in PRICERS and t not in FREE_TYPES)
    assert not missing, f"add a pricer (analysis/cost.py PRICERS) or declare them free (FREE_TYPES): {missing}"
    assert not set(PRICERS) & FREE_TYPES


def test_every_registered_type_is_drawn_or_declared_not_drawn(registered):
    missing = sorted(t for t in registered if t not in PLACEMENT and t not in NOT_DRAWN)
    assert not missing, f"place them in the diagram (analysis/diagram.py PLACEMENT) or in NOT_DRAWN: {missing}"
    assert not set(PLACEMENT) & NOT_DRAWN


def test_every_registered_type_gets_computed_outputs_from_the_mocks(registered):
    for type_ in registered:
        resource_id, outputs = _computed_outputs(type_, "probe", {}, "ap-southeast-1")
        assert resource_id and outputs["id"] == resource_id, type_
        assert outputs["arn"].startswith("arn:aws:") and outputs["name"], type_


def test_every_stateful_type_registered_names_what_replaces_it(registered):
    missing = sorted(t for t in registered if t in STATEFUL_TYPES and t not in REPLACE_ON_CHANGE)
    assert not missing, f"list the inputs that replace them (analysis/diff.py REPLACE_ON_CHANGE): {missing}"


def test_no_table_names_a_type_twice_in_contradiction():
    # a type the diagram does not draw and also places, or one priced and free, is a maintenance slip
    assert not set(PRICERS) & FREE_TYPES and not set(PLACEMENT) & NOT_DRAWN
    assert STATEFUL_TYPES <= set(REPLACE_ON_CHANGE)

"""Fixture helpers for control tests: build subjects, run one control per fixture, and assert the exact sets of
fixtures that pass, fail and are unknown (fixture names start with pass_, fail_ or unknown_)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from policies.core import Subject, evaluate
from policies.registry import BY_ID


def make_subject(
    type: str, name: str, props: Mapping[str, Any], deps: Mapping[str, Sequence[str]] | None = None,
    options: Mapping[str, Any] | None = None,
) -> Subject:
    """A subject with an engine-style URN; `deps` maps a property to the URNs it was computed from, `options` are
    its resource options (e.g. {"deleteBeforeReplace": True})."""
    return Subject.of(type, name, urn_of(type, name), props, property_dependencies=dict(deps or {}),
                      options=dict(options or {}))


def urn_of(type: str, name: str) -> str:
    return f"urn:pulumi:test::proj::{type}::{name}"


def outcomes(control_id: str, fixtures: Mapping[str, Subject | Sequence[Subject]],
             config: Mapping[str, Any] | None = None) -> dict[str, set[str]]:
    """Evaluate one control on each fixture alone. A fixture is a subject, or a list whose first subject is the one
    judged (the others are the resources a stack control joins it with)."""
    result: dict[str, set[str]] = {"pass": set(), "fail": set(), "unknown": set()}
    control = BY_ID[control_id]
    for name, fixture in fixtures.items():
        subjects = [fixture] if isinstance(fixture, Subject) else list(fixture)
        judged = subjects[0].urn
        pack_config = {control_id: {"enforcementLevel": "mandatory", **(config or {})}}
        statuses = {f.status for f in evaluate([control], subjects, pack_config) if f.urn == judged}
        result["fail" if "violation" in statuses else "unknown" if statuses else "pass"].add(name)
    return result


def expected(fixtures: Mapping[str, Any]) -> dict[str, set[str]]:
    return {kind: {n for n in fixtures if n.startswith(f"{kind}_")} for kind in ("pass", "fail", "unknown")}


@pytest.fixture
def res():
    return make_subject


@pytest.fixture
def assert_exact():
    """assert_exact(control_id, fixtures, config=None): pass_*/fail_*/unknown_* are exactly what the control says."""

    def check(control_id: str, fixtures: Mapping[str, Any], config: Mapping[str, Any] | None = None) -> None:
        assert {k for k in fixtures if not k.startswith(("pass_", "fail_", "unknown_"))} == set()
        assert any(k.startswith("pass_") for k in fixtures) and any(k.startswith("fail_") for k in fixtures)
        assert outcomes(control_id, fixtures, config) == expected(fixtures)

    return check


def with_changes(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of `base` with dotted paths set (`a.0.b`: list index 0); a value of DELETE removes the key."""
    import copy

    result = copy.deepcopy(dict(base))
    for path, value in changes.items():
        *parents, last = path.split(".")
        target: Any = result
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        key: Any = int(last) if isinstance(target, list) else last
        if value is DELETE:
            del target[key]
        else:
            target[key] = value
    return result


DELETE = object()


@pytest.fixture
def variant():
    """variant(base, {"dotted.path": value}) → modified deep copy; variant.DELETE removes a key."""
    with_changes.DELETE = DELETE
    return with_changes

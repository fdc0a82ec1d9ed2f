"""Agreement with Checkov's own test fixtures, translated to Pulumi-shaped subjects (tests/data/checkov_agreement.json).

Each case is one resource of a Checkov terraform check test (bridgecrewio/checkov 03d5fda,
tests/terraform/checks/resource/aws and tests/terraform/graph/checks/resources) with the verdict Checkov's test
asserts, rewritten as the subjects a Pulumi program would produce (type tokens, camelCase inputs, property
dependencies for references). The controls must give the recorded verdict on every case (a regression net), agree
with Checkov on at least the measured share, and every remaining difference must be explained in the control's
description, naming the Checkov id.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from policies.core import UNKNOWN_STRING_VALUE, Subject, evaluate
from policies.registry import BY_ID

DATA = json.loads((Path(__file__).resolve().parents[1] / "data" / "checkov_agreement.json").read_text())
MEASURED_AGREEMENT = 0.951  # 710 of 746 comparable resources when this file was generated (all controls)
_NAME_PROPS = ("bucket", "name", "identifier", "clusterIdentifier")


def _restore(value):
    if value == "<unknown>":
        return UNKNOWN_STRING_VALUE
    if isinstance(value, dict):
        return {k: _restore(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_restore(v) for v in value]
    return value


def _stack(stack_id: str) -> list[Subject]:
    return [Subject.of(d["type"], d["name"], d["urn"], _restore(d["props"]), property_dependencies=d["deps"],
                       options=d.get("options", {})) for d in DATA["stacks"][stack_id]]


def _related(subject: Subject, subjects: list[Subject], raw: dict[str, dict]) -> set[str]:
    """The subject and what is joined to it: property dependencies both ways, or a literal name (`raw`: the
    stack's plain props by URN)."""
    urns = {subject.urn} | {u for deps in subject.property_dependencies.values() for u in deps}
    urns |= {s.urn for s in subjects if any(subject.urn in deps for deps in s.property_dependencies.values())}
    literal = {v for v in raw[subject.urn].values() if isinstance(v, str) and v}
    urns |= {s.urn for s in subjects
             if literal & {v for k, v in raw[s.urn].items() if k in _NAME_PROPS and isinstance(v, str)}}
    return urns


def verdict(case: dict) -> str:
    subjects = _stack(case["stack"])
    judged = next(s for s in subjects if s.urn == case["judged"])
    findings = []
    for control_id in case["control"].split("|"):
        control = BY_ID[control_id]
        config = {control_id: {"enforcementLevel": "mandatory", **(case["config"] or {})}}
        # Checkov judges a load balancer by its listeners: a resource control that does not read the judged type
        # reads the resources configured onto it (a listener's loadBalancerArn), and their findings count
        through = [] if control.stack or judged.type in control.resource_types else [
            s for s in subjects if s.type in control.resource_types
            and any(judged.urn in deps for deps in s.property_dependencies.values())]
        found = evaluate([control], subjects if control.stack else [judged, *through], config)
        own = [f for f in found if f.urn == judged.urn or f.urn in {t.urn for t in through}]
        if control.stack and not own and not any(f.type == judged.type for f in found):
            # Checkov reports on a settings resource (attachment, rotation, policy); here the resource it configures
            # carries the finding
            near = _related(judged, subjects, {d["urn"]: d["props"] for d in DATA["stacks"][case["stack"]]})
            own = [f for f in found if f.urn in near]
        findings += own
    if case["pattern"]:
        findings = [f for f in findings if f.status == "unknown" or re.search(case["pattern"], f.message)]
    return "fail" if any(f.status == "violation" for f in findings) else "unknown" if findings else "pass"


@pytest.mark.parametrize("case", DATA["cases"], ids=[f"{c['ckv']}:{c['case']}" for c in DATA["cases"]])
def test_recorded_verdict(case):
    assert verdict(case) == case["ours"]


def test_agreement_with_checkov():
    agree = sum(c["ours"] == c["checkov"] for c in DATA["cases"])
    assert len(DATA["cases"]) >= 450
    assert agree / len(DATA["cases"]) >= MEASURED_AGREEMENT


def test_every_difference_is_explained_in_the_control():
    unexplained = sorted({(c["ckv"], c["control"]) for c in DATA["cases"] if c["ours"] != c["checkov"]
                          if not any(c["ckv"] in BY_ID[i].description for i in c["control"].split("|"))})
    assert not unexplained, f"differences from Checkov not explained in the control's description: {unexplained}"


def test_every_case_names_a_control_that_cites_its_checkov_id():
    for case in DATA["cases"]:
        assert any(case["ckv"] in " ".join(BY_ID[i].sources) for i in case["control"].split("|")), case["ckv"]

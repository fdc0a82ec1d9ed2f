"""Which controls the live audit judges, measured from audits that ran, and what stays offline-only and why.

A control is *judged live* when an audit of an account (moto in the tests) reported it as a violation on at least
one resource read from the account and passed at least one other resource of its types (a subject of one of its
resource types with no finding for it). A (control, type) pair is *read live* when a subject of that type was read
and the control was evaluated over it. `scripts/audit-coverage` runs the audit tests with `ROLLOUT_AUDIT_EVIDENCE`
set, so that every audit they run leaves its evidence (`evidence_of`), then `tally` adds it up and compares the
result with `OFFLINE_ONLY`, the controls the audit cannot judge, each with its reason (docs/controls.md lists them).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policies.core import Control

# Control id → why the live audit cannot judge it. Every other control of the registry is judged live
# (scripts/audit-coverage fails when a control outside this list was not, or one inside it was).
OFFLINE_ONLY: dict[str, str] = {
    "ACM-04": "judges the deleteBeforeReplace resource option, which only a program has: a live certificate has none",
    "IAM-06": "judges a role's exclusive managedPolicyArns/inlinePolicies inputs against separate RolePolicy and "
    "RolePolicyAttachment resources of the same program, a Pulumi modelling conflict: IAM returns one set of "
    "inline and attached policies per role",
    "KMS-02": "AWS exposes a key's deletion window only once its deletion is scheduled (such keys are skipped), and "
    "never whether CreateKey bypassed the policy lockout safety check",
    "R53-01": "asks whether an address record is computed from a resource of the same program (its property "
    "dependencies); a record read from Route 53 holds only literal values, and the audit does not read Route 53",
    "SG-05": "by its definition: a group's attachments on a live account are network interfaces, which the audit "
    "does not read, so groups read from a live account are not judged",
    "VPC-04": "judges a route table's inline routes input against separate aws.ec2.Route resources of the same "
    "program, a Pulumi modelling conflict: EC2 returns one set of routes per table",
    "WAF-05": "judges API Gateway REST API stages and AppSync APIs, which the audit does not read (the phases "
    "deploy neither)",
}

# Judged live, though no live resource can pass them: every resource of their types fails (a compliant account has
# none), so failing one is all the evidence there can be.
FAIL_ONLY: dict[str, str] = {
    "IAM-09": "every policy on a user (inline, attached) fails; permissions go through groups and roles",
}

ENV = "ROLLOUT_AUDIT_EVIDENCE"  # a folder: every audit run by the tests appends its evidence there


def evidence_of(result: Any) -> dict[str, Any]:
    """What one audit showed: per control evaluated, the resources it failed and those it passed, by type."""
    by_type: dict[str, list[str]] = {}
    for subject in result.subjects:
        by_type.setdefault(subject.type, []).append(subject.urn)
    judged: dict[str, dict[str, list[str]]] = {}
    for control in result.controls:
        found = {f.urn for f in result.findings if f.control == control.id}
        failed = {f.urn for f in result.findings if f.control == control.id and f.status == "violation"}
        urns = [(t, u) for t in control.resource_types for u in by_type.get(t, ())]
        judged[control.id] = {
            "types": sorted({t for t, _ in urns}),
            "failed": sorted(failed),
            "passed": sorted({u for _, u in urns if u not in found}),
        }
    return {"controls": judged}


def record(result: Any, folder: str | Path) -> None:
    """Append one audit's evidence to `folder` (one file per process, so that parallel test workers never mix)."""
    import os

    path = Path(folder) / f"evidence-{os.getpid()}.jsonl"
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(evidence_of(result), sort_keys=True) + "\n")


@dataclass
class Coverage:
    controls: int
    judged: list[str]  # judged live (failed one resource, passed another)
    not_judged: dict[str, str]  # control id → what was missing
    pairs: int  # (control, resource type) pairs of the registry
    pairs_read: set[tuple[str, str]] = field(default_factory=set)
    mismatches: list[str] = field(default_factory=list)  # disagreements with OFFLINE_ONLY

    def summary(self) -> str:
        return (
            f"{len(self.judged)} of {self.controls} controls judged live; "
            f"{len(self.pairs_read)} of {self.pairs} (control, type) pairs read live"
        )


def tally(
    evidence: Iterable[Mapping[str, Any]],
    controls: Iterable[Control],
    offline_only: Mapping[str, str] = OFFLINE_ONLY,
    fail_only: Mapping[str, str] = FAIL_ONLY,
) -> Coverage:
    """Add up the evidence of many audits; compare what was not judged with `offline_only`. A control of
    `fail_only` is judged once it failed a live resource."""
    controls = list(controls)
    failed: dict[str, set[str]] = {}
    passed: dict[str, set[str]] = {}
    pairs: set[tuple[str, str]] = set()
    for run in evidence:
        for control, seen in run["controls"].items():
            failed.setdefault(control, set()).update(seen["failed"])
            passed.setdefault(control, set()).update(seen["passed"])
            pairs.update((control, t) for t in seen["types"])
    judged, not_judged = [], {}
    for control in controls:
        fails, passes = failed.get(control.id, set()), passed.get(control.id, set())
        if fails and (passes or control.id in fail_only):  # a resource may pass, then fail after a drift
            judged.append(control.id)
        elif not fails and not passes:
            not_judged[control.id] = "no resource of its types was read"
        else:
            not_judged[control.id] = "never failed a live resource" if not fails else "never passed a live resource"
    mismatches = [f"{c}: judged live but listed as offline-only" for c in judged if c in offline_only]
    mismatches += [
        f"{c}: not judged live ({why}) and not listed as offline-only"
        for c, why in not_judged.items()
        if c not in offline_only
    ]
    mismatches += [
        f"{c}: listed as offline-only but not in the registry"
        for c in offline_only
        if c not in {x.id for x in controls}
    ]
    return Coverage(len(controls), judged, not_judged, sum(len(c.resource_types) for c in controls), pairs, mismatches)


def load(folder: str | Path) -> list[dict[str, Any]]:
    """Every audit's evidence recorded under `folder`."""
    runs = []
    for path in sorted(Path(folder).glob("evidence-*.jsonl")):
        runs += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return runs

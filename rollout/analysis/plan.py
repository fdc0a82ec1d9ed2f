"""What a phase adds, changes and removes, computed offline from two runs of the program (phase N-1 and N).

"What changed" is the diff engine's (rollout.analysis.diff): a plan carries its `Diff`, and its added, changed and
removed URNs are read from it, so `rollout plan`, `rollout diff` and the pull-request comment always agree."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from rollout.analysis.diff import Diff, diff_inventories
from rollout.model.inventory import Inventory, Resource, encode_value
from rollout.model.stackfile import StackFile


@dataclass(frozen=True)
class Plan:
    """Phase N of a stack, with the URNs it adds, changes and removes compared with phase N-1."""

    stack_file: StackFile
    current: Inventory
    previous: Inventory | None
    changes: Diff

    @classmethod
    def of(cls, stack_file: StackFile, current: Inventory, previous: Inventory | None) -> Plan:
        return cls(stack_file, current, previous, diff_inventories(previous, current))

    @property
    def added(self) -> tuple[str, ...]:
        return tuple(e.urn for e in self.changes.added)

    @property
    def changed(self) -> tuple[str, ...]:
        """Updated or replaced (inputs or recorded options differ), in the order of phase N's resources."""
        return tuple(e.urn for e in self.changes.changed)

    @property
    def removed(self) -> tuple[str, ...]:
        return tuple(e.urn for e in self.changes.removed)

    @property
    def phase(self) -> int | None:
        return self.current.phase

    def to_json(self) -> dict[str, Any]:
        return {
            "project": self.current.project,
            "stack": self.current.stack,
            "phase": self.phase,
            "region": self.stack_file.region,
            "phases": phase_summary(self.current, self.added),
            "resources": [
                {"urn": r.urn, "type": r.type, "name": r.name, "parent": r.parent, "phase": r.phase,
                 "protect": r.protect, "component": component_of(self.current, r), "inputs": encode_value(r.inputs)}
                for r in self.current.custom_resources()
            ],
            "added": list(self.added),
            "changed": list(self.changed),
            "removed": list(self.removed),
            "manualSteps": manual_steps(self.current, self.phase),
            "outputs": encode_value(self.current.outputs),
            **({"remoteComponents": self.current.remote_components()} if self.current.remote_components() else {}),
        }


def compare(before: Inventory | None, after: Inventory) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """URNs added, changed (inputs or recorded options differ) and removed, custom resources only: the diff
    engine's answer, as URNs."""
    changes = diff_inventories(before, after)
    return (tuple(e.urn for e in changes.added), tuple(e.urn for e in changes.changed),
            tuple(e.urn for e in changes.removed))


def component_of(inventory: Inventory, resource: Resource) -> str | None:
    """The name of the nearest enclosing component that is not a phase (e.g. `db` for an RDS instance)."""
    by_urn = inventory.by_urn
    parent = by_urn.get(resource.parent) if resource.parent else None
    while parent is not None:
        if not parent.custom and ":phases:" not in parent.type:
            return parent.name
        parent = by_urn.get(parent.parent) if parent.parent else None
    return None


def phase_summary(inventory: Inventory, added: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Per phase: its title (from the phase component), resource count and how many of those are new."""
    titles = {r.inputs.get("phase"): r.inputs.get("title") for r in inventory if ":phases:" in r.type}
    counts = Counter(r.phase for r in inventory.custom_resources())
    added_urns = set(added)
    new = Counter(r.phase for r in inventory.custom_resources() if r.urn in added_urns)
    phases = sorted(k for k in counts if k is not None) + ([None] if None in counts else [])
    return [{"number": p, "title": titles.get(p), "resources": counts[p], "added": new[p]} for p in phases]


def manual_steps(inventory: Inventory, phase: int | None) -> list[str]:
    """The steps done by hand at `phase` (the highest built phase when the stack sets none), as its phase component
    declares them (input `manualSteps`)."""
    if phase is None:
        numbers = [r.inputs.get("phase") for r in inventory if ":phases:" in r.type]
        phase = max((n for n in numbers if isinstance(n, int)), default=None)
    for resource in inventory:
        if ":phases:" in resource.type and resource.inputs.get("phase") == phase:
            steps = resource.inputs.get("manualSteps") or []
            return [str(step) for step in steps] if isinstance(steps, (list, tuple)) else []
    return []


def components_by_phase(inventory: Inventory) -> dict[int | None, dict[str | None, Counter[str]]]:
    """phase → component → count of resources per type, for a compact human view."""
    grouped: dict[int | None, dict[str | None, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for resource in inventory.custom_resources():
        grouped[resource.phase][component_of(inventory, resource)][resource.type] += 1
    return grouped

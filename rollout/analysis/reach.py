"""`rollout reach`: who can open a connection to what, from the inventory alone, for any program.

The engine is `policies.network.reach` (the same one NET-01 and NET-02 run in the pack, the offline check and
the audit-free CI); this module turns its graph into the matrix a person reads (rows: sources, columns:
targets), a JSON document, and Mermaid edges for the diagram, and groups each service's instances and each data
service under stable labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from policies.network import Reach, reach
from rollout.analysis.check import subjects_of
from rollout.model.inventory import Inventory

SOURCE_ORDER = ("internet", "cdn", "old-server", "load-balancer", "service")
TARGET_ORDER = ("load-balancer", "service", "cache", "database", "endpoint")


@dataclass(frozen=True)
class Matrix:
    sources: list[str]
    targets: list[str]
    cells: dict[tuple[str, str], str]
    """(source label, target label) -> ports, e.g. 'tcp/6379'."""
    graph: Reach

    def to_json(self) -> dict[str, Any]:
        return {"sources": self.sources, "targets": self.targets,
                "reach": [{"from": s, "to": t, "ports": p} for (s, t), p in sorted(self.cells.items())],
                "graph": self.graph.to_json()}


def analyse(inventory: Inventory) -> Reach:
    return reach(subjects_of(inventory))


def matrix(graph: Reach) -> Matrix:
    def order(kinds: tuple[str, ...], keys: set[str]) -> list[str]:
        nodes = [graph.nodes[k] for k in keys]
        return [n.label for n in sorted(nodes, key=lambda n: (kinds.index(n.kind) if n.kind in kinds else 99,
                                                               n.label))]

    sources = order(SOURCE_ORDER, {k for k, n in graph.nodes.items() if n.kind in SOURCE_ORDER})
    targets = order(TARGET_ORDER, {k for k, n in graph.nodes.items() if n.kind in TARGET_ORDER})
    cells = {(graph.nodes[e.source].label, graph.nodes[e.target].label): " ".join(e.ports) for e in graph.edges}
    return Matrix(sources, targets, cells, graph)


def mermaid_edges(graph: Reach) -> list[str]:
    """`a -- tcp/6379 --> b` lines, node ids from the labels (for `rollout diagram` or any flowchart)."""
    def ident(key: str) -> str:
        return "r_" + "".join(ch if ch.isalnum() else "_" for ch in graph.nodes[key].label)

    lines = [f'  {ident(k)}["{n.label}"]' for k, n in graph.nodes.items()]
    lines += [f"  {ident(e.source)} -- {' '.join(e.ports)} --> {ident(e.target)}" for e in graph.edges]
    return ["flowchart LR", *lines]


def reached_by(graph: Reach, kind: str) -> dict[str, set[str]]:
    """For each node of `kind` (e.g. database), the kinds of the sources that reach it."""
    return {graph.nodes[t].label: {graph.nodes[s].kind for s in graph.sources_of(t)}
            for t, n in graph.nodes.items() if n.kind == kind}

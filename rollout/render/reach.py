"""The reachability matrix as a table: one row per source, one column per target, the ports in each cell."""

from __future__ import annotations

from typing import Any

from rollout.analysis.reach import Matrix


def reach_table(result: Matrix, *, title: str) -> Any:
    from rich.table import Table

    table = Table(title=title, show_lines=True)
    table.add_column("from \\ to", style="bold")
    for target in result.targets:
        table.add_column(target, overflow="fold")
    for source in result.sources:
        table.add_row(source, *(result.cells.get((source, target), "·") for target in result.targets))
    return table


def reach_lines(result: Matrix) -> list[str]:
    """Plain `source -> target: ports` lines (what a table shows, for logs and tests)."""
    return [f"{s} -> {t}: {p}" for (s, t), p in sorted(result.cells.items())]

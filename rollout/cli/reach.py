"""`rollout reach`: who can open a connection to what (the internet, the CDN, the old server, each service's
instances, the load balancer, the cache, the database, the VPC endpoints), offline, from the inventory alone."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from rollout.cli._options import NoCache, Phase, Program, Quiet, Stack


class ReachFormat(str, Enum):
    table = "table"
    json = "json"
    mermaid = "mermaid"


def reach(
    program: Program = Path("."),
    stack: Stack = "example",
    phase: Phase = None,
    output_format: Annotated[ReachFormat, typer.Option("--format", "-f", help="table, json or mermaid (the edges).")] = ReachFormat.table,
    quiet: Quiet = False,
    no_cache: NoCache = False,
) -> None:
    """Print the reachability matrix of phase N: rows are sources, columns targets, cells the ports admitted
    (security groups, rule resources, group references, prefix lists, exposure, peering and VPN routes)."""
    from rollout.analysis.reach import mermaid_edges
    from rollout.app import reach_of
    from rollout.cli._render import console, print_json, progress_reporter
    from rollout.render.reach import reach_table

    with progress_reporter(quiet) as progress:
        result = reach_of(program, stack, phase, progress=progress, cache=not no_cache)
    if output_format is ReachFormat.json:
        print_json({"stack": stack, "phase": phase, **result.to_json()})
    elif output_format is ReachFormat.mermaid:
        typer.echo("\n".join(mermaid_edges(result.graph)))
    else:
        console().print(reach_table(result, title=f"{stack}: who reaches what" + (f" at phase {phase}" if phase else "")))

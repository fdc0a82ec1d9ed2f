"""`rollout plan`: what a phase adds, changes and removes, offline (no credentials, no Pulumi CLI)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from rollout.cli._options import Format, Phase, Program, Quiet, Stack


def plan(
    program: Program = Path("."),
    stack: Stack = "example",
    phase: Phase = None,
    output: Annotated[Format, typer.Option("--format", "-f", help="table, json or markdown.")] = Format.table,
    detail: Annotated[bool, typer.Option("--detail", help="List every resource, not counts per component.")] = False,
    save: Annotated[Path | None, typer.Option("--save", help="Also write the inventory to FILE (a baseline for `rollout diff --baseline`).", dir_okay=False)] = None,
    quiet: Quiet = False,
) -> None:
    """Show the resources of phase N and what it adds, changes and removes compared with phase N-1."""
    from rollout.cli._render import check_writable, console, progress_reporter
    from rollout.errors import UserError
    from rollout.analysis.plan import make_plan

    if output is Format.sarif:
        raise UserError("--format: sarif is for `rollout check`; plan supports table, json and markdown")
    check_writable(save, "--save")
    with progress_reporter(quiet) as progress:
        result = make_plan(program, stack, phase, progress=progress)
    if save is not None:
        from rollout.cli._render import write_output
        from rollout.model.inventory import dumps

        write_output(save, dumps([result.current]), "--save")
    if output is Format.json:
        from rollout.cli._render import print_json
        from rollout.render.report import plan_cost_json, plan_costs

        print_json({**result.to_json(), "cost": plan_cost_json(*plan_costs(result))})
    elif output is Format.markdown:
        from rollout.render.report import plan_markdown

        typer.echo(plan_markdown(result))
    else:
        from rollout.render.report import plan_costs, plan_table

        plan_table(result, console(), detail=detail, costs=plan_costs(result))

"""`rollout plan`: what a phase adds, changes and removes, offline (no credentials, no Pulumi CLI)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from rollout.cli._options import Format, NoCache, Phase, Program, Quiet, Stack, Timeout


def plan(
    program: Program = Path("."),
    stack: Stack = "example",
    phase: Phase = None,
    output: Annotated[Format, typer.Option("--format", "-f", help="table, json or markdown.")] = Format.table,
    detail: Annotated[bool, typer.Option("--detail", help="List every resource, not counts per component.")] = False,
    save: Annotated[Path | None, typer.Option("--save", help="Also write the inventory to FILE (a baseline for "
                                                             "`rollout diff --baseline`).", dir_okay=False)] = None,
    quiet: Quiet = False,
    no_cache: NoCache = False,
    timeout: Timeout = None,
) -> None:
    """Show the resources of phase N and what it adds, changes and removes compared with phase N-1.

    \b
    Examples:
      rollout plan --stack prod --phase 3
      rollout plan -s prod -p 3 --detail
      rollout plan -s prod -p 3 --format markdown > comment.md
      rollout plan -s prod --save baseline.json   # the baseline for rollout diff
      rollout plan -C ../shop-infra -s dev        # any Pulumi Python program
    """
    from rollout.app import plan_stack, stack_warnings
    from rollout.cli._render import check_writable, console, progress_reporter, warn
    from rollout.runtime.sandbox import runs_limited_to

    check_writable(save, "--save")
    with progress_reporter(quiet) as progress, runs_limited_to(timeout):
        result = plan_stack(program, stack, phase, progress=progress, cache=not no_cache)
    warnings = stack_warnings(result.stack_file) + ([result.current.remote_note()]
                                                    if result.current.remote_note() else [])
    warn(warnings)
    if save is not None:
        from rollout.cli._render import write_output
        from rollout.model.inventory import dumps

        write_output(save, dumps([result.current]), "--save")
    if output is Format.json:
        from rollout.app import plan_costs
        from rollout.cli._render import print_json
        from rollout.render.report import plan_cost_json

        print_json({**result.to_json(), "cost": plan_cost_json(*plan_costs(result)),
                    "warnings": warnings})
    elif output is Format.markdown:
        from rollout.app import plan_comment

        typer.echo(plan_comment(result))
    else:
        from rollout.app import plan_costs
        from rollout.render.report import plan_table

        plan_table(result, console(), detail=detail, costs=plan_costs(result))

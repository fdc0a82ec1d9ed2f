"""`rollout diff`: what applying phase N would add, update, replace and remove, whether it loses data, and which
changes move visitors (traffic switches)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from rollout.cli._options import Format, NoCache, Phase, Program, Quiet, Stack, Timeout


def diff(
    program: Program = Path("."),
    stack: Stack = "example",
    phase: Phase = None,
    from_phase: Annotated[
        int | None, typer.Option("--from-phase", min=1, max=6, help="Compare with phase M of the same stack.")
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            dir_okay=False,
            help="Compare with an inventory written by `rollout plan --save FILE` (e.g. on main).",
        ),
    ] = None,
    fail_on_data_loss: Annotated[
        bool,
        typer.Option(
            "--fail-on-data-loss",
            help="Exit 1 when a stateful resource would be replaced or removed, or when the provider or AWS would "
            "reject a change (the apply would stop half-way).",
        ),
    ] = False,
    fail_on_traffic_switch: Annotated[
        bool,
        typer.Option("--fail-on-traffic-switch", help="Exit 1 when a change moves visitors (DNS answer, origin, path "
                     "target)."),
    ] = False,
    output: Annotated[Format, typer.Option("--format", "-f", help="table, json or markdown.")] = Format.table,
    quiet: Quiet = False,
    no_cache: NoCache = False,
    timeout: Timeout = None,
) -> None:
    """Compare phase N of a stack with phase M (--from-phase) or with a saved baseline (--baseline).

    \b
    Examples:
      rollout diff --stack prod --phase 4 --from-phase 3
      rollout diff -s prod --baseline baseline.json --fail-on-data-loss
      rollout diff -s prod -p 4 --from-phase 3 --format json
    """
    from rollout.app import diff_stack
    from rollout.cli._render import progress_reporter, warn
    from rollout.runtime.sandbox import runs_limited_to

    with progress_reporter(quiet) as progress, runs_limited_to(timeout):
        run = diff_stack(
            program, stack, phase=phase, from_phase=from_phase, baseline=baseline, progress=progress, cache=not no_cache
        )
    warn(run.warnings)
    result = run.diff
    _render(run, output)
    if (fail_on_data_loss and (result.data_loss or result.failures)) or (fail_on_traffic_switch and result.switches):
        raise typer.Exit(1)


def _render(run: Any, output: Format) -> None:
    result, title = run.diff, run.title
    if output is Format.json:
        from rollout.cli._render import print_json

        print_json(
            {
                "project": run.after.project,
                "stack": run.after.stack,
                "phase": run.after.phase,
                "from": {"phase": run.before.phase, "stack": run.before.stack},
                **result.to_json(),
                "warnings": list(run.warnings),
            }
        )
    elif output is Format.markdown:
        from rollout.render.report import diff_markdown

        typer.echo(diff_markdown(result, title))
    else:
        from rollout.cli._render import console
        from rollout.render.report import diff_table

        diff_table(result, console(), title)

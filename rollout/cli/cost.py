"""`rollout cost`: the monthly cost of a phase and its change from the previous phase, offline."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from rollout.cli._options import NoCache, Phase, Program, Quiet, Stack, Timeout


class CostFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


class Currency(str, Enum):
    USD = "USD"
    VND = "VND"


def cost(
    program: Program = Path("."),
    stack: Stack = "example",
    phase: Phase = None,
    compare_phase: Annotated[int | None, typer.Option(
        "--compare-phase", "-m", min=1,
        help="Phase to compare with. Defaults to the phase before --phase (nothing before phase 1).")] = None,
    currency: Annotated[Currency | None, typer.Option(
        "--currency", help="USD or VND (dated rate from the catalog or rollout:usage.vndPerUsd). "
                           "Defaults to rollout:report.currency, else USD.", case_sensitive=False)] = None,
    output_format: Annotated[CostFormat, typer.Option("--format", "-f", help="Output format.")] = CostFormat.table,
    catalog: Annotated[Path | None, typer.Option(
        "--catalog", help="Price catalog file. Defaults to the packaged rollout/data/prices.json.",
        dir_okay=False)] = None,
    quiet: Quiet = False,
    no_cache: NoCache = False,
    timeout: Timeout = None,
) -> None:
    """Monthly cost of a phase per resource and cost component (hourly x 730 plus assumed usage), and its change
    from the previous phase, priced offline from the dated catalog.

    \b
    Examples:
      rollout cost --stack prod --phase 3
      rollout cost -s prod -p 6 --compare-phase 2
      rollout cost -s prod --currency VND --format markdown
    """
    from rollout.app import cost_stack
    from rollout.cli._render import progress_reporter, warn
    from rollout.render.cost import render_markdown, render_table
    from rollout.runtime.sandbox import runs_limited_to

    with progress_reporter(quiet) as progress, runs_limited_to(timeout):
        run = cost_stack(program, stack, phase=phase, compare_phase=compare_phase,
                         currency=currency.value if currency else None, catalog=catalog, progress=progress,
                         cache=not no_cache)
    warn(run.warnings)
    if output_format is CostFormat.json:
        from rollout.cli._render import print_json

        print_json(run.to_json())
    elif output_format is CostFormat.markdown:
        typer.echo(render_markdown(run.after, run.diff, run.compared_phase))
    else:
        render_table(run.after, run.diff, run.compared_phase)

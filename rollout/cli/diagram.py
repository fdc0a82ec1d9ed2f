"""`rollout diagram`: the architecture of a phase (Mermaid, SVG or PNG), with what the phase adds highlighted."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from rollout.cli._options import NoCache, Phase, Program, Quiet, Stack, Timeout


class DiagramFormat(str, Enum):
    mermaid = "mermaid"
    svg = "svg"
    png = "png"


def diagram(
    program: Program = Path("."),
    stack: Stack = "example",
    phase: Phase = None,
    output_format: Annotated[DiagramFormat, typer.Option("--format", "-f", help="mermaid (text), svg (drawn here) or png (needs cairosvg).")] = DiagramFormat.mermaid,
    output: Annotated[Path | None, typer.Option("--output", "-o", dir_okay=False, help="Write to FILE instead of stdout (required for png).")] = None,
    quiet: Quiet = False,
    no_cache: NoCache = False,
    timeout: Timeout = None,
) -> None:
    """Draw the architecture of phase N: edge/CDN, web tier, cache, database and replicas, queues, observability.

    \b
    Examples:
      rollout diagram --stack prod --phase 3 > phase3.mmd
      rollout diagram -s prod -p 6 --format svg -o phase6.svg
      rollout diagram -s prod -p 6 --format png -o phase6.png   # needs cairosvg
    """
    from rollout.analysis.diagram import mermaid, svg, svg_to_png
    from rollout.app import inventory_of
    from rollout.cli._render import check_writable, progress_reporter, write_output
    from rollout.errors import UserError

    if output_format is DiagramFormat.png and output is None:
        raise UserError("--format png writes binary data: give --output FILE")
    check_writable(output, "--output")
    from rollout.runtime.sandbox import runs_limited_to

    with progress_reporter(quiet) as progress, runs_limited_to(timeout):
        inventory = inventory_of(program, stack, phase, progress=progress, cache=not no_cache)
    if output_format is DiagramFormat.mermaid:
        text = mermaid(inventory)
    else:
        text = svg(inventory)
    if output_format is DiagramFormat.png:
        try:
            data = svg_to_png(text)
        except RuntimeError as error:
            raise UserError(f"--format png: {error}") from None
        write_output(output, data, "--output")
    elif output is not None:
        write_output(output, text, "--output")
    else:
        typer.echo(text, nl=False)

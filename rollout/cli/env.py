"""`rollout env`: print one business flow's connection settings as environment variables."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from rollout.cli._options import Program, Quiet, Stack


class EnvFormat(str, Enum):
    dotenv = "dotenv"
    json = "json"
    shell = "shell"


def env(
    flow: Annotated[str, typer.Option("--flow", "-F", help="Business flow name (sme-rollout:flows), e.g. checkout.")],
    program: Program = Path("."),
    stack: Stack = "example",
    output: Annotated[EnvFormat, typer.Option("--format", "-f", help="dotenv, shell (export lines) or json.")] = EnvFormat.dotenv,
    quiet: Quiet = False,
) -> None:
    """Print a flow's settings (endpoints, cache TTL, queue URL; secrets as Secrets Manager ARNs) from the stack's
    per-flow outputs, computed offline: endpoints are the offline runtime's placeholders until deployed."""
    from rollout.cli._render import progress_reporter
    from rollout.analysis.env import environment, render

    with progress_reporter(quiet) as progress:
        progress(f"running the program for stack {stack} offline")
        settings = environment(program, stack, flow)
    typer.echo(render(settings, output.value))

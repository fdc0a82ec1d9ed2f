"""`rollout env`: print one business flow's connection settings as environment variables."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from rollout.cli._options import NoCache, Program, Quiet, Stack, Timeout


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
    no_cache: NoCache = False,
    timeout: Timeout = None,
) -> None:
    """Print a flow's settings (endpoints, cache TTL, queue URL; secrets as Secrets Manager ARNs) from the stack's
    per-flow outputs, computed offline: endpoints are the offline runtime's placeholders until deployed.

    \b
    Examples:
      rollout env --stack prod --flow checkout
      rollout env -s prod -F catalog --format shell >> .env.sh
    """
    from rollout.analysis.env import render
    from rollout.app import env_of
    from rollout.cli._render import progress_reporter
    from rollout.runtime.sandbox import runs_limited_to

    with progress_reporter(quiet) as progress, runs_limited_to(timeout):
        settings = env_of(program, stack, flow, progress=progress, cache=not no_cache)
    typer.echo(render(settings, output.value))

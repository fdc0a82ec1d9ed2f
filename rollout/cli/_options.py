"""Options shared by the commands, so that every command spells them the same way."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

Program = Annotated[
    Path,
    typer.Option("--program", "-C", help="Pulumi project directory to analyse (any Python program). Defaults to the current directory.",
                 file_okay=False),
]
Stack = Annotated[
    str, typer.Option("--stack", "-s", envvar="ROLLOUT_STACK", help="Stack name (stacks/Pulumi.<stack>.yaml). Defaults to example."),
]
Phase = Annotated[
    int | None, typer.Option("--phase", "-p", min=1, max=6, help="Phase 1-6 to analyse. Defaults to the stack's configured phase."),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress output (warnings and errors still show).")]
Timeout = Annotated[
    float | None, typer.Option("--timeout", min=0, metavar="SECONDS", envvar="ROLLOUT_TIMEOUT",
                               help="Stop a program run that takes longer (0: no limit). Defaults to 300."),
]
NoCache = Annotated[bool, typer.Option(
    "--no-cache", envvar="ROLLOUT_NO_CACHE",
    help="Run the program even when an identical earlier run is cached (the cache is keyed by the program's files, "
         "the stack config, the phase and the installed SDKs).")]


class Format(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"

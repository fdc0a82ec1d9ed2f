"""Options shared by the commands, so that every command spells them the same way."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

Program = Annotated[
    Path,
    typer.Option("--program", "-C", help="Pulumi project directory to analyse (any Python program). Defaults to the "
                                         "current directory.",
                 file_okay=False),
]
Stack = Annotated[
    str, typer.Option("--stack", "-s", envvar="ROLLOUT_STACK", help="Stack name (stacks/Pulumi.<stack>.yaml). "
                                                                    "Defaults to example."),
]
Phase = Annotated[
    int | None, typer.Option("--phase", "-p", min=1, help="Phase N to analyse (the program decides how many it has; "
                                                          "sme-rollout has 1-6). Defaults to the stack's "
                                                          "configured phase."),
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
    """Formats of plan and diff (SARIF is for findings: `rollout check` and `rollout audit`)."""

    table = "table"
    json = "json"
    markdown = "markdown"


# --- AWS (audit, drill) -------------------------------------------------------------------------------------------

Region = Annotated[str | None, typer.Option("--region", help="AWS region. Defaults to AWS_REGION, "
                                                                "AWS_DEFAULT_REGION or the profile's region.")]
Profile = Annotated[str | None, typer.Option("--profile", help="Named profile from the shared AWS config files. "
                                                                  "Defaults to AWS_PROFILE or the default profile.")]


# --- site measurements (assess, loadtest) -------------------------------------------------------------------------


class ReportFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


Thresholds = Annotated[list[str], typer.Option(
    "--threshold", "-t", metavar="CONDITION", help="k6-style pass condition, repeatable: 'p95<300' (total ms), "
                                                   "'ttfb.p99<=800', "
                              "'error_rate<0.01'. Exit 1 when one is missed. Defaults to none.")]
MaxRps = Annotated[float, typer.Option(
    help="Refuse a --rate above this (a guard against typos that would turn a test into an attack). Defaults to 200.")]
Save = Annotated[Path | None, typer.Option(help="Write the report as a JSON baseline to this file.", dir_okay=False)]
Compare = Annotated[Path | None, typer.Option(
    help="A baseline written by --save: show the change against it (e.g. before and after a phase).",
    dir_okay=False)]
FormatOption = Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format. Defaults to table.")]
P95Target = Annotated[float, typer.Option(help="The p95 latency target in ms for the verdict. Defaults to 300.")]
CaBundle = Annotated[Path | None, typer.Option(
    help="PEM file of CA certificates to trust instead of the certifi bundle (e.g. an internal CA).",
    exists=True, dir_okay=False)]
RequestTimeout = Annotated[float, typer.Option("--timeout", help="Seconds to wait for each request. Defaults to 10.")]

"""`rollout check`: the policy pack's controls on a program, offline, with table, JSON or SARIF output."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from rollout.cli._options import NoCache, Phase, Program, Quiet, Stack, Timeout


class CheckFormat(str, Enum):
    table = "table"
    json = "json"
    sarif = "sarif"


def check(
    program: Program = Path("."),
    stack: Stack = "example",
    phase: Phase = None,
    output: Annotated[CheckFormat, typer.Option("--format", "-f", help="table, json or sarif (for code scanning).")] = CheckFormat.table,
    config: Annotated[Path | None, typer.Option(
        "--config", help="Policy config FILE in the --policy-pack-config shape, e.g. "
                         "{\"all\": \"mandatory\", \"RDS-04\": {\"minDays\": 14}}; beats the stack's rollout:policy.",
        dir_okay=False)] = None,
    quiet: Quiet = False,
    no_cache: NoCache = False,
    timeout: Timeout = None,
) -> None:
    """Check a program against the policy controls offline. Exit 1 on any unwaived mandatory violation.

    \b
    Examples:
      rollout check --stack prod
      rollout check -s prod -p 6 --format sarif > rollout.sarif
      rollout check -s prod --config policy.json --format json
    """
    import sys
    from importlib import metadata

    from rollout.app import check_stack
    from rollout.cli._render import console, print_json, progress_reporter, warn
    from rollout.render.findings import findings_json, findings_sarif, render_table
    from rollout.runtime.sandbox import runs_limited_to

    with progress_reporter(quiet) as progress, runs_limited_to(timeout):
        run = check_stack(program, stack, phase=phase, config_file=config, progress=progress,
                          cache=not no_cache)
    result, stack_file, inventory = run.result, run.stack_file, run.inventory
    warnings = run.warnings + ([f"{inventory.remote_note()}: they are not checked"]
                               if inventory.remote_note() else [])
    warn(warnings)
    if output is CheckFormat.json:
        print_json(findings_json(result.findings, controls=result.controls,
                                 resources_evaluated=result.resources_evaluated,
                                 extra={"project": inventory.project, "stack": inventory.stack,
                                        "phase": inventory.phase, "warnings": warnings,
                                        **({"remoteComponents": inventory.remote_components()}
                                           if inventory.remote_components() else {})}))
    elif output is CheckFormat.sarif:
        try:
            version = metadata.version("sme-rollout")
        except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
            version = "0.0.0"
        print_json(findings_sarif(result.findings, controls=result.controls, tool_name="rollout-check",
                                  tool_version=version, artifact_uri=stack_file.source_uri, warnings=warnings))
    else:
        from rollout.analysis.findings import summarize

        summary = summarize(result.findings, controls=result.controls, resources_evaluated=result.resources_evaluated)
        title = f"rollout check: {inventory.project} / {inventory.stack}"
        if inventory.phase is not None:
            title += f", phase {inventory.phase}"
        console().print(render_table(result.findings, summary, title=title))
    sys.stdout.flush()
    if result.failed:
        raise typer.Exit(1)

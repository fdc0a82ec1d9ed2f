"""`rollout ci`: the check (SARIF), the plan comment (Markdown), the diff against a baseline and the next baseline,
from one run of each phase: what a pull-request workflow needs, in one command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from rollout.cli._options import NoCache, Phase, Program, Quiet, Stack, Timeout


def ci(
    program: Program = Path("."),
    stack: Stack = "example",
    phase: Phase = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write into (created if missing). Defaults to rollout-ci.")
    ] = Path("rollout-ci"),
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            dir_okay=False,
            help="Inventory saved by a run on main (`baseline.json` of an earlier `rollout ci`, or "
            "`rollout plan --save`): also write the diff against it.",
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", dir_okay=False, help="Policy config FILE, as for `rollout check --config`."),
    ] = None,
    fail_on_data_loss: Annotated[
        bool,
        typer.Option(
            "--fail-on-data-loss",
            help="Exit 1 when the diff replaces or removes a stateful resource, or holds a change "
            "AWS or the engine would reject (the apply would stop half-way).",
        ),
    ] = False,
    fail_on_traffic_switch: Annotated[
        bool,
        typer.Option(
            "--fail-on-traffic-switch", help="Exit 1 when the diff moves visitors (DNS answer, origin, path target)."
        ),
    ] = False,
    quiet: Quiet = False,
    no_cache: NoCache = False,
    timeout: Timeout = None,
) -> None:
    """Write check.sarif, plan.md, baseline.json and (with --baseline) diff.md and diff.json into --out, running each
    phase once. Every file is written before the exit code is decided: 1 on an unwaived mandatory violation (and,
    with --fail-on-data-loss, on data loss; with --fail-on-traffic-switch, on a traffic switch), 0 otherwise.

    Example: rollout ci --stack prod --baseline main/baseline.json --fail-on-data-loss --out rollout-ci
    """
    import json

    from rollout import __version__
    from rollout.analysis.findings import counts_against
    from rollout.app import ci_stack
    from rollout.cli._render import check_writable, progress_reporter, write_output
    from rollout.errors import UserError
    from rollout.model.inventory import dumps
    from rollout.render.findings import findings_sarif
    from rollout.render.report import diff_markdown

    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out}: not a folder")
    check_writable(out, "--out")
    from rollout.cli._render import warn
    from rollout.runtime.sandbox import runs_limited_to

    with progress_reporter(quiet) as progress, runs_limited_to(timeout):
        run = ci_stack(
            program, stack, phase=phase, baseline=baseline, config_file=config, progress=progress, cache=not no_cache
        )
    result = run.check.result
    warn(run.check.warnings)
    files = {
        "check.sarif": json.dumps(
            findings_sarif(
                result.findings,
                controls=result.controls,
                tool_name="rollout-check",
                tool_version=__version__,
                artifact_uri=run.check.stack_file.source_uri,
                warnings=run.check.warnings,
            ),
            indent=2,
        )
        + "\n",
        "plan.md": run.comment,
        "baseline.json": dumps([run.plan.current]),
    }
    if run.diff is not None:
        files["diff.md"] = diff_markdown(run.diff.diff, run.diff.title)
        files["diff.json"] = json.dumps(run.diff.diff.to_json(), indent=2, default=str) + "\n"
    out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        write_output(out / name, text, "--out")
    failing = sum(1 for f in result.findings if counts_against(f))
    lost = len(run.diff.diff.data_loss) if run.diff is not None else 0
    rejected = len(set(run.diff.diff.failures)) if run.diff is not None else 0
    switches = len(run.diff.diff.switches) if run.diff is not None else 0
    typer.echo(
        f"wrote {', '.join(sorted(files))} to {out}: {failing} mandatory violation(s)"
        + (
            f", {lost} stateful resource(s) replaced or removed, {rejected} change(s) AWS would reject, "
            f"{switches} traffic switch(es)"
            if run.diff is not None
            else ""
        )
    )
    if result.failed or (fail_on_data_loss and (lost or rejected)) or (fail_on_traffic_switch and switches):
        raise typer.Exit(1)

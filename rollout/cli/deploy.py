"""`rollout preview|up|destroy`: run the Pulumi CLI through the Automation API, always with the policy pack.

These need the Pulumi CLI and cloud credentials; everything else in `rollout` works offline.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from rollout.cli._options import Program, Quiet, Stack

TargetPhase = Annotated[int | None, typer.Option("--phase", "-p", min=1, max=6, help="Phase 1-6 to apply (sets <project>:phase for the run). Defaults to the stack's configured phase.")]
PolicyPack = Annotated[Path | None, typer.Option("--policy-pack", file_okay=False, help="Policy pack directory. Defaults to policies/ in the program.")]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation (CI).")]


def preview(program: Program = Path("."), stack: Stack = "example", phase: TargetPhase = None,
            policy_pack: PolicyPack = None, quiet: Quiet = False) -> None:
    """Preview phase N with `pulumi preview` and the policy pack (needs the Pulumi CLI and credentials).

    \b
    Examples:
      rollout preview --stack prod --phase 3
    """
    deployment = _open(program, stack, policy_pack)
    result = _run(lambda: deployment.preview(phase, _echo(quiet)))
    typer.echo(f"preview: {_summary(result.change_summary)}")


def up(program: Program = Path("."), stack: Stack = "example", phase: TargetPhase = None,
       policy_pack: PolicyPack = None, force: Annotated[bool, typer.Option("--force", help="Allow skipping or going back phases.")] = False,
       yes: Yes = False, quiet: Quiet = False) -> None:
    """Apply phase N with `pulumi up` and the policy pack, one phase at a time, after showing the offline plan.

    \b
    Examples:
      rollout up --stack prod --phase 3
      rollout up -s prod -p 3 --yes          # CI: no question asked
    """
    from rollout.errors import UserError

    deployment = _open(program, stack, policy_pack)
    target = phase if phase is not None else deployment.stack_file.phase
    if target is None:
        raise UserError(f"{deployment.stack_file.display_path}: no phase configured; give --phase N")
    deployed = deployment.current_phase()
    from rollout.live.deploy import phase_gate

    refusal = phase_gate(deployed, target, force=force)
    if refusal:
        raise UserError(refusal)
    _show_plan(deployment.directory, stack, target, quiet)
    _confirm(f"Apply phase {target} to stack {stack} (now at phase {deployed if deployed is not None else '?'})?", yes)
    result = _run(lambda: deployment.up(target, _echo(quiet)))
    typer.echo(f"up: phase {target} applied to {stack}: {_summary(result.summary.resource_changes or {})}")


def destroy(program: Program = Path("."), stack: Stack = "example", policy_pack: PolicyPack = None,
            yes: Yes = False, quiet: Quiet = False) -> None:
    """Delete every resource of the stack with `pulumi destroy` (protected resources stop it).

    \b
    Examples:
      rollout destroy --stack dev
      rollout destroy -s dev --yes
    """
    deployment = _open(program, stack, policy_pack)
    deployment.stack  # the CLI check and stack selection happen before asking
    _confirm(f"Destroy every resource of stack {stack}? Data in databases, caches, buckets and queues is lost.", yes)
    result = _run(lambda: deployment.destroy(_echo(quiet)))
    typer.echo(f"destroy: {stack}: {_summary(result.summary.resource_changes or {})}")


def _open(program: Path, stack: str, policy_pack: Path | None) -> Any:
    from rollout.live.deploy import Deployment, require_cli

    deployment = Deployment(program, stack, policy_pack)  # offline: bad --program/--stack/--policy-pack first
    require_cli()
    return deployment


def _show_plan(program: Path, stack: str, phase: int, quiet: bool) -> None:
    """The offline plan (and its monthly cost) of what `up` is about to apply, on stderr."""
    from rich.console import Console

    from rollout.app import plan_costs, plan_stack
    from rollout.cli._render import progress_reporter
    from rollout.render.report import plan_table

    with progress_reporter(quiet) as progress:
        plan = plan_stack(program, stack, phase, progress=progress)
    plan_table(plan, Console(stderr=True, highlight=False), costs=plan_costs(plan))


def _confirm(question: str, yes: bool) -> None:
    from rollout.errors import UserError

    if yes:
        return
    if not sys.stdin.isatty():
        raise UserError(f"{question} — not a terminal, so cannot ask: pass --yes to confirm")
    if not typer.confirm(question, default=False, err=True):
        typer.echo("cancelled: nothing was changed", err=True)
        raise typer.Exit(1)


def _run(operation: Any) -> Any:
    """Run an Automation API call; a failed Pulumi command is reported with its own message, exit 1."""
    from rollout.live.deploy import PulumiFailed, run_pulumi

    try:
        return run_pulumi(operation)
    except PulumiFailed as error:
        typer.echo(f"error: pulumi failed: {error}", err=True)
        raise typer.Exit(1) from None


def _echo(quiet: bool) -> Any:
    return (lambda _line: None) if quiet else (lambda line: typer.echo(line, err=True))


def _summary(changes: dict[str, int]) -> str:
    return ", ".join(f"{n} {op}" for op, n in sorted(changes.items())) or "no changes"

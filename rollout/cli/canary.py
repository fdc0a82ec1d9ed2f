"""`rollout deploy`: a canary deploy of one service's image, and its status.

    rollout deploy --stack S --service NAME --image REF    offline check, then `pulumi up` with the policy pack
    rollout deploy status --stack S --service NAME         the instance refresh and the alarms it watches (boto3)
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from rollout.cli._options import NoCache, Program, Quiet, Stack

app = typer.Typer(help="Deploy a new image of one web tier service as a canary, and follow its instance refresh.",
                  invoke_without_command=True, no_args_is_help=False)

Service = Annotated[str | None, typer.Option("--service", help="The service (sme-rollout:services[].name).")]


@app.callback()
def deploy(
    ctx: typer.Context,
    program: Program = Path("."),
    stack: Stack = "example",
    service: Service = None,
    image: Annotated[str | None, typer.Option("--image", help="The new image: a tag (1.4.2) or a digest (sha256:...).")] = None,
    policy_pack: Annotated[Path | None, typer.Option("--policy-pack", file_okay=False, help="Policy pack directory. Defaults to policies/ in the program.")] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation (CI).")] = False,
    quiet: Quiet = False,
    no_cache: NoCache = False,
) -> None:
    """Set a service's image and apply it: the launch template gets a new version and the group's instance
    refresh replaces half the instances, waits, then the rest, rolling back by itself on the service's alarms.
    Checked offline first: refused if anything would be replaced or removed. Needs the Pulumi CLI."""
    if ctx.invoked_subcommand is not None:
        return
    from rollout.app import image_change
    from rollout.cli._render import progress_reporter
    from rollout.errors import UserError
    from rollout.live.canary import replacements, set_image
    from rollout.live.deploy import Deployment, require_cli

    if not service or not image:
        raise UserError("deploy: give --service NAME and --image REF (or `rollout deploy status --service NAME`)")
    deployment = Deployment(program, stack, policy_pack)
    with progress_reporter(quiet) as progress:
        change = image_change(program, stack, service, image, progress=progress, cache=not no_cache)
    refused = replacements(change.diff)
    if refused:
        typer.echo(f"refused: the new image would replace or remove {', '.join(refused)}", err=True)
        raise typer.Exit(1)
    updated = ", ".join(f"{e.name} ({e.type.split(':')[-1]})" for e in change.diff.updated) or "nothing"
    typer.echo(f"offline: {service} -> {image} updates {updated}; nothing is replaced", err=True)
    require_cli()
    _confirm(f"Deploy {service} {image} to stack {stack}?", yes)
    from rollout.live.deploy import PulumiFailed, run_pulumi

    def apply() -> object:
        set_image(deployment, change.index, image)
        echo = (lambda _line: None) if quiet else (lambda line: typer.echo(line, err=True))
        return deployment.stack.up(policy_packs=[str(deployment.policy_pack)], on_output=echo)

    try:
        run_pulumi(apply)
    except PulumiFailed as error:
        typer.echo(f"error: pulumi failed: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"deploy: {service} {image} applied to {stack}; follow it with `rollout deploy status --stack {stack} "
               f"--service {service}`")


def _confirm(question: str, yes: bool) -> None:
    import sys

    from rollout.errors import UserError

    if yes:
        return
    if not sys.stdin.isatty():
        raise UserError(f"{question} — not a terminal, so cannot ask: pass --yes to confirm")
    if not typer.confirm(question, default=False, err=True):
        typer.echo("cancelled: nothing was changed", err=True)
        raise typer.Exit(1)


@app.command("status")
def status(
    stack: Stack = "example",
    service: Service = None,
    region: Annotated[str | None, typer.Option("--region", help="AWS region. Defaults to AWS_REGION or the profile's.")] = None,
    profile: Annotated[str | None, typer.Option("--profile", help="Named profile from the shared AWS config files.")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="One JSON document on stdout.")] = False,
) -> None:
    """The service's latest instance refreshes (status, percent, reason) and the state of the alarms they watch;
    exit 1 while a refresh is rolling back. Read-only, needs AWS credentials."""
    from rollout.cli._render import print_json
    from rollout.errors import UserError
    from rollout.live.audit import open_session
    from rollout.live.canary import status as read_status
    from rollout.live.canary import status_lines

    if not service:
        raise UserError("deploy status: give --service NAME")
    session = open_session(region, profile)
    result = read_status(session.client("autoscaling"), session.client("cloudwatch"), stack, service)
    if json_output:
        print_json(result.to_json())
    else:
        typer.echo("\n".join(status_lines(result)))
    if result.rolling_back:
        raise typer.Exit(1)

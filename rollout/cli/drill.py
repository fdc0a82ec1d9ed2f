"""`rollout drill`: restore drills that prove backups work and measure RPO/RTO."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from rollout.cli._options import Quiet
from rollout.cli.audit import Profile, Region

app = typer.Typer(no_args_is_help=True)


@app.callback()
def drill() -> None:
    """Restore drills: prove that backups restore, and measure RPO and RTO."""


class DrillFormat(str, Enum):
    table = "table"
    json = "json"


@app.command("backup")
def backup(
    db_instance: Annotated[str, typer.Option("--db-instance", help="Identifier of the source RDS instance.")],
    snapshot: Annotated[str | None, typer.Option(
        "--snapshot", help="Snapshot to restore: an identifier, or 'latest'. Defaults to taking a new snapshot.")] = None,
    keep: Annotated[bool, typer.Option("--keep", help="Keep the restored instance (and drill snapshots) afterwards.")] = False,
    region: Region = None,
    profile: Profile = None,
    timeout: Annotated[int, typer.Option("--timeout", min=60, help="Seconds to wait for each snapshot and the "
                                                                   "restore. Defaults to 3600.")] = 3600,
    output: Annotated[DrillFormat, typer.Option("--format", "-f", help="table or json.")] = DrillFormat.table,
    quiet: Quiet = False,
) -> None:
    """Restore a snapshot of an RDS instance into a temporary private, encrypted instance, check it, report RPO
    (snapshot age) and RTO (restore time), then delete it unless --keep. Never modifies the source. Exit 1 if a
    check fails or a step times out.

    \b
    Examples:
      rollout drill backup --db-instance shop-db
      rollout drill backup --db-instance shop-db --snapshot latest --format json
    """
    from botocore.exceptions import BotoCoreError, ClientError

    from rollout.cli._render import print_json, progress_reporter
    from rollout.cli.audit import unreachable_endpoint_is_bad_input
    from rollout.errors import UserError
    from rollout.live.audit import caller_account, client_config, describe_failure, open_session
    from rollout.live.drill import run_backup_drill

    if not db_instance.strip():
        raise UserError("--db-instance: give the identifier of the source RDS instance")
    session = open_session(region, profile)
    with unreachable_endpoint_is_bad_input(session):
        caller_account(session)
    rds = session.client("rds", config=client_config())
    with progress_reporter(quiet) as progress:
        try:
            report = run_backup_drill(rds, db_instance, snapshot=snapshot, keep=keep, timeout=timeout,
                                      progress=progress)
        except TimeoutError as error:
            typer.echo(f"error: drill timed out: {error}", err=True)
            raise typer.Exit(1) from None
        except (ClientError, BotoCoreError) as error:
            typer.echo(f"error: drill failed: {describe_failure(error)}", err=True)
            raise typer.Exit(1) from None
    if output is DrillFormat.json:
        print_json(report.to_json())
    else:
        _print_report(report)
    if not report.passed:
        raise typer.Exit(1)


def _print_report(report) -> None:  # noqa: ANN001 - DrillReport, imported lazily
    from rich.table import Table

    from rollout.cli._render import console

    table = Table(title=f"rollout drill backup: {report.source}", show_header=False)
    table.add_column("what")
    table.add_column("value", overflow="fold")
    table.add_row("snapshot", f"{report.snapshot} ({'taken now' if report.snapshot_taken else 'existing'}, "
                              f"{report.snapshot_created:%Y-%m-%d %H:%M:%S} UTC)")
    table.add_row("restored into", report.restored)
    table.add_row("RPO (snapshot age)", f"{report.rpo_seconds:.0f} s")
    table.add_row("RTO (restore time)", f"{report.rto_seconds:.0f} s")
    for name, ok in report.checks.items():
        table.add_row(f"check {name}", "ok" if ok else "FAILED")
    table.add_row("SQL probe", report.probe)
    table.add_row("cleanup", "; ".join(report.cleanup) or "-")
    table.add_row("result", "passed" if report.passed else "FAILED")
    console().print(table)

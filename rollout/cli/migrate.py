"""`rollout migrate`: the database move into RDS (AWS DMS full load + change capture), read and cut over."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from rollout.cli._options import Program, Quiet, Stack

app = typer.Typer(no_args_is_help=True)

Region = Annotated[str | None, typer.Option("--region", help="AWS region. Defaults to the stack's sme-rollout:region.")]
Profile = Annotated[str | None, typer.Option("--profile", help="Named profile from the shared AWS config files. "
                                                                  "Defaults to AWS_PROFILE or the default profile.")]
Task = Annotated[str | None, typer.Option("--task", help="DMS task id or ARN. Defaults to <stack>-migration, the "
                                                         "task database.migrateFrom creates.")]


class MigrateFormat(str, Enum):
    table = "table"
    json = "json"


@app.callback()
def migrate() -> None:
    """The database move into RDS: start the DMS task, follow it, and the cutover checklist."""


def _target(program: Path, stack: str, region: str | None, task: str | None) -> tuple[str, str, str]:
    """(region, task, primary) from the options, else from the stack file (an adopted primary keeps its id)."""
    from rollout.live.migrate import database_identifier, task_identifier
    from rollout.model.stackfile import load_stack

    stack_file = load_stack(program, stack)
    database = stack_file.namespace(stack_file.project_name).get("database") or {}
    primary = database.get("adoptIdentifier") if isinstance(database, dict) else None
    return region or stack_file.region, task or task_identifier(stack), primary or database_identifier(stack)


def _clients(region: str, profile: str | None) -> Any:
    from rollout.live.aws import client, reachable_session
    from rollout.live.migrate import Clients

    session = reachable_session(region, profile)
    return Clients(dms=client(session, "dms"), cloudwatch=client(session, "cloudwatch"), rds=client(session, "rds"))


@app.command("start")
def start(
    program: Program = Path("."),
    stack: Stack = "example",
    task: Task = None,
    region: Region = None,
    profile: Profile = None,
    timeout: Annotated[int, typer.Option("--timeout", min=10, help="Seconds to wait for the connection tests. "
                                                                   "Defaults to 300.")] = 300,
    quiet: Quiet = False,
) -> None:
    """Test the replication instance's connections to the source and the new primary, then start the full load and
    change capture. Refuses (exit 1) while a connection fails or the task is not ready."""
    from rollout.cli._render import progress_reporter
    from rollout.live.aws import AwsFailure, aws_failures
    from rollout.live.migrate import start as start_task

    region, task_id, _primary = _target(program, stack, region, task)
    clients = _clients(region, profile)
    with progress_reporter(quiet) as progress:
        progress(f"testing the connections of {task_id}")
        try:
            with aws_failures(f"cannot start task {task_id}"):
                gates, state = start_task(clients, task_id, timeout=timeout)
        except AwsFailure as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(1) from None
    for gate in gates:
        typer.echo(f"{'ok  ' if gate.passed else 'FAIL'} {gate.name}: {gate.detail}")
    if not all(g.passed for g in gates):
        raise typer.Exit(1)
    typer.echo(f"task {task_id} is {state}: follow it with `rollout migrate status --stack {stack}`")


@app.command("status")
def status(
    program: Program = Path("."),
    stack: Stack = "example",
    task: Task = None,
    region: Region = None,
    profile: Profile = None,
    output: Annotated[MigrateFormat, typer.Option("--format", "-f", help="table or json.")] = MigrateFormat.table,
) -> None:
    """Read the DMS task: state, tables loaded, validation state per table, CDC latency; the cutover gates. Exit
    1 while a gate of the ready step fails."""
    from rollout.cli._render import print_json
    from rollout.live.aws import AwsFailure, aws_failures
    from rollout.live.migrate import read_status, ready_gates

    region, task_id, _primary = _target(program, stack, region, task)
    clients = _clients(region, profile)
    try:
        with aws_failures(f"cannot read task {task_id}"):
            result = read_status(clients, task_id)
    except AwsFailure as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    if output is MigrateFormat.json:
        print_json(result.to_json())
    else:
        _print_status(result)
    if not all(g.passed for g in ready_gates(result)):
        raise typer.Exit(1)


@app.command("cutover")
def cutover(
    program: Program = Path("."),
    stack: Stack = "example",
    task: Task = None,
    db_instance: Annotated[str | None, typer.Option("--db-instance", help="The new primary. Defaults to "
                                                                         "<stack>-database (or adoptIdentifier).")] = None,
    region: Region = None,
    profile: Profile = None,
    max_lag: Annotated[float, typer.Option("--max-lag", min=0, help="Seconds of CDC lag (source + target) that "
                                                                    "count as drained. Defaults to 1.")] = 1.0,
    timeout: Annotated[int, typer.Option("--timeout", min=10, help="Seconds to wait for the lag to drain after the "
                                                                   "freeze. Defaults to 900.")] = 900,
    interval: Annotated[int, typer.Option("--interval", min=1, help="Seconds between reads while draining. "
                                                                    "Defaults to 15.")] = 15,
    env_file: Annotated[Path | None, typer.Option("--env-file", dir_okay=False, help="Where to write the app's new "
                                                                                     "connection settings. Defaults "
                                                                                     "to cutover-<stack>.env.")] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Answer yes to the freeze and switch confirmations (you have "
                                                    "frozen writes and deploy the app with the env file).")] = False,
    output: Annotated[MigrateFormat, typer.Option("--format", "-f", help="table or json.")] = MigrateFormat.table,
    quiet: Quiet = False,
) -> None:
    """Walk the cutover checklist: ready (task running, tables loaded, nothing failed), freeze writes (confirmed),
    drain (lag at most --max-lag, every table validated), switch the app's connection settings (written to
    --env-file, confirmed), stop the task. Refuses at the first failing gate: exit 1, and the step says why."""
    from rollout.cli._render import print_json, progress_reporter
    from rollout.files import write_atomically
    from rollout.live.aws import AwsFailure, aws_failures
    from rollout.live.migrate import cutover as run_cutover

    region, task_id, primary = _target(program, stack, region, task)
    clients = _clients(region, profile)
    target = env_file or Path(f"cutover-{stack}.env")

    def confirm(question: str) -> bool:
        return yes or typer.confirm(question, default=False, err=True)

    def write_settings(settings: dict[str, str]) -> str:
        write_atomically(target, "".join(f"{k}={v}\n" for k, v in settings.items()))
        return str(target)

    with progress_reporter(quiet) as progress:
        try:
            with aws_failures("cutover stopped"):
                report = run_cutover(clients, task_id, db_instance or primary, confirm=confirm,
                                     write_settings=write_settings, max_lag_seconds=max_lag, timeout=timeout,
                                     interval=interval, progress=progress)
        except AwsFailure as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(1) from None
    if output is MigrateFormat.json:
        print_json(report.to_json())
    else:
        for step in report.steps:
            typer.echo(f"{'done   ' if step.done else 'REFUSED'} {step.name}: {step.detail}")
        if report.completed:
            typer.echo(f"cutover complete: the app uses {report.settings.get('DATABASE_HOST')}; remove "
                       "database.migrateFrom from the stack when you no longer need the way back")
    if not report.completed:
        raise typer.Exit(1)


def _print_status(result: Any) -> None:
    from rich.table import Table

    from rollout.cli._render import console
    from rollout.live.migrate import ready_gates

    out = console()
    counts = result.counts
    lag = "unknown" if result.lag_seconds is None else f"{result.lag_seconds:.0f} s"
    out.print(f"task {result.task_id}: {result.status} ({result.migration_type}); {counts['loaded']}/"
              f"{counts['tables']} tables loaded, {counts['validated']} validated, {counts['validationFailed']} "
              f"failed validation; {counts['fullLoadRows']} rows loaded, {counts['cdcChanges']} changes applied; "
              f"CDC lag {lag}")
    table = Table(title="tables")
    for column in ("table", "state", "validation", "rows", "changes"):
        table.add_column(column)
    for t in result.tables:
        table.add_row(t.name, t.state, t.validation, str(t.full_load_rows), str(t.inserts + t.updates + t.deletes))
    out.print(table)
    for gate in ready_gates(result):
        out.print(f"{'ok  ' if gate.passed else 'FAIL'} {gate.name}: {gate.detail}")

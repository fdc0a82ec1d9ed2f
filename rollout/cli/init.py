"""`rollout init`: write a new stack file for the sme-rollout program, at phase 1."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from rollout.cli._options import Program


class Engine(str, Enum):
    postgres = "postgres"
    mysql = "mysql"


class Environment(str, Enum):
    dev = "dev"
    staging = "staging"
    prod = "prod"


def init(
    stack: Annotated[str, typer.Option("--stack", "-s", help="Name of the new stack (Pulumi.<stack>.yaml).")],
    domain: Annotated[str, typer.Option("--domain", help="The site's domain, e.g. shop.example.vn.")],
    origin: Annotated[
        str, typer.Option("--origin", help="The current server's host name, e.g. origin.shop.example.vn.")
    ],
    program: Program = Path("."),
    region: Annotated[str, typer.Option("--region", help="AWS region. Defaults to ap-southeast-1.")] = "ap-southeast-1",
    environment: Annotated[Environment, typer.Option("--environment", "-e", help="dev, staging or prod.")] = (
        Environment.dev
    ),
    engine: Annotated[Engine, typer.Option("--engine", help="Database engine of phase 3: postgres or mysql.")] = (
        Engine.postgres
    ),
) -> None:
    """Write stacks/Pulumi.<stack>.yaml (the project's stackConfigDir) at phase 1, with the database's engine
    version written out: the newest major version in RDS standard support today (mysql 8.4, postgres 16), from the
    calendar `rollout check` (RDS-17) and `rollout cost` use. Refuses to replace an existing stack file.

    \b
    Examples:
      rollout init --stack shop --domain shop.example.vn --origin origin.shop.example.vn
      rollout init -s prod --domain shop.example.vn --origin origin.shop.example.vn -e prod --engine mysql
    """
    import datetime as dt

    from rollout.errors import UserError
    from rollout.files import write_atomically
    from rollout.model.stackfile import display_path, load_project
    from rollout.render.stack_file import NewStack, render

    project = load_project(program)
    new = NewStack(
        stack=stack, domain=domain, origin=origin, region=region, environment=environment.value, engine=engine.value
    )
    text = render(new, project.name, dt.datetime.now(dt.UTC).date().isoformat())
    path = project.stack_path(stack)
    if path.exists() or path.is_symlink():
        raise UserError(f"{display_path(path)}: already exists; choose another --stack or edit it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, text)
    except OSError as error:
        raise UserError(f"{display_path(path)}: {error.strerror or error}") from None
    typer.echo(f"wrote {display_path(path)}; next: rollout plan --stack {stack} --phase 1")

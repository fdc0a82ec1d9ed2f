"""The `rollout` command line: one typer sub-app or command per module, registered here.

Command modules import only typer and the standard library at module level, so that `rollout --help` stays fast;
each command imports the heavy SDKs (pulumi, boto3, httpx) inside its own function.
"""

from __future__ import annotations

import importlib
import sys
from typing import Annotated

import typer
from typer.core import TyperGroup

from rollout.errors import ProgramError, UserError

# (command name, module under rollout.cli). A module exposes `command` (one command) or `app` (a group).
COMMANDS: list[tuple[str, str]] = [
    ("plan", "plan"),
    ("check", "check"),
    ("cost", "cost"),
    ("prices", "prices"),
    ("cdn-ranges", "cdn_ranges"),
    ("diff", "diff"),
    ("gate", "gate"),
    ("diagram", "diagram"),
    ("preview", "deploy"),
    ("up", "deploy"),
    ("destroy", "deploy"),
    ("env", "env"),
    ("assess", "assess"),
    ("loadtest", "loadtest"),
    ("audit", "audit"),
    ("drill", "drill"),
    ("ci", "ci"),
]


class RolloutGroup(TyperGroup):
    """Turns bad input into one line per problem on stderr and exit code 2 (3 for a limit of the offline runtime:
    OfflineLimitError), never a traceback."""

    def invoke(self, ctx):  # noqa: ANN001 - click's signature
        try:
            return super().invoke(ctx)
        except (UserError, ProgramError) as error:
            lines = getattr(error, "problems", None) or [str(error)]
            for line in lines:
                typer.echo(f"error: {line}", err=True)
            raise typer.Exit(getattr(error, "exit_code", 2)) from None


app = typer.Typer(
    cls=RolloutGroup,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
    help="Plan, price, check and apply the six sme-rollout phases; assess and audit what runs today.",
)


def _version(value: bool) -> None:
    if value:
        from rollout import __version__

        typer.echo(f"rollout {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")] = False,
) -> None:
    """Plan, price, check and apply the six sme-rollout phases; assess and audit what runs today."""


def _register() -> None:
    """A module's `app` (a typer group) becomes `rollout NAME ...`; otherwise its function named NAME (or
    `command`) becomes `rollout NAME`."""
    for name, module_name in COMMANDS:
        module = importlib.import_module(f"rollout.cli.{module_name}")
        group = getattr(module, "app", None)
        if isinstance(group, typer.Typer):
            app.add_typer(group, name=name)
        else:
            app.command(name)(getattr(module, name, None) or module.command)


_register()


def main() -> None:
    """Console-script entry point."""
    app(prog_name="rollout")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

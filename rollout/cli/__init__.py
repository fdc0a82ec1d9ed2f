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
    ("init", "init"),
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
    ("deploy", "canary"),
    ("env", "env"),
    ("reach", "reach"),
    ("assess", "assess"),
    ("loadtest", "loadtest"),
    ("audit", "audit"),
    ("drill", "drill"),
    ("migrate", "migrate"),
    ("sync", "sync"),
    ("ci", "ci"),
]


INTERRUPTED = 130
"""Exit code after Ctrl-C (128 + SIGINT), as shells report it."""
INTERRUPT_GRACE_SECONDS = 2.0
"""After one Ctrl-C the command has this long to unwind before the process ends anyway."""


class RolloutGroup(TyperGroup):
    """Turns bad input into one line per problem on stderr and exit code 2 (3 for a limit of the offline runtime:
    OfflineLimitError), never a traceback; Ctrl-C into exit 130; a reader that went away (`rollout plan | head`)
    into a quiet exit 0."""

    def invoke(self, ctx):  # noqa: ANN001 - click's signature
        _broken_pipe_is_an_error_not_an_exit()
        try:
            return super().invoke(ctx)
        except (UserError, ProgramError) as error:
            lines = getattr(error, "problems", None) or [str(error)]
            for line in lines:
                typer.echo(f"error: {line}", err=True)
            raise typer.Exit(getattr(error, "exit_code", 2)) from None
        except KeyboardInterrupt:
            _say("interrupted")
            raise typer.Exit(INTERRUPTED) from None
        except BrokenPipeError:
            _silence_stdout()
            raise typer.Exit(0) from None


def _broken_pipe_is_an_error_not_an_exit() -> None:
    """rich answers a broken pipe with SystemExit(1), which reads as "findings": let it raise BrokenPipeError,
    which `invoke` turns into a quiet exit 0, like any other write to a closed pipe."""
    from rich.console import Console

    def on_broken_pipe(console: Console) -> None:
        console.quiet = True
        raise BrokenPipeError

    Console.on_broken_pipe = on_broken_pipe  # type: ignore[method-assign]


def _say(line: str) -> None:
    try:
        sys.stderr.write(f"{line}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _silence_stdout() -> None:
    """The reader of stdout is gone: point stdout at /dev/null so the interpreter's last flush cannot fail
    (https://docs.python.org/3/library/signal.html#note-on-sigpipe)."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (a test runner's buffer)
        pass


app = typer.Typer(
    cls=RolloutGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
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
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
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
    """Console-script entry point. One Ctrl-C ends the command within INTERRUPT_GRACE_SECONDS with exit 130 (a
    second one at once); the exit does not wait for the Pulumi SDK's worker threads."""
    _handle_interrupts()
    try:
        app(prog_name="rollout")
    except SystemExit as done:
        if done.code == INTERRUPTED:
            _end_now(INTERRUPTED)
        raise


def _handle_interrupts() -> None:
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():  # pragma: no cover - embedded use
        return
    state = {"interrupted": False}

    def on_interrupt(_signum: int, _frame: object) -> None:
        if state["interrupted"]:
            _say("interrupted")
            _end_now(INTERRUPTED)
        state["interrupted"] = True
        timer = threading.Timer(INTERRUPT_GRACE_SECONDS, lambda: (_say("interrupted"), _end_now(INTERRUPTED)))
        timer.daemon = True
        timer.start()
        raise KeyboardInterrupt

    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not when the parent ignores SIGINT
        signal.signal(signal.SIGINT, on_interrupt)


def _end_now(code: int) -> None:
    import os

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

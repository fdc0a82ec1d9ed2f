"""Output helpers shared by the commands: JSON on stdout, progress on stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


def print_json(document: Any) -> None:
    """Exactly one JSON document on stdout."""
    sys.stdout.write(json.dumps(document, indent=2, default=str) + "\n")


def console() -> Any:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


@contextmanager
def progress_reporter(quiet: bool) -> Iterator[Callable[[str], None]]:
    """A status line on stderr (rich spinner) that long steps update; silent with --quiet or when not a TTY."""
    if quiet:
        yield lambda _message: None
        return
    from rich.console import Console

    err = Console(stderr=True)
    if not err.is_terminal:
        yield lambda message: err.print(f"[dim]… {message}[/dim]")
        return
    with err.status("starting") as status:
        yield lambda message: status.update(message)


def warn(lines: Any) -> None:
    """Warnings on stderr, one line each: shown with --quiet too (quiet hides progress, never warnings)."""
    for line in lines:
        sys.stderr.write(f"warning: {line}\n")
    sys.stderr.flush()


def check_writable(path: Any, option: str) -> None:
    """Refuse an output path whose folder is missing, or that is a folder or special file, before minutes of work
    are spent producing it."""
    from rollout.errors import UserError
    from rollout.files import NotARegularFile, write_target

    if path is None:
        return
    from pathlib import Path

    try:
        target = write_target(path)
    except NotARegularFile as error:
        if not Path(path).is_dir():  # a folder option (`rollout ci --out`) checks its own kind
            raise UserError(f"{option} {path}: {error.strerror}; give a file name") from None
        target = Path(path)
    except OSError as error:
        raise UserError(f"{option} {path}: {error.strerror}") from None
    if not target.parent.is_dir():
        raise UserError(f"{option} {path}: folder {target.parent} does not exist")


def write_output(path: Any, data: str | bytes, option: str, *, announce: bool = True) -> None:
    """Write `data` to `path` atomically (through a symlink); an unwritable path is bad input naming the option.
    Says `saved to FILE` on stderr."""
    from rollout.errors import UserError
    from rollout.files import write_atomically

    check_writable(path, option)
    try:
        write_atomically(path, data)
    except OSError as error:
        raise UserError(f"{option} {path}: cannot write ({error.strerror})") from None
    if announce:
        sys.stderr.write(f"saved to {path}\n")
        sys.stderr.flush()

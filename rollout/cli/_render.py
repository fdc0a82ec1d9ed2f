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

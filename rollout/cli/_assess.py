"""What `rollout assess` and `rollout loadtest` share on the terminal: progress bars that Ctrl-C stops, and the
report printed (table, JSON or Markdown) and saved."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from rollout.cli._options import ReportFormat


def run_with_progress(start: Callable[..., Any], *, quiet: bool) -> dict[str, Any]:
    """Run `start(stop, on_start, on_sample)` (a coroutine) with a progress bar on stderr; Ctrl-C sets `stop`."""
    import asyncio
    import signal

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    progress = Progress(TextColumn("requests"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=console, disable=quiet or not console.is_terminal, transient=True)
    task = progress.add_task("requests", total=None)

    async def main() -> dict[str, Any]:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()

        def on_interrupt() -> None:
            if stop.is_set():  # the second Ctrl-C: no report, end now
                import os
                import sys

                sys.stderr.write("interrupted\n")
                sys.stderr.flush()
                os._exit(130)
            stop.set()

        try:
            loop.add_signal_handler(signal.SIGINT, on_interrupt)
            handled = True
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, or no signals here
            handled = False
        try:
            return await start(stop, lambda total: progress.update(task, total=total),
                               lambda sample: progress.advance(task))
        finally:
            if handled:
                loop.remove_signal_handler(signal.SIGINT)

    with progress:
        report = asyncio.run(main())
    if report.get("interrupted"):  # a warning, not progress: shown with --quiet too
        console.print(f"interrupted: reporting the {report['requests']} requests measured")
    return report


def run_locust_with_progress(plan: Any, workdir: Path, *, quiet: bool) -> dict[str, Any]:
    """Run Locust with a time-based progress bar on stderr; the first Ctrl-C stops Locust and keeps its results."""
    import signal

    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from rollout.live import locust_runner

    console = Console(stderr=True)
    progress = Progress(TextColumn("locust"), BarColumn(), TimeElapsedColumn(), console=console,
                        disable=quiet or not console.is_terminal, transient=True)
    task = progress.add_task("locust", total=plan.duration)
    asked_to_stop: list[bool] = []
    previous = signal.signal(signal.SIGINT, lambda *_: asked_to_stop.append(True))
    try:
        with progress:
            return locust_runner.run(plan, workdir, on_tick=lambda seconds: progress.update(task, completed=seconds),
                                     interrupted=lambda: bool(asked_to_stop))
    finally:
        signal.signal(signal.SIGINT, previous)


def emit(report: dict[str, Any], *, format: ReportFormat, save: Path | None, baseline: dict[str, Any] | None,
         thresholds: list) -> None:
    """Add threshold results and the comparison, print the report, write --save, exit 1 on a missed threshold."""
    import json

    from rich.console import Console

    from rollout.cli._render import write_output
    from rollout.live.assess.run import finish_report, thresholds_missed
    from rollout.render.assess import render_markdown, render_table

    comparison = finish_report(report, thresholds, baseline)
    if save is not None:
        saved = {k: v for k, v in report.items() if k != "comparison"}
        write_output(save, json.dumps(saved, indent=2) + "\n", "--save")
    if format is ReportFormat.json:
        typer.echo(json.dumps(report, indent=2))
    elif format is ReportFormat.markdown:
        typer.echo(render_markdown(report, comparison), nl=False)
    else:
        render_table(report, Console(width=120), comparison)
    if report.get("interrupted"):
        raise typer.Exit(130)
    if thresholds_missed(report):
        raise typer.Exit(1)

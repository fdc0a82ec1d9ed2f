"""`rollout assess URL`: measure a live site's speed and readiness (the phase-1 baseline)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from rollout.cli._options import Quiet


class ReportFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


Thresholds = Annotated[list[str], typer.Option(
    "--threshold", "-t", metavar="CONDITION", help="k6-style pass condition, repeatable: 'p95<300' (total ms), 'ttfb.p99<=800', "
                              "'error_rate<0.01'. Exit 1 when one is missed. Defaults to none.")]
MaxRps = Annotated[float, typer.Option(
    help="Refuse a --rate above this (a guard against typos that would turn a test into an attack). Defaults to 200.")]
Save = Annotated[Path | None, typer.Option(help="Write the report as a JSON baseline to this file.", dir_okay=False)]
Compare = Annotated[Path | None, typer.Option(
    help="A baseline written by --save: show the change against it (e.g. before and after a phase).",
    dir_okay=False)]
FormatOption = Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format. Defaults to table.")]
P95Target = Annotated[float, typer.Option(help="The p95 latency target in ms for the verdict. Defaults to 300.")]
CaBundle = Annotated[Path | None, typer.Option(
    help="PEM file of CA certificates to trust instead of the certifi bundle (e.g. an internal CA).",
    exists=True, dir_okay=False)]
Timeout = Annotated[float, typer.Option(help="Seconds to wait for each request. Defaults to 10.")]


def assess(
    url: Annotated[str, typer.Argument(help="The page to measure, e.g. https://shop.example.vn/.")],
    requests: Annotated[int, typer.Option("--requests", "-n", help="Requests in probe mode (no --rate), each on a new connection. Defaults to 20.")] = 20,
    concurrency: Annotated[int, typer.Option("--concurrency", "-c", help="Requests in flight at once (probe workers, or the connection pool under --rate). Defaults to 4.")] = 4,
    rate: Annotated[float | None, typer.Option(help="Constant arrival rate in requests per second (latency counted from each request's intended start). Defaults to probe mode.")] = None,
    duration: Annotated[float | None, typer.Option(help="Seconds to run at --rate. Defaults to 10.")] = None,
    format: FormatOption = ReportFormat.table,
    save: Save = None,
    compare: Compare = None,
    threshold: Thresholds = [],  # noqa: B006 - typer reads the default
    p95_target: P95Target = 300.0,
    max_rps: MaxRps = 200.0,
    timeout: Timeout = 10.0,
    ca_bundle: CaBundle = None,
    http_url: Annotated[str | None, typer.Option(help="Plain-http URL expected to redirect to https. Defaults to the URL's host on port 80.")] = None,
    quiet: Quiet = False,
) -> None:
    """Measure a site's latency (DNS, connect, TLS, TTFB, total: p50-p99), errors, protocol, TLS, CDN, cache and
    compression with bounded traffic, judge each against the roadmap's targets and name the phase that fixes it.

    Without --rate: --requests requests from --concurrency workers. With --rate: a constant arrival rate for
    --duration seconds (no coordinated omission). Ctrl-C stops and reports what was measured, then exits 130 (a
    second Ctrl-C ends at once). Exit codes: 0 ok, 1 a --threshold was missed, 2 bad input or unreachable site,
    130 interrupted.

    \b
    Examples:
      rollout assess https://shop.example.vn/
      rollout assess https://shop.example.vn/ --rate 5 --duration 30 -t 'p95<300'
      rollout assess https://shop.example.vn/ --save before.json
      rollout assess https://shop.example.vn/ --compare before.json
    """
    from rollout.errors import UserError
    from rollout.live import assess as lib
    from rollout.live import load

    problems = []
    try:
        target = lib.parse_target(url)
    except UserError as error:
        problems += error.problems
    if http_url is not None:
        try:
            http_url = lib.parse_target(http_url)
        except UserError as error:
            problems += [f"--http-url: {line}" for line in error.problems]
    if rate is not None and duration is None:
        duration = 10.0
    problems += load.load_problems(requests=requests, concurrency=concurrency, rate=rate, duration=duration,
                                   max_rps=max_rps)
    if not (p95_target > 0):
        problems.append(f"--p95-target {p95_target:g}: must be a positive number of milliseconds")
    if not (timeout > 0):
        problems.append(f"--timeout {timeout:g}: must be a positive number of seconds")
    thresholds, baseline = parse_thresholds_and_baseline(threshold, compare, problems)
    problems += ca_bundle_problems(ca_bundle)
    problems += save_problems(save)
    if problems:
        raise UserError(*problems)

    options = lib.AssessOptions(url=target, requests=requests, concurrency=concurrency, rate=rate,
                                duration=duration or 10.0, timeout=timeout,
                                ca_bundle=str(ca_bundle) if ca_bundle else None, http_url=http_url,
                                p95_target_ms=p95_target)
    report = run_with_progress(lambda stop, on_start, on_sample: lib.run_assessment(
        options, stop=stop, on_start=on_start, on_sample=on_sample), quiet=quiet)
    emit(report, format=format, save=save, baseline=baseline, thresholds=thresholds)


def parse_thresholds_and_baseline(expressions: list[str], compare: Path | None, problems: list[str]):
    """Parsed thresholds and the loaded baseline; their problems are appended to `problems`."""
    from rollout.errors import UserError
    from rollout.live import assess as lib

    thresholds = []
    for expression in expressions:
        try:
            thresholds.append(lib.parse_threshold(expression))
        except UserError as error:
            problems += error.problems
    baseline = None
    if compare is not None:
        try:
            baseline = lib.load_baseline(compare.read_text(encoding="utf-8"), str(compare))
        except OSError as error:
            problems.append(f"--compare {compare}: {error.strerror}")
        except UnicodeDecodeError:
            problems.append(f"--compare {compare}: not a baseline written by --save (not UTF-8 text)")
        except UserError as error:
            problems += error.problems
    return thresholds, baseline


def ca_bundle_problems(ca_bundle: Path | None) -> list[str]:
    """Refuse a --ca-bundle that holds no CA certificate before any request is made."""
    from rollout.errors import UserError
    from rollout.live import assess as lib

    if ca_bundle is None:
        return []
    try:
        lib.ssl_context(str(ca_bundle))
    except UserError as error:
        return error.problems
    return []


def save_problems(save: Path | None) -> list[str]:
    """Refuse a --save path that cannot be written before spending minutes measuring."""
    if save is not None and not save.parent.is_dir():
        return [f"--save {save}: folder {save.parent} does not exist"]
    return []


def run_with_progress(start, *, quiet: bool) -> dict[str, Any]:
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


def emit(report: dict[str, Any], *, format: ReportFormat, save: Path | None, baseline: dict[str, Any] | None,
         thresholds: list) -> None:
    """Add threshold results and the comparison, print the report, write --save, exit 1 on a missed threshold."""
    import json

    from rich.console import Console

    from rollout.cli._render import write_output
    from rollout.live import assess as lib

    report["thresholds"] = lib.evaluate_thresholds(report, thresholds)
    comparison = lib.compare(baseline, report) if baseline is not None else None
    if comparison is not None:
        report["comparison"] = comparison
    if save is not None:
        saved = {k: v for k, v in report.items() if k != "comparison"}
        write_output(save, json.dumps(saved, indent=2) + "\n", "--save")
    if format is ReportFormat.json:
        typer.echo(json.dumps(report, indent=2))
    elif format is ReportFormat.markdown:
        typer.echo(lib.render_markdown(report, comparison), nl=False)
    else:
        lib.render_table(report, Console(width=120), comparison)
    if report.get("interrupted"):
        raise typer.Exit(130)
    if any(not result["passed"] for result in report["thresholds"]):
        raise typer.Exit(1)

"""`rollout loadtest URL`: load beyond one machine with Locust, reported like `rollout assess`."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from rollout.cli._options import Quiet
from rollout.cli.assess import (
    CaBundle,
    Compare,
    FormatOption,
    MaxRps,
    P95Target,
    ReportFormat,
    Save,
    Thresholds,
    Timeout,
)


class Role(str, Enum):
    standalone = "standalone"
    master = "master"
    worker = "worker"


def loadtest(
    url: Annotated[str, typer.Argument(help="The page to load, e.g. https://shop.example.vn/.")],
    rate: Annotated[float, typer.Option(help="Target total requests per second across all users and workers.")] = 10.0,
    duration: Annotated[float, typer.Option(help="Seconds to run. Defaults to 30.")] = 30.0,
    users: Annotated[int | None, typer.Option("--users", "-u", help="Simulated users. Defaults to rate/2 (each at most 2 requests/s), at least 1.")] = None,
    spawn_rate: Annotated[float | None, typer.Option(help="Users started per second. Defaults to all within 1 s.")] = None,
    path: Annotated[list[str], typer.Option("--path", metavar="PATH", help="More paths on the same host each user requests in turn, repeatable. Defaults to the URL's path only.")] = [],  # noqa: B006
    workers: Annotated[int, typer.Option(help="Start a Locust master and this many workers on this machine (0: one standalone process).")] = 0,
    role: Annotated[Role, typer.Option(help="Distributed role: 'master' waits for --expect-workers workers and reports; 'worker' connects to --master-host and generates load. Defaults to standalone.")] = Role.standalone,
    expect_workers: Annotated[int, typer.Option(help="Master only: workers to wait for before starting. Defaults to 1.")] = 1,
    master_host: Annotated[str, typer.Option(help="Worker only: the master's address. Defaults to 127.0.0.1.")] = "127.0.0.1",
    master_port: Annotated[int, typer.Option(help="The master's port. Defaults to 5557.")] = 5557,
    format: FormatOption = ReportFormat.table,
    save: Save = None,
    compare: Compare = None,
    threshold: Thresholds = [],  # noqa: B006
    p95_target: P95Target = 300.0,
    max_rps: MaxRps = 200.0,
    timeout: Timeout = 10.0,
    ca_bundle: CaBundle = None,
    quiet: Quiet = False,
) -> None:
    """Generate a Locust scenario for URL (users pacing themselves to --rate in total) and run it headless in
    subprocesses, standalone or distributed (master/workers), then read Locust's CSV statistics back into the
    `rollout assess` report, with the same findings, thresholds, --save and --compare.

    Needs Locust, the optional `load` extra: from a clone, .venv/bin/pip install -e '.[load]'. Ctrl-C stops
    Locust and reports what it measured.
    Exit codes: 0 ok, 1 a --threshold was missed, 2 bad input, unreachable site or no Locust.

    \b
    Examples:
      rollout loadtest https://shop.example.vn/ --rate 20 --duration 60
      rollout loadtest https://staging.example.vn/ --rate 200 --workers 2 -t 'p95<500'
    """
    import tempfile
    from urllib.parse import urlsplit, urlunsplit

    from rollout.cli.assess import ca_bundle_problems, emit, parse_thresholds_and_baseline, save_problems
    from rollout.errors import UserError
    from rollout.live import assess as lib
    from rollout.live import load, locust_runner

    problems = []
    try:
        target = lib.parse_target(url)
    except UserError as error:
        problems += error.problems
        target = None
    problems += load.load_problems(requests=None, concurrency=1, rate=rate, duration=duration, max_rps=max_rps)
    users = users if users is not None else max(1, round(rate / 2))
    if not 1 <= users <= load.MAX_CONCURRENCY:
        problems.append(f"--users {users}: must be between 1 and {load.MAX_CONCURRENCY}")
    if spawn_rate is not None and not spawn_rate > 0:
        problems.append(f"--spawn-rate {spawn_rate:g}: must be positive")
    if not 0 <= workers <= 64:
        problems.append(f"--workers {workers}: must be between 0 and 64")
    if workers and role is not Role.standalone:
        problems.append("--workers starts a local master and workers: use it without --role")
    if not 1 <= expect_workers <= 1000:
        problems.append(f"--expect-workers {expect_workers}: must be between 1 and 1000")
    if role is Role.worker and not master_host.strip():
        problems.append("--master-host: must name the master's address, e.g. 10.0.0.5")
    if not 1 <= master_port <= 65535:
        problems.append(f"--master-port {master_port}: must be between 1 and 65535")
    for extra in path:
        if not extra.startswith("/"):
            problems.append(f"--path {extra!r}: must start with /")
    thresholds, baseline = parse_thresholds_and_baseline(threshold, compare, problems)
    problems += ca_bundle_problems(ca_bundle)
    problems += save_problems(save)
    if problems:
        raise UserError(*problems)

    parts = urlsplit(target)
    first_path = urlunsplit(("", "", parts.path, parts.query, ""))
    plan = locust_runner.LocustPlan(
        host=f"{parts.scheme}://{parts.netloc}", paths=(first_path, *path), rate=rate, users=users,
        spawn_rate=spawn_rate or float(users), duration=duration, role=role.value, workers=workers,
        expect_workers=expect_workers, master_host=master_host, master_port=master_port,
        ca_bundle=str(ca_bundle) if ca_bundle else None)
    locust_runner.locust_executable()  # fail before measuring anything when Locust is missing

    site = None
    if role is not Role.worker:
        site = _inspect(target, str(ca_bundle) if ca_bundle else None, timeout)
    with tempfile.TemporaryDirectory(prefix="rollout-loadtest-") as workdir:
        stats = _run_with_progress(plan, Path(workdir), quiet=quiet)
    if role is Role.worker:
        typer.echo(f"worker finished (exit code {stats['worker_exit_code']})")
        return
    report = locust_runner.build_report(plan, site, stats, url=target, p95_target_ms=p95_target)
    emit(report, format=format, save=save, baseline=baseline, thresholds=thresholds)


def _inspect(url: str, ca_bundle: str | None, timeout: float) -> dict:
    """The same protocol/TLS/CDN/cache inspection as `rollout assess` (a handful of requests)."""
    import asyncio

    from rollout.live import assess as lib

    async def main() -> dict:
        async with lib.make_client(lib.ssl_context(ca_bundle), concurrency=2, timeout=timeout) as client:
            return await lib.inspect_site(client, url)

    return asyncio.run(main())


def _run_with_progress(plan, workdir: Path, *, quiet: bool) -> dict:
    """Run Locust with a time-based progress bar on stderr; the first Ctrl-C stops Locust and keeps its results."""
    import signal

    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from rollout.live import locust_runner

    console = Console(stderr=True)
    progress = Progress(TextColumn("locust"), BarColumn(), TimeElapsedColumn(), console=console,
                        disable=quiet or not console.is_terminal, transient=True)
    task = progress.add_task("locust", total=plan.duration)
    asked_to_stop = []
    previous = signal.signal(signal.SIGINT, lambda *_: asked_to_stop.append(True))
    try:
        with progress:
            return locust_runner.run(plan, workdir, on_tick=lambda seconds: progress.update(task, completed=seconds),
                                     interrupted=lambda: bool(asked_to_stop))
    finally:
        signal.signal(signal.SIGINT, previous)

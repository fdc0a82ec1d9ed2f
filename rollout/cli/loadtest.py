"""`rollout loadtest URL`: load beyond one machine with Locust, reported like `rollout assess`."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from rollout.cli._options import (
    CaBundle,
    Compare,
    FormatOption,
    MaxRps,
    P95Target,
    Quiet,
    ReportFormat,
    RequestTimeout,
    Save,
    Thresholds,
)


class Role(str, Enum):
    standalone = "standalone"
    master = "master"
    worker = "worker"


def loadtest(
    url: Annotated[str, typer.Argument(help="The page to load, e.g. https://shop.example.vn/.")],
    rate: Annotated[float, typer.Option(help="Target total requests per second across all users and workers.")] = 10.0,
    duration: Annotated[float, typer.Option(help="Seconds to run. Defaults to 30.")] = 30.0,
    users: Annotated[int | None, typer.Option("--users", "-u", help="Simulated users. Defaults to rate/2 (each at most "
                                                                    "2 requests/s), at least 1.")] = None,
    spawn_rate: Annotated[float | None, typer.Option(help="Users started per second. Defaults "
                                                          "to all within 1 s.")] = None,
    path: Annotated[list[str], typer.Option("--path", metavar="PATH", help="More paths on the same host each user "
                                                                           "requests in turn, "
                                                           "repeatable. Defaults to the "
                                                           "URL's path only.")] = [],  # noqa: B006
    workers: Annotated[int, typer.Option(help="Start a Locust master and this many workers on this machine (0: one "
                                              "standalone process).")] = 0,
    role: Annotated[Role, typer.Option(help="Distributed role: 'master' waits for --expect-workers workers and "
                                            "reports; 'worker' connects to --master-host and generates load. "
                                            "Defaults to standalone.")] = Role.standalone,
    expect_workers: Annotated[int, typer.Option(help="Master only: workers to wait for before "
                                                     "starting. Defaults to 1.")] = 1,
    master_host: Annotated[str, typer.Option(help="Worker only: the master's address. "
                                                  "Defaults to 127.0.0.1.")] = "127.0.0.1",
    master_port: Annotated[int, typer.Option(help="The master's port. Defaults to 5557.")] = 5557,
    format: FormatOption = ReportFormat.table,
    save: Save = None,
    compare: Compare = None,
    threshold: Thresholds = [],  # noqa: B006
    p95_target: P95Target = 300.0,
    max_rps: MaxRps = 200.0,
    timeout: RequestTimeout = 10.0,
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

    from rollout.cli._assess import emit, run_locust_with_progress
    from rollout.errors import UserError
    from rollout.live import locust_runner
    from rollout.live.assess.inputs import ca_bundle_problems, save_problems, thresholds_and_baseline
    from rollout.live.assess.network import inspect_url
    from rollout.live.assess.targets import parse_target

    problems = []
    try:
        target = parse_target(url)
    except UserError as error:
        problems += error.problems
        target = None
    plan, more = locust_runner.plan_for(
        target, rate=rate, duration=duration, users=users, spawn_rate=spawn_rate, paths=path, workers=workers,
        role=role.value, expect_workers=expect_workers, master_host=master_host, master_port=master_port,
        ca_bundle=str(ca_bundle) if ca_bundle else None, max_rps=max_rps)
    problems += more
    thresholds, baseline, more = thresholds_and_baseline(threshold, compare)
    problems += more
    problems += ca_bundle_problems(ca_bundle)
    problems += save_problems(save)
    if problems:
        raise UserError(*problems)
    assert plan is not None and target is not None  # no problem: the URL parsed and the plan was built
    locust_runner.locust_executable()  # fail before measuring anything when Locust is missing

    site = None
    if role is not Role.worker:
        site = inspect_url(target, str(ca_bundle) if ca_bundle else None, timeout)
    with tempfile.TemporaryDirectory(prefix="rollout-loadtest-") as workdir:
        stats = run_locust_with_progress(plan, Path(workdir), quiet=quiet)
    if role is Role.worker:
        typer.echo(f"worker finished (exit code {stats['worker_exit_code']})")
        return
    report = locust_runner.build_report(plan, site, stats, url=target, p95_target_ms=p95_target)
    emit(report, format=format, save=save, baseline=baseline, thresholds=thresholds)


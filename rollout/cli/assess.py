"""`rollout assess URL`: measure a live site's speed and readiness (the phase-1 baseline)."""

from __future__ import annotations

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


def assess(
    url: Annotated[str, typer.Argument(help="The page to measure, e.g. https://shop.example.vn/.")],
    requests: Annotated[int, typer.Option("--requests", "-n", help="Requests in probe mode (no --rate), each on a new "
                                                                   "connection. Defaults to 20.")] = 20,
    concurrency: Annotated[int, typer.Option("--concurrency", "-c", help="Requests in flight at once (probe workers, "
                                                                         "or the connection pool under "
                                                                         "--rate). Defaults to 4.")] = 4,
    rate: Annotated[float | None, typer.Option(help="Constant arrival rate in requests per second (latency counted "
                                                    "from each request's intended start). "
                                                    "Defaults to probe mode.")] = None,
    duration: Annotated[float | None, typer.Option(help="Seconds to run at --rate. Defaults to 10.")] = None,
    format: FormatOption = ReportFormat.table,
    save: Save = None,
    compare: Compare = None,
    threshold: Thresholds = [],  # noqa: B006 - typer reads the default
    p95_target: P95Target = 300.0,
    max_rps: MaxRps = 200.0,
    timeout: RequestTimeout = 10.0,
    ca_bundle: CaBundle = None,
    http_url: Annotated[str | None, typer.Option(help="Plain-http URL expected to redirect to https. Defaults to the "
                                                      "URL's host on port 80.")] = None,
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
    from rollout.cli._assess import emit, run_with_progress
    from rollout.errors import UserError
    from rollout.live import load
    from rollout.live.assess.inputs import ca_bundle_problems, save_problems, thresholds_and_baseline
    from rollout.live.assess.run import AssessOptions, run_assessment
    from rollout.live.assess.targets import parse_target

    problems = []
    try:
        target = parse_target(url)
    except UserError as error:
        problems += error.problems
    if http_url is not None:
        try:
            http_url = parse_target(http_url)
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
    thresholds, baseline, more = thresholds_and_baseline(threshold, compare)
    problems += more
    problems += ca_bundle_problems(ca_bundle)
    problems += save_problems(save)
    if problems:
        raise UserError(*problems)

    options = AssessOptions(url=target, requests=requests, concurrency=concurrency, rate=rate,
                            duration=duration or 10.0, timeout=timeout,
                            ca_bundle=str(ca_bundle) if ca_bundle else None, http_url=http_url,
                            p95_target_ms=p95_target)
    report = run_with_progress(lambda stop, on_start, on_sample: run_assessment(
        options, stop=stop, on_start=on_start, on_sample=on_sample), quiet=quiet)
    emit(report, format=format, save=save, baseline=baseline, thresholds=thresholds)


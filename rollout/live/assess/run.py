"""A whole assessment: inspect the site, send bounded traffic (closed loop or constant rate), build the report.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from rollout.live.assess.comparison import compare
from rollout.live.assess.network import inspect_site, make_client, measure, ssl_context
from rollout.live.assess.stats import PERCENTILE_METHOD, Sample, summarize
from rollout.live.assess.thresholds import Threshold, evaluate_thresholds
from rollout.live.assess.verdicts import DEFAULT_P95_TARGET_MS, findings


@dataclass(frozen=True)
class AssessOptions:
    """What to measure and how much traffic to send (validated by the CLI before use)."""

    url: str
    requests: int = 20
    concurrency: int = 2
    rate: float | None = None
    duration: float = 10.0
    timeout: float = 10.0
    ca_bundle: str | None = None
    http_url: str | None = None
    p95_target_ms: float = DEFAULT_P95_TARGET_MS


async def run_assessment(options: AssessOptions, *, stop, on_start: Callable[[int], Any] | None = None,
                         on_sample: Callable[[Sample], Any] | None = None) -> dict[str, Any]:
    """Inspect the site, send the traffic (closed loop or constant rate) and return the report with findings.

    Probe mode (no rate) opens a new connection per request so every sample has DNS, connect and TLS; rate mode
    keeps connections alive, as browsers and load tools do, and times connection set-up where it happens.
    """
    from rollout.live import load

    tls = ssl_context(options.ca_bundle)
    async with make_client(tls, concurrency=2, timeout=options.timeout) as client:
        site = await inspect_site(client, options.url, http_url=options.http_url)
    rate_mode = options.rate is not None
    async with make_client(tls, concurrency=options.concurrency, timeout=options.timeout) as pooled:
        async def send(intended: float | None) -> Sample:
            if intended is not None:
                sample, _ = await measure(pooled, options.url, intended_start=intended)
                return sample
            async with make_client(tls, keep_alive=False, concurrency=1, timeout=options.timeout) as fresh:
                sample, _ = await measure(fresh, options.url)
                return sample

        started = time.perf_counter()
        if rate_mode:
            if on_start:
                on_start(load.planned_requests(options.rate, options.duration))
            samples = await load.run_constant_rate(send, rate=options.rate, duration=options.duration, stop=stop,
                                                   on_sample=on_sample, max_in_flight=options.concurrency)
        else:
            if on_start:
                on_start(options.requests)
            samples = await load.run_closed_loop(send, requests=options.requests, concurrency=options.concurrency,
                                                 stop=stop, on_sample=on_sample)
        elapsed = time.perf_counter() - started
    return build_report(options, site, samples, elapsed=elapsed, interrupted=stop.is_set())


def build_report(options: AssessOptions, site: Mapping[str, Any], samples: list[Sample], *, elapsed: float,
                 interrupted: bool) -> dict[str, Any]:
    """The report document (what `--format json` prints and `--save` writes)."""
    rate_mode = options.rate is not None
    summary = summarize(samples, queueing=rate_mode)
    report: dict[str, Any] = {
        "url": options.url,
        "mode": "rate" if rate_mode else "probe",
        "target_rate": options.rate,
        "achieved_rate": round(len(samples) / elapsed, 3) if elapsed > 0 else None,
        "duration_s": round(elapsed, 3),
        "concurrency": options.concurrency,
        "interrupted": interrupted,
        **summary,
        "percentile_method": PERCENTILE_METHOD,
        **site_fields(site),
        "cache": cache_summary(site, [s.cache for s in samples]),
    }
    report["findings"] = [asdict(f) for f in findings(report, p95_target_ms=options.p95_target_ms)]
    return report


def site_fields(site: Mapping[str, Any]) -> dict[str, Any]:
    """The inspection's fields that go into the report as they are (cache ones are summarised apart)."""
    return {k: v for k, v in site.items() if not k.startswith("cache_") and k != "age"}


def cache_summary(site: Mapping[str, Any], response_statuses: Iterable[str | None]) -> dict[str, Any]:
    """Cache status on the first and the repeated request, and hits/misses over every response seen."""
    statuses = [c for c in (site["cache_first"], site["cache_repeat"], *response_statuses) if c is not None]
    hits = statuses.count("hit")
    return {"first": site["cache_first"], "repeat": site["cache_repeat"], "hits": hits,
            "misses": statuses.count("miss"), "hit_ratio": round(hits / len(statuses), 4) if statuses else None,
            "cache_control": site["cache_control"], "age": site["age"]}


def finish_report(report: dict[str, Any], thresholds: list[Threshold], baseline: Mapping[str, Any] | None
                  ) -> list[dict[str, Any]] | None:
    """Add the threshold results (and the change against `baseline`) to `report`; return that change."""
    report["thresholds"] = evaluate_thresholds(report, thresholds)
    comparison = compare(baseline, report) if baseline is not None else None
    if comparison is not None:
        report["comparison"] = comparison
    return comparison


def thresholds_missed(report: Mapping[str, Any]) -> bool:
    return any(not result["passed"] for result in report.get("thresholds", []))

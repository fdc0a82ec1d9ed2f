"""Traffic schedules for `rollout assess`: a closed loop of C workers, or a constant arrival rate.

The constant-rate schedule starts request i at `t0 + i / rate` whatever earlier requests are doing, and hands each
request its intended start time, so that latency is measured from when the request *should* have started: a slow
server (or a saturated client) shows up as queueing in the numbers instead of silently lowering the rate
(no coordinated omission, as in wrk2 and k6's constant-arrival-rate executor).

Both schedules stop early when `stop` is set (Ctrl-C): requests still in flight are cancelled and not counted, and
the samples measured so far are returned.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

Sample = TypeVar("Sample")

# Hard caps, whatever the options say: a load test from a laptop must not turn into an attack by a typo.
MAX_TOTAL_REQUESTS = 100_000
MAX_DURATION_S = 3_600.0
MAX_CONCURRENCY = 1_000
MAX_RPS_CEILING = 10_000.0


def load_problems(*, requests: int | None, concurrency: int, rate: float | None, duration: float | None,
                  max_rps: float) -> list[str]:
    """Why these traffic options are refused (empty when they are fine). One line per problem, naming the option."""
    problems = []
    if not 0 < max_rps <= MAX_RPS_CEILING:
        problems.append(f"--max-rps {max_rps:g}: must be above 0 and at most {MAX_RPS_CEILING:g}")
    if not 1 <= concurrency <= MAX_CONCURRENCY:
        problems.append(f"--concurrency {concurrency}: must be between 1 and {MAX_CONCURRENCY}")
    if requests is not None and not 1 <= requests <= MAX_TOTAL_REQUESTS:
        problems.append(f"--requests {requests}: must be between 1 and {MAX_TOTAL_REQUESTS}")
    if duration is not None and not (math.isfinite(duration) and 0 < duration <= MAX_DURATION_S):
        problems.append(f"--duration {duration:g}: must be above 0 and at most {MAX_DURATION_S:g} seconds")
    if rate is not None:
        if not (math.isfinite(rate) and rate > 0):
            problems.append(f"--rate {rate:g}: must be a positive number of requests per second")
        elif rate > max_rps:
            problems.append(f"--rate {rate:g}: above --max-rps {max_rps:g} (raise --max-rps if you mean it)")
        elif duration is not None and 0 < duration and rate * duration > MAX_TOTAL_REQUESTS:
            problems.append(f"--rate {rate:g} for --duration {duration:g}: {rate * duration:.0f} requests, "
                            f"above the hard cap of {MAX_TOTAL_REQUESTS}")
    elif duration is not None:
        problems.append("--duration needs --rate (a constant arrival rate); use --requests for a fixed count")
    return problems


def planned_requests(rate: float, duration: float) -> int:
    """How many requests a constant-rate run of `duration` seconds starts (at least one)."""
    return max(1, min(MAX_TOTAL_REQUESTS, math.floor(rate * duration + 1e-9)))


async def run_constant_rate(send: Callable[[float], Awaitable[Sample]], *, rate: float, duration: float,
                            stop: asyncio.Event, on_sample: Callable[[Sample], Any] | None = None,
                            max_in_flight: int = MAX_CONCURRENCY) -> list[Sample]:
    """Start `rate * duration` requests at a constant arrival rate; `send(intended_start)` measures one request.

    `intended_start` is a `time.perf_counter()` value; requests are never delayed by the ones before them. At most
    `max_in_flight` are sent at once (the connection pool's size): the others wait their turn here, in an O(1)
    queue (httpcore's pool slows down quadratically with queued requests), and that wait counts in their latency.
    """
    count = planned_requests(rate, duration)
    gate = asyncio.Semaphore(max_in_flight)

    async def gated(intended: float) -> Sample:
        async with gate:
            return await send(intended)

    samples: list[Sample] = []
    in_flight: set[asyncio.Task] = set()

    failures: list[BaseException] = []

    def finished(task: asyncio.Task) -> None:
        in_flight.discard(task)
        if task.cancelled():
            return
        if task.exception() is not None:
            failures.append(task.exception())
            return
        samples.append(task.result())
        if on_sample is not None:
            on_sample(task.result())

    start = time.perf_counter()
    for index in range(count):
        intended = start + index / rate
        delay = intended - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        if stop.is_set():
            break
        task = asyncio.create_task(gated(intended))
        in_flight.add(task)
        task.add_done_callback(finished)
    await _drain(in_flight, stop)
    if failures:  # `send` reports request errors as samples: anything raised is a bug worth seeing
        raise failures[0]
    return samples


async def run_closed_loop(send: Callable[[None], Awaitable[Sample]], *, requests: int, concurrency: int,
                          stop: asyncio.Event, on_sample: Callable[[Sample], Any] | None = None) -> list[Sample]:
    """Send `requests` requests from `concurrency` workers, each starting its next request when the last ends."""
    samples: list[Sample] = []
    remaining = [requests]

    async def worker() -> None:
        while remaining[0] > 0 and not stop.is_set():
            remaining[0] -= 1
            sample = await send(None)
            samples.append(sample)
            if on_sample is not None:
                on_sample(sample)

    workers = {asyncio.create_task(worker()) for _ in range(min(concurrency, requests))}
    await _drain(workers, stop)
    for task in workers:
        if not task.cancelled() and task.exception() is not None:
            raise task.exception()
    return samples


async def _drain(tasks: set[asyncio.Task], stop: asyncio.Event) -> None:
    """Wait for `tasks`; when `stop` is set first, cancel those still running and wait for them to unwind."""
    stopper = asyncio.create_task(stop.wait())
    try:
        while not stop.is_set():
            pending = {task for task in tasks if not task.done()}
            if not pending:
                break
            await asyncio.wait({*pending, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopper.cancel()
        pending = {task for task in tasks if not task.done()}
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)

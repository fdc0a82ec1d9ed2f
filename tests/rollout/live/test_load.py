"""rollout.live.load: traffic option checks by table, and the two schedules with a fake request."""

from __future__ import annotations

import asyncio

import pytest

from rollout.live import load


@pytest.mark.parametrize(("options", "fragment"), [
    ({"rate": 0}, "--rate 0: must be a positive"),
    ({"rate": -5}, "--rate -5: must be a positive"),
    ({"rate": float("nan")}, "--rate nan"),
    ({"rate": 500}, "above --max-rps 200"),
    ({"rate": 150, "duration": 3000, "max_rps": 200}, "above the hard cap"),
    ({"duration": 0, "rate": 5}, "--duration 0"),
    ({"duration": 99999, "rate": 1}, "--duration 99999"),
    ({"duration": 5}, "--duration needs --rate"),
    ({"concurrency": 0}, "--concurrency 0"),
    ({"requests": 0}, "--requests 0"),
    ({"requests": 10**7}, "--requests 10000000"),
    ({"max_rps": 0}, "--max-rps 0"),
    ({"max_rps": 1e9}, "--max-rps 1e+09"),
])
def test_load_problems_name_the_option(options, fragment):
    arguments = {"requests": 10, "concurrency": 2, "rate": None, "duration": None, "max_rps": 200.0} | options
    problems = load.load_problems(**arguments)
    assert len(problems) == 1 and fragment in problems[0]


def test_reasonable_options_pass():
    assert load.load_problems(requests=20, concurrency=4, rate=None, duration=None, max_rps=200) == []
    assert load.load_problems(requests=None, concurrency=4, rate=200, duration=60, max_rps=200) == []


def test_planned_requests():
    assert load.planned_requests(40, 1.0) == 40
    assert load.planned_requests(0.5, 1.0) == 1
    assert load.planned_requests(3, 2.5) == 7


def test_constant_rate_never_waits_for_slow_requests():
    started, in_flight, peak = [], [0], [0]

    async def slow(intended):
        started.append(intended)
        in_flight[0] += 1
        peak[0] = max(peak[0], in_flight[0])
        await asyncio.sleep(0.3)
        in_flight[0] -= 1
        return intended

    samples = asyncio.run(load.run_constant_rate(slow, rate=20, duration=0.5, stop=asyncio.Event()))
    assert len(samples) == 10
    gaps = [round(b - a, 9) for a, b in zip(started, started[1:])]
    assert gaps == [0.05] * 9  # intended starts are on the schedule, not after the previous answer
    assert peak[0] > 1


def test_stop_cancels_in_flight_requests_and_keeps_finished_ones():
    async def main():
        stop = asyncio.Event()
        count = [0]

        async def send(intended):
            count[0] += 1
            if count[0] > 3:
                stop.set()
                await asyncio.sleep(10)  # would block the run if it were not cancelled
            return count[0]

        return await load.run_constant_rate(send, rate=100, duration=1, stop=stop)

    assert sorted(asyncio.run(main())) == [1, 2, 3]


def test_closed_loop_runs_exactly_the_requests_with_bounded_concurrency():
    in_flight, peak = [0], [0]

    async def send(_):
        in_flight[0] += 1
        peak[0] = max(peak[0], in_flight[0])
        await asyncio.sleep(0.01)
        in_flight[0] -= 1
        return 1

    seen = []
    samples = asyncio.run(load.run_closed_loop(send, requests=7, concurrency=3, stop=asyncio.Event(),
                                               on_sample=seen.append))
    assert len(samples) == 7 == len(seen)
    assert peak[0] == 3


def test_a_bug_in_send_is_raised_not_swallowed():
    async def broken(_):
        raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        asyncio.run(load.run_constant_rate(broken, rate=10, duration=0.2, stop=asyncio.Event()))
    with pytest.raises(ZeroDivisionError):
        asyncio.run(load.run_closed_loop(broken, requests=2, concurrency=1, stop=asyncio.Event()))

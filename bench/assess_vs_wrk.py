"""Benchmark `rollout assess --rate` on loopback: its maximum sustained rate, and its p50/p95 beside wrk's.

    .venv/bin/python bench/assess_vs_wrk.py [--rates 200,500] [--duration 10]

A trivial keep-alive HTTP/1.1 server (raw asyncio, fixed 13-byte answer) runs in a subprocess on 127.0.0.1.
1. Max sustained rate: constant-rate runs of 3 s at rising rates (50 connections); a rate is sustained when the
   achieved rate is within 3 % of the target, no request failed and the scheduler's lateness (queue p95) stays
   under 5 ms.
2. Same-rate comparison: wrk 4.1 (Debian) has no rate option (wrk2 is not packaged), so wrk is paced with its Lua
   `delay()` hook: each of C connections waits C/rate seconds between requests, which gives about the target
   rate (slightly less: latency adds to the wait). wrk measures from each request's send on a closed connection;
   assess measures from the intended start. At rates the server keeps up with both should agree.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SERVER = r'''
import asyncio, sys
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Type: text/plain\r\n\r\nhello, world\n"
async def handle(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            writer.write(RESPONSE)
    except (asyncio.IncompleteReadError, ConnectionError):
        writer.close()
async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", int(sys.argv[1]), backlog=1024)
    print("ready", flush=True)
    await server.serve_forever()
asyncio.run(main())
'''


def start_server(port: int) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "ready"
    return process


async def assess_at(url: str, rate: float, duration: float, concurrency: int = 50) -> dict:
    """One constant-rate run with the same code `rollout assess --rate` uses (no inspection requests)."""
    from rollout.live import assess, load

    tls = assess.ssl_context(None)
    async with assess.make_client(tls, concurrency=concurrency, timeout=10) as client:
        async def send(intended):
            sample, _ = await assess.measure(client, url, intended_start=intended)
            return sample

        started = time.perf_counter()
        samples = await load.run_constant_rate(send, rate=rate, duration=duration, stop=asyncio.Event(),
                                               max_in_flight=concurrency)
        elapsed = time.perf_counter() - started
    summary = assess.summarize(samples, queueing=True)
    return {"rate": rate, "achieved": len(samples) / max(elapsed, duration), "errors": summary["errors"],
            "p50": summary["latency_ms"]["total"]["p50"], "p95": summary["latency_ms"]["total"]["p95"],
            "queue_p95": summary["latency_ms"]["queue"]["p95"]}


def max_sustained(url: str) -> tuple[float, list[dict]]:
    runs, best = [], 0.0
    for rate in (50, 100, 150, 200, 250, 500, 750, 1000, 1500, 2000, 3000, 4000):
        result = asyncio.run(assess_at(url, rate, 3.0))
        runs.append(result)
        ok = result["achieved"] >= 0.97 * rate and result["errors"] == 0 and result["queue_p95"] < 5
        print(f"  rate {rate:>5}/s: achieved {result['achieved']:7.1f}/s, p50 {result['p50']:.2f} ms, "
              f"p95 {result['p95']:.2f} ms, queue p95 {result['queue_p95']:.2f} ms -> {'sustained' if ok else 'NOT sustained'}",
              flush=True)
        if not ok:
            break
        best = rate
    return best, runs


def wrk_at(url: str, rate: float, duration: float, connections: int = 4) -> dict:
    """wrk --latency paced to about `rate` requests/s with Lua delay() (ms between a connection's requests)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(f"function delay()\n  return {connections * 1000 / rate:.3f}\nend\n"
                     "function done(summary, latency, requests)\n"  # --latency prints no p95: ask wrk for it
                     "  io.write(string.format('P50 %f\\nP95 %f\\n', latency:percentile(50) / 1000,"
                     " latency:percentile(95) / 1000))\nend\n")
    output = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{int(duration)}s", "--latency", "-s", script.name,
                             url], capture_output=True, text=True, check=True).stdout
    Path(script.name).unlink()

    def ms(label: str) -> float:
        value, unit = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    achieved = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50, p95 = (float(re.search(rf"^P{p} ([\d.]+)$", output, re.M).group(1)) for p in (50, 95))
    return {"rate": rate, "achieved": achieved, "p50": p50, "p95": p95, "p50_latency_table": ms("50%"),
            "p99": ms("99%"), "raw": output}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="200,500", help="rates for the wrk comparison, comma-separated")
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--port", type=int, default=18080)
    args = parser.parse_args()
    url = f"http://127.0.0.1:{args.port}/"
    server = start_server(args.port)
    try:
        print("max sustained rate (assess constant-rate scheduler, 50 connections):")
        best, runs = max_sustained(url)
        print(f"=> {best}/s sustained")
        rows = []
        for rate in (float(r) for r in args.rates.split(",")):
            ours = asyncio.run(assess_at(url, rate, args.duration, concurrency=4))
            theirs = wrk_at(url, rate, args.duration) if shutil.which("wrk") else None
            rows.append({"assess": ours, "wrk": {k: v for k, v in (theirs or {}).items() if k != "raw"}})
            print(f"rate {rate:g}/s  assess: achieved {ours['achieved']:.1f}/s p50 {ours['p50']:.3f} ms "
                  f"p95 {ours['p95']:.3f} ms | wrk: " + (f"achieved {theirs['achieved']:.1f}/s p50 {theirs['p50']:.3f} ms "
                  f"p95 {theirs['p95']:.3f} ms" if theirs else "not installed"), flush=True)
        print(json.dumps({"max_sustained_rps": best, "ramp": runs, "comparison": rows}, indent=2))
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()

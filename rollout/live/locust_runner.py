"""Distributed load for `rollout loadtest`: generate a Locust scenario, run Locust headless in subprocesses and read
its CSV statistics back into the `rollout assess` report format.

Locust (the optional extra `sme-rollout[load]`) runs in its own processes because it monkey-patches the standard
library with gevent. Each simulated user paces itself with `constant_throughput(rate / users)`, so the total
target rate is `--rate`; unlike `rollout assess --rate` Locust users are a closed loop (a slow response delays the
user's next request), so under saturation its latencies understate queueing (coordinated omission): use assess
for one machine's worth of load and Locust beyond it.

Distributed mode: one master (`--role master --expect-workers N`) aggregates, workers (`--role worker
--master-host HOST`, on any machine that can reach the master's port 5557) generate load; `--workers N` starts a
master and N workers on this machine.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import math
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rollout.errors import MissingToolError, ToolError


def install_hint() -> str:
    """How to add Locust to the Python that runs rollout: the `load` extra of the clone when rollout runs from
    one (an editable install, as scripts/setup makes), else Locust itself."""
    import shlex
    import sys

    root = Path(__file__).resolve().parents[2]
    python = shlex.quote(sys.executable)
    if (root / "pyproject.toml").is_file() and (root / "rollout").is_dir():
        return f"{python} -m pip install -e {shlex.quote(str(root) + '[load]')}"
    return f"{python} -m pip install 'locust>=2.30'"


@dataclass(frozen=True)
class LocustPlan:
    """One Locust run: the target, the paths each user requests in turn, the load shape and the topology."""

    host: str
    paths: tuple[str, ...] = ("/",)
    rate: float = 10.0
    users: int = 10
    spawn_rate: float = 10.0
    duration: float = 30.0
    role: str = "standalone"          # standalone | master | worker
    workers: int = 0                  # local workers started beside a local master
    expect_workers: int = 1           # master: workers to wait for before starting
    master_host: str = "127.0.0.1"
    master_port: int = 5557
    ca_bundle: str | None = None

    @property
    def rate_per_user(self) -> float:
        """Requests per second each user aims at; one task run requests every path once."""
        return self.rate / self.users / len(self.paths)


def plan_for(target: str | None, *, rate: float, duration: float, users: int | None, spawn_rate: float | None,
             paths: list[str], workers: int, role: str, expect_workers: int, master_host: str, master_port: int,
             ca_bundle: str | None, max_rps: float) -> tuple[LocustPlan | None, list[str]]:
    """The Locust run `rollout loadtest` options describe, and every problem with them (one line each, naming the
    option); the plan is None when there is a problem or no valid `target` URL."""
    from urllib.parse import urlsplit, urlunsplit

    from rollout.live import load

    problems = load.load_problems(requests=None, concurrency=1, rate=rate, duration=duration, max_rps=max_rps)
    users = users if users is not None else max(1, round(rate / 2))
    if not 1 <= users <= load.MAX_CONCURRENCY:
        problems.append(f"--users {users}: must be between 1 and {load.MAX_CONCURRENCY}")
    if spawn_rate is not None and not spawn_rate > 0:
        problems.append(f"--spawn-rate {spawn_rate:g}: must be positive")
    if not 0 <= workers <= 64:
        problems.append(f"--workers {workers}: must be between 0 and 64")
    if workers and role != "standalone":
        problems.append("--workers starts a local master and workers: use it without --role")
    if not 1 <= expect_workers <= 1000:
        problems.append(f"--expect-workers {expect_workers}: must be between 1 and 1000")
    if role == "worker" and not master_host.strip():
        problems.append("--master-host: must name the master's address, e.g. 10.0.0.5")
    if not 1 <= master_port <= 65535:
        problems.append(f"--master-port {master_port}: must be between 1 and 65535")
    for extra in paths:
        if not extra.startswith("/"):
            problems.append(f"--path {extra!r}: must start with /")
    if problems or target is None:
        return None, problems
    parts = urlsplit(target)
    first_path = urlunsplit(("", "", parts.path, parts.query, ""))
    return LocustPlan(host=f"{parts.scheme}://{parts.netloc}", paths=(first_path, *paths), rate=rate, users=users,
                      spawn_rate=spawn_rate or float(users), duration=duration, role=role, workers=workers,
                      expect_workers=expect_workers, master_host=master_host, master_port=master_port,
                      ca_bundle=ca_bundle), problems


def scenario_source(plan: LocustPlan) -> str:
    """The locustfile: one user class pacing itself at the plan's per-user rate, requesting each path in turn."""
    requests = "\n".join(f"        self.client.get({path!r}, name={path!r})" for path in plan.paths)
    return (
        '"""Generated by `rollout loadtest`; regenerate rather than edit."""\n'
        "from locust import HttpUser, constant_throughput, task\n\n\n"
        "class Visitor(HttpUser):\n"
        f"    wait_time = constant_throughput({plan.rate_per_user!r})\n\n"
        "    @task\n"
        "    def visit(self):\n"
        f"{requests}\n"
    )


def locust_executable() -> list[str]:
    """How to start Locust: this interpreter's module when installed here, else a `locust` on PATH."""
    if importlib.util.find_spec("locust") is not None:
        return [sys.executable, "-m", "locust"]
    found = shutil.which("locust")
    if found:
        return [found]
    raise MissingToolError(f"rollout loadtest needs Locust, which is not installed; install it with: "
                           f"{install_hint()}")


def locust_commands(plan: LocustPlan, scenario: Path, csv_prefix: Path, executable: list[str]) -> list[list[str]]:
    """The command lines to start: one for standalone or a remote worker; the master first, then local workers."""
    common = [*executable, "-f", str(scenario), "--headless", "--loglevel", "WARNING", "--only-summary"]
    worker = [*common, "--worker", "--master-host", plan.master_host, "--master-port", str(plan.master_port)]
    if plan.role == "worker":
        return [worker]
    load = ["--host", plan.host, "-u", str(plan.users), "-r", f"{plan.spawn_rate:g}",
            "-t", f"{math.ceil(plan.duration)}s", "--csv", str(csv_prefix), "--exit-code-on-error", "0",
            "--stop-timeout", "5"]
    if plan.role == "standalone" and plan.workers == 0:
        return [[*common, *load]]
    expected = plan.workers if plan.workers else plan.expect_workers
    bind_host = "127.0.0.1" if plan.workers else "*"
    master = [*common, *load, "--master", "--expect-workers", str(expected),
              "--master-bind-host", bind_host, "--master-bind-port", str(plan.master_port)]
    return [master] + [worker] * plan.workers


def run(plan: LocustPlan, workdir: Path, *, on_tick: Callable[[float], Any] | None = None,
        interrupted: Callable[[], bool] = lambda: False) -> dict[str, Any]:
    """Write the scenario, run Locust until it ends (or Ctrl-C, passed on to it) and parse its CSV statistics.

    Returns `parse_stats(...)` plus `interrupted`; raises MissingToolError without Locust.
    """
    import os
    import signal
    import time

    executable = locust_executable()
    scenario = workdir / "rollout_scenario.py"
    scenario.write_text(scenario_source(plan), encoding="utf-8")
    prefix = workdir / "locust"
    env = dict(os.environ)
    if plan.ca_bundle:
        env["REQUESTS_CA_BUNDLE"] = plan.ca_bundle
    logs = [
        (workdir / f"locust-{i}.log").open("w") for i in range(len(locust_commands(plan, scenario, prefix, executable)))
    ]
    processes = [subprocess.Popen(command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
                 for command, log in zip(locust_commands(plan, scenario, prefix, executable), logs)]
    started, stopped = time.monotonic(), False
    try:
        while processes[0].poll() is None:
            if interrupted() and not stopped:
                for process in processes:
                    process.send_signal(signal.SIGINT)  # Locust writes its CSVs as it stops
                stopped = True
            if on_tick:
                on_tick(time.monotonic() - started)
            time.sleep(0.2)
    finally:
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in logs:
            log.close()
    if plan.role == "worker":
        return {"interrupted": stopped, "worker_exit_code": processes[0].returncode}
    stats = prefix.with_name("locust_stats.csv")
    if not stats.exists():
        output = (workdir / "locust-0.log").read_text(encoding="utf-8", errors="replace").strip().splitlines()
        raise ToolError(f"Locust exited with code {processes[0].returncode} without statistics: "
                        f"{output[-1] if output else 'no output'}")
    failures = prefix.with_name("locust_failures.csv")
    result = parse_stats(stats.read_text(encoding="utf-8"),
                         failures.read_text(encoding="utf-8") if failures.exists() else "")
    result["interrupted"] = stopped
    return result


_STATUS_IN_ERROR = re.compile(r"\b([1-5]\d\d) (?:Client|Server) Error|status(?: code)?[ =:]+([1-5]\d\d)", re.I)


def parse_stats(stats_csv: str, failures_csv: str = "") -> dict[str, Any]:
    """The Aggregated row of Locust's `_stats.csv` (and `_failures.csv`) in the assess report's terms.

    Locust keeps response times in a rounded histogram (2 significant digits above 100 ms), so its percentiles
    are approximate; `max` is its exact maximum. Locust does not count status codes of successful requests:
    they are reported together as `2xx/3xx`; failed ones by the code named in the error when there is one.
    """
    rows = list(csv.DictReader(io.StringIO(stats_csv)))
    aggregated = next((r for r in rows if r.get("Name") == "Aggregated"), None)
    if aggregated is None or "Request Count" not in aggregated:
        raise ValueError("not a Locust stats CSV: no Aggregated row with a 'Request Count' column")
    requests = int(aggregated["Request Count"])
    errors = int(aggregated["Failure Count"])
    status_codes: Counter[str] = Counter()
    error_examples = []
    for failure in csv.DictReader(io.StringIO(failures_csv)) if failures_csv.strip() else []:
        match = _STATUS_IN_ERROR.search(failure.get("Error", ""))
        key = (match.group(1) or match.group(2)) if match else "error"
        status_codes[key] += int(failure.get("Occurrences") or 0)
        error_examples.append(f"{failure.get('Method', '')} {failure.get('Name', '')}: {failure.get('Error', '')}")
    if requests - errors:
        status_codes["2xx/3xx"] = requests - errors
    total = {f"p{p}": _number(aggregated.get(f"{p}%")) for p in (50, 90, 95, 99)}
    total["max"] = _number(aggregated.get("Max Response Time"))
    total["samples"] = requests
    unmeasured = {"p50": None, "p90": None, "p95": None, "p99": None, "max": None, "samples": 0}
    return {
        "requests": requests,
        "errors": errors,
        "error_rate": round(errors / requests, 6) if requests else None,
        "status_codes": dict(sorted(status_codes.items())),
        "error_kinds": {},
        "error_examples": error_examples[:3],
        "latency_ms": {"dns": dict(unmeasured), "connect": dict(unmeasured), "tls": dict(unmeasured),
                       "ttfb": dict(unmeasured), "total": total},
        "achieved_rate": round(_number(aggregated.get("Requests/s")) or 0.0, 3),
        "endpoints": [{"method": r["Type"], "name": r["Name"], "requests": int(r["Request Count"]),
                       "failures": int(r["Failure Count"]), "p95_ms": _number(r.get("95%"))}
                      for r in rows if r.get("Name") != "Aggregated"],
    }


def _number(text: str | None) -> float | None:
    try:
        value = float(text) if text not in (None, "", "N/A") else None
    except ValueError:
        return None
    return None if value is None or math.isnan(value) else round(value, 3)


def build_report(plan: LocustPlan, site: Mapping[str, Any], stats: Mapping[str, Any], *, url: str,
                 p95_target_ms: float) -> dict[str, Any]:
    """The assess report for a Locust run: Locust's statistics plus the site inspection and the findings."""
    from dataclasses import asdict

    from rollout.live.assess.run import cache_summary, site_fields
    from rollout.live.assess.verdicts import findings

    report: dict[str, Any] = {
        "url": url, "mode": "locust", "target_rate": plan.rate, "duration_s": plan.duration,
        "users": plan.users, "workers": plan.workers, "interrupted": stats.get("interrupted", False),
        **{k: v for k, v in stats.items() if k != "interrupted"},
        "percentile_method": "locust (rounded histogram)",
        **site_fields(site),
        "cache": cache_summary(site, []),
    }
    report["findings"] = [asdict(f) for f in findings(report, p95_target_ms=p95_target_ms)]
    return report

"""The warm path (issue 20): medians of fresh `rollout` processes on a copy of this project, as ratios.

    .venv/bin/python bench/warm.py [--runs 5]

Rows, each the median wall time of --runs fresh processes, measured back to back in one run (ratios only: the
machine is shared, absolute figures of different runs are not comparable):
  cold          `rollout plan --stack example --phase 6` with an empty run cache and no worker
  second        the same command again (the run cache answers both phases)
  changed-key   the same after a one-key change in the stack file, with a warm worker (both phases run again, in
                forked children of a process that has the SDKs imported)
  floor         bench/floor.py on phases 6 and 5 (plain mocks, imports included): what any Pulumi test pays
  ci            `rollout ci` (check SARIF, plan comment, diff against a baseline), cold
  separate      `rollout check --format sarif` + `rollout plan --format markdown` + `rollout diff --baseline`, cold
Wall time is reported, not CPU: the worker's children are not children of the measured process.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROLLOUT = [str(Path(sys.executable).parent / "rollout")]
STACK_FILE = Path("stacks/Pulumi.example.yaml")
BUDGET_KEY = "monthlyLimitUsd:"


def copy_project(target: Path) -> Path:
    ignore = shutil.ignore_patterns(".git", ".venv", "__pycache__", "bench", "tests", ".pytest_cache", "*.egg-info")
    shutil.copytree(ROOT, target, ignore=ignore)
    return target


def timed(command: list[str], env: dict[str, str], cwd: Path, ok: tuple[int, ...] = (0, 1)) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            timeout=900)
    if result.returncode not in ok:
        raise RuntimeError(f"{' '.join(command)} exited {result.returncode}: {result.stderr.decode()[-1500:]}")
    return time.perf_counter() - start


def environment(cache: Path, *, worker: bool) -> dict[str, str]:
    env = dict(os.environ, NO_COLOR="1", TERM="dumb", ROLLOUT_CACHE_DIR=str(cache),
               ROLLOUT_WORKER="1" if worker else "0")
    env.pop("ROLLOUT_NO_CACHE", None)
    return env


def set_budget(project: Path, amount: int) -> None:
    """A one-key change in the stack file: the monthly budget the program alerts on (sme-rollout:budget...)."""
    path = project / STACK_FILE
    text = path.read_text()
    start = text.index(BUDGET_KEY) + len(BUDGET_KEY)
    end = text.index("\n", start)
    path.write_text(f"{text[:start]} {amount}{text[end:]}")


def stop_workers(cache: Path) -> None:
    for pid in subprocess.run(["pgrep", "-f", f"rollout.runtime.worker {cache}"], capture_output=True,
                              text=True).stdout.split():
        try:
            os.kill(int(pid), signal.SIGTERM)
        except OSError:
            pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="rollout-warm-"))
    project = copy_project(work / "project")
    plan = [*ROLLOUT, "plan", "--stack", "example", "--phase", "6", "--quiet"]
    samples: dict[str, list[float]] = {k: [] for k in ("cold", "second", "changed-key", "floor", "ci", "separate")}
    baseline = work / "baseline.json"
    subprocess.run([*ROLLOUT, "plan", "-s", "example", "-q", "--save", str(baseline), "--no-cache"], cwd=project,
                   env=environment(work / "c0", worker=False), stdout=subprocess.DEVNULL, check=True)
    try:
        for run in range(args.runs):
            cache = work / f"cache-{run}"
            cold_env = environment(cache, worker=False)
            samples["cold"].append(timed(plan, cold_env, project))
            samples["second"].append(timed(plan, cold_env, project))
            samples["floor"].append(timed([sys.executable, str(ROOT / "bench" / "floor.py"), str(project), "example",
                                           "6", "5", "--computed-outputs"], cold_env, project, ok=(0,)))
            warm_env = environment(work / "warm-cache", worker=True)
            if run == 0:
                timed(plan, warm_env, project)  # starts the worker
                time.sleep(20)  # let it import the SDKs
                set_budget(project, 1000)
                timed(plan, warm_env, project)  # the worker learns which modules the program uses
            set_budget(project, 2000 + run)
            samples["changed-key"].append(timed(plan, warm_env, project))
            separate_env = dict(cold_env, ROLLOUT_NO_CACHE="1")
            samples["ci"].append(timed([*ROLLOUT, "ci", "-s", "example", "-q", "--out", str(work / "ci"),
                                        "--baseline", str(baseline)], separate_env, project))
            samples["separate"].append(sum(timed(command, separate_env, project) for command in (
                [*ROLLOUT, "check", "-s", "example", "-q", "--format", "sarif"],
                [*ROLLOUT, "plan", "-s", "example", "-q", "--format", "markdown"],
                [*ROLLOUT, "diff", "-s", "example", "-q", "--baseline", str(baseline)])))
            print(f"run {run + 1}/{args.runs}: " + ", ".join(f"{k} {v[-1]:.2f}s" for k, v in samples.items()),
                  file=sys.stderr)
    finally:
        stop_workers(work / "warm-cache")
    median = {k: statistics.median(v) for k, v in samples.items()}
    ratios = {
        "second / cold (goal <= 0.15)": median["second"] / median["cold"],
        "changed-key / cold (goal <= 0.4)": median["changed-key"] / median["cold"],
        "cold / floor (goal <= 1.1)": median["cold"] / median["floor"],
        "ci / separate (goal <= 0.4)": median["ci"] / median["separate"],
    }
    result = {"runs": args.runs, "median_seconds": median, "ratios": ratios, "samples": samples,
              "load_average": os.getloadavg()}
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "warm.json").write_text(json.dumps(result, indent=2))
    for name, value in median.items():
        print(f"{name:12s} {value:7.2f} s")
    for name, value in ratios.items():
        print(f"{name:36s} {value:.2f}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

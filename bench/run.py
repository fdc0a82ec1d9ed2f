"""Run every benchmark, print one table and write bench/results/latest.json (see bench/README.md).

    .venv/bin/python bench/run.py [--quick] [--sizes 100,1000,3000] [--runs 5] [--no-checkov]

Every figure is measured in a fresh process (wall time, CPU time user+sys and peak RSS from the child's
rusage); each figure is the median of the runs with min and max. Ratios are taken pair by pair within one run
(the tool and the floor measured back to back), then summarised: this machine is noisy, so absolute times of
different runs are never compared.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
ROLLOUT = ROOT / ".venv" / "bin" / "rollout"
RESULTS = BENCH / "results"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402 - bench/ is not a package

PHASES = range(1, 7)


# ---------------------------------------------------------------------------------------------------------------
# Measuring one child process


def measure(command: list[str], *, cwd: Path | None = None, ok: tuple[int, ...] = (0,)) -> dict:
    """Run `command` to completion: wall seconds, CPU seconds (user+sys of it and its children), peak RSS (MB)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        started_at = time.time()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, env=_child_env())
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if process.returncode not in ok:
        raise RuntimeError(f"{' '.join(map(str, command))} exited {process.returncode}:\n{stderr[-2000:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024,
            "rc": process.returncode, "stdout": stdout, "started_at": started_at}


def _child_env() -> dict[str, str]:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="0", NO_COLOR="1", TERM="dumb")
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return env


def stats(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


# ---------------------------------------------------------------------------------------------------------------
# Child modes (run by this script in a fresh process)


def child_synth(program: str, stack: str) -> None:
    """Only the offline runtime (synthesize), to split rollout's cost into recording and analysis."""
    from rollout.runtime.synth import synthesize

    print(json.dumps({"resources": len(synthesize(program, stack))}))


def child_stack(stack: str, phase: int) -> None:
    """`rollout plan` logic twice in one process: cold (imports included) then warm (modules already loaded)."""
    import resource

    from rollout.app import plan_stack

    first = plan_stack(ROOT, stack, phase)
    cold_end = time.time()
    cold_usage = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    plan_stack(ROOT, stack, phase)
    warm = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({
        "resources": len(first.current.custom_resources()), "cold_end": cold_end,
        "cold_cpu": cold_usage.ru_utime + cold_usage.ru_stime, "cold_rss_mb": cold_usage.ru_maxrss / 1024,
        "warm_wall": warm, "warm_cpu": usage.ru_utime + usage.ru_stime - cold_usage.ru_utime - cold_usage.ru_stime,
        "warm_rss_mb": usage.ru_maxrss / 1024,
    }))


# ---------------------------------------------------------------------------------------------------------------
# The benchmarks


def tools(program: Path) -> dict[str, list[str]]:
    """The commands compared at one program size (each in a fresh process)."""
    common = ["-C", str(program), "-s", generate.STACK, "-f", "json", "-q"]
    commands = {
        "floor": [str(PYTHON), str(BENCH / "floor.py"), str(program), generate.STACK],
        "synth": [str(PYTHON), str(Path(__file__).resolve()), "--child", "synth", str(program), generate.STACK],
        "plan": [str(ROLLOUT), "plan", *common],
    }
    for command in ("check", "cost"):
        if (ROOT / "rollout" / "cli" / f"{command}.py").is_file():
            commands[command] = [str(ROLLOUT), command, *common]
    return commands


def bench_sizes(sizes: list[int], runs: int, checkov: str | None, work: Path, log, *, quick: bool = False) -> list[dict]:
    """Each run measures every tool back to back; --quick skips the synth-only row and runs Checkov once."""
    results = []
    for size in sizes:
        program = generate.write(size, work / f"program-{size}")
        commands = tools(program)
        if quick:
            commands.pop("synth")
        samples: dict[str, list[dict]] = {name: [] for name in commands}
        if checkov:
            samples["checkov"] = []
        for run in range(runs):
            for name, command in commands.items():
                samples[name].append(measure(command, ok=(0, 1) if name == "check" else (0,)))
                log(f"  {size:>5} run {run + 1}/{runs} {name:<6} {samples[name][-1]['wall']:6.2f} s")
            if checkov and not (quick and run > 0):
                samples["checkov"].append(measure(
                    [checkov, "-d", str(program / "terraform"), "--framework", "terraform", "-o", "json", "--quiet",
                     "--compact", "--skip-download"], ok=(0, 1)))
                log(f"  {size:>5} run {run + 1}/{runs} checkov {samples['checkov'][-1]['wall']:6.2f} s")
        results.append(summarise_size(size, program, samples))
    return results


def summarise_size(size: int, program: Path, samples: dict[str, list[dict]]) -> dict:
    floor = samples["floor"]
    row: dict = {"resources": size, "tools": {}}
    for name, runs in samples.items():
        entry = {metric: stats([r[metric] for r in runs]) for metric in ("wall", "cpu", "rss_mb")}
        if name != "floor":
            entry["ratio_to_floor"] = {metric: stats([r[metric] / f[metric] for r, f in zip(runs, floor)])
                                       for metric in ("wall", "cpu")}
        row["tools"][name] = entry
    if "check" in samples and "cost" in samples:
        # What check and cost add to the floor together: (check - floor) + (cost - floor), over the floor.
        row["check_plus_cost_overhead"] = {
            metric: stats([(c[metric] + k[metric] - 2 * f[metric]) / f[metric]
                           for c, k, f in zip(samples["check"], samples["cost"], floor)])
            for metric in ("wall", "cpu")}
    if "synth" in samples:
        row["synth_overhead"] = {metric: stats([s[metric] / f[metric] - 1 for s, f in zip(samples["synth"], floor)])
                                 for metric in ("wall", "cpu")}
    if "checkov" in samples and "check" in samples:
        row["rollout_check_vs_checkov"] = {
            metric: stats([c[metric] / k[metric] for c, k in zip(samples["check"], samples["checkov"])])
            for metric in ("wall", "cpu")}
    row["findings"] = findings(program, samples)
    return row


def findings(program: Path, samples: dict[str, list[dict]]) -> dict:
    """How many findings each tool reports, and how many of the deliberate misconfigurations it detects."""
    expected = json.loads((program / "expected.json").read_text())
    report: dict = {"deliberate": len(expected)}
    if "check" in samples:
        document = json.loads(samples["check"][-1]["stdout"])
        violations = [f for f in document.get("findings", []) if f.get("status") == "violation"]
        hits = {(f["name"], f["control"]) for f in violations}
        report["rollout"] = _detection(expected, hits, "pulumi_names", "rollout", len(violations))
    if "checkov" in samples:
        document = json.loads(samples["checkov"][-1]["stdout"])
        documents = document if isinstance(document, list) else [document]
        failed = [f for d in documents for f in d.get("results", {}).get("failed_checks", [])]
        hits = {(f["resource"], f["check_id"]) for f in failed}
        report["checkov"] = _detection(expected, hits, "tf_addresses", "checkov", len(failed))
    return report


def _detection(expected: list[dict], hits: set[tuple[str, str]], where: str, tool: str, total: int) -> dict:
    by_kind: dict[str, list[int]] = {}
    for flaw in expected:
        found = any((name, rule) in hits for name in flaw[where] for rule in flaw[tool])
        counts = by_kind.setdefault(flaw["misconfiguration"], [0, 0])
        counts[0] += found
        counts[1] += 1
    return {"total_findings": total, "detected": sum(c[0] for c in by_kind.values()),
            "by_misconfiguration": {k: f"{v[0]}/{v[1]}" for k, v in sorted(by_kind.items())}}


def bench_stacks(runs: int, phases: list[int], log) -> list[dict]:
    rows = []
    for stack in ("example", "prod"):
        if not (ROOT / "stacks" / f"Pulumi.{stack}.yaml").is_file():
            continue
        for phase in phases:
            samples = []
            for run in range(runs):
                floor = measure([str(PYTHON), str(BENCH / "floor.py"), str(ROOT), stack, str(phase),
                                 *([str(phase - 1)] if phase > 1 else []), "--computed-outputs"], cwd=ROOT)
                result = measure([str(PYTHON), str(Path(__file__).resolve()), "--child", "stack", stack, str(phase)],
                                 cwd=ROOT)
                data = json.loads(result["stdout"])
                data["cold_wall"] = data["cold_end"] - result["started_at"]
                data["floor_wall"], data["floor_cpu"] = floor["wall"], floor["cpu"]
                data["cold_wall_ratio"] = data["cold_wall"] / floor["wall"]
                data["cold_cpu_ratio"] = data["cold_cpu"] / floor["cpu"]
                samples.append(data)
                log(f"  {stack} phase {phase} run {run + 1}/{runs}: cold {data['cold_wall']:.2f} s, "
                    f"warm {data['warm_wall']:.2f} s")
            rows.append({"stack": stack, "phase": phase, "resources": samples[-1]["resources"],
                         **{k: stats([s[k] for s in samples]) for k in
                            ("cold_wall", "cold_cpu", "cold_rss_mb", "warm_wall", "warm_cpu", "warm_rss_mb",
                             "floor_wall", "floor_cpu", "cold_wall_ratio", "cold_cpu_ratio")}})
    return rows


def bench_cli(runs: int, log, *, quick: bool = False) -> dict:
    """`rollout --help` and `rollout plan --stack example` (phase 6 against 5), as users run them."""
    rows = {}
    for name, command, count in (("rollout --help", [str(ROLLOUT), "--help"], runs),
                                 ("rollout plan --stack example", [str(ROLLOUT), "plan", "--stack", "example", "-q"],
                                  1 if quick else runs)):
        samples = [measure(command, cwd=ROOT) for _ in range(count)]
        rows[name] = {metric: stats([s[metric] for s in samples]) for metric in ("wall", "cpu", "rss_mb")}
        log(f"  {name}: {rows[name]['wall']['median']:.2f} s")
    return rows


def checkov_path(enabled: bool, log) -> str | None:
    if not enabled:
        return None
    try:
        result = subprocess.run(["bash", str(BENCH / "checkov_env.sh")], capture_output=True, text=True, check=True)
    except subprocess.CalledProcessError as error:
        log(f"checkov unavailable (bench/checkov_env.sh failed): {error.stderr.strip()[-300:]}")
        return None
    return result.stdout.strip().splitlines()[-1]


# ---------------------------------------------------------------------------------------------------------------
# Output


def fmt(entry: dict, scale: float = 1.0, digits: int = 2) -> str:
    return (f"{entry['median'] * scale:.{digits}f} [{entry['min'] * scale:.{digits}f}–"
            f"{entry['max'] * scale:.{digits}f}]")


def table(result: dict) -> str:
    lines = [f"sme-rollout benchmark · {result['machine']} · runs {result['runs']} · median [min–max]", ""]
    lines.append(f"{'N':>5} {'tool':<8} {'wall s':<22} {'cpu s':<22} {'peak MB':<22} {'wall/floor':<20} {'cpu/floor':<20}")
    for row in result["sizes"]:
        for name, entry in row["tools"].items():
            ratio = entry.get("ratio_to_floor")
            lines.append(f"{row['resources']:>5} {name:<8} {fmt(entry['wall']):<22} {fmt(entry['cpu']):<22} "
                         f"{fmt(entry['rss_mb'], digits=0):<22} {fmt(ratio['wall']) if ratio else '1':<20} "
                         f"{fmt(ratio['cpu']) if ratio else '1':<20}")
        if "synth_overhead" in row:
            lines.append(f"{'':>5} recording overhead (synth/floor − 1): wall {fmt(row['synth_overhead']['wall'], 100, 0)} %"
                         f", cpu {fmt(row['synth_overhead']['cpu'], 100, 0)} %")
        if "check_plus_cost_overhead" in row:
            o = row["check_plus_cost_overhead"]
            lines.append(f"{'':>5} check+cost added to floor ((check−floor)+(cost−floor))/floor: wall {fmt(o['wall'], 100, 0)} %"
                         f", cpu {fmt(o['cpu'], 100, 0)} %  (goal ≤ 30 % at 1000)")
        if "rollout_check_vs_checkov" in row:
            o = row["rollout_check_vs_checkov"]
            lines.append(f"{'':>5} rollout check / checkov: wall {fmt(o['wall'])}, cpu {fmt(o['cpu'])}")
        f = row["findings"]
        for tool in ("rollout", "checkov"):
            if tool in f:
                lines.append(f"{'':>5} {tool} findings: {f[tool]['total_findings']} in all; deliberate misconfigurations "
                             f"detected {f[tool]['detected']}/{f['deliberate']} "
                             + ", ".join(f"{k} {v}" for k, v in f[tool]["by_misconfiguration"].items()))
        lines.append("")
    if result["stacks"]:
        lines.append(f"{'stack':<8} {'phase':>5} {'res':>4} {'cold wall s':<20} {'cold cpu s':<20} {'floor cpu s':<20} "
                     f"{'cold cpu/floor':<20} {'warm wall s':<20} {'warm cpu s':<20} {'MB':>5}")
        for row in result["stacks"]:
            lines.append(f"{row['stack']:<8} {row['phase']:>5} {row['resources']:>4} {fmt(row['cold_wall']):<20} "
                         f"{fmt(row['cold_cpu']):<20} {fmt(row['floor_cpu']):<20} {fmt(row['cold_cpu_ratio']):<20} "
                         f"{fmt(row['warm_wall']):<20} {fmt(row['warm_cpu']):<20} {row['warm_rss_mb']['median']:>5.0f}")
        lines.append("(phase N = `rollout plan --phase N`: runs phases N and N-1; cold = fresh process incl. imports;"
                     " floor = the same phases under plain MockMonitor with rollout's computed outputs, no recording)")
        lines.append("")
    for name, row in result["cli"].items():
        lines.append(f"{name:<30} wall {fmt(row['wall'])} s, cpu {fmt(row['cpu'])} s, peak {row['rss_mb']['median']:.0f} MB")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmarks of rollout plan/check/cost (see bench/README.md).")
    parser.add_argument("--quick", action="store_true",
                        help="sizes 100,1000, 3 runs (Checkov, stacks at phase 6 and the example plan once; no synth-only row): "
                             "about 3 minutes, a smoke check below the ≥5 runs rule")
    parser.add_argument("--sizes", help="comma-separated program sizes (default 100,1000,3000)")
    parser.add_argument("--runs", type=int, help="runs per figure (default 5)")
    parser.add_argument("--no-checkov", action="store_true", help="skip the Checkov comparison")
    parser.add_argument("--no-stacks", action="store_true", help="skip the example/prod stacks")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, *rest = args.child
        child_synth(*rest) if mode == "synth" else child_stack(rest[0], int(rest[1]))
        return
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else ([100, 1000] if args.quick else [100, 1000, 3000])
    runs = args.runs or (3 if args.quick else 5)
    phases = [6] if args.quick else list(PHASES)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    began = time.perf_counter()
    checkov = checkov_path(not args.no_checkov, log)
    work = Path(tempfile.mkdtemp(prefix="rollout-bench-"))
    try:
        log("programs of N resources")
        sizes_result = bench_sizes(sizes, runs, checkov, work, log, quick=args.quick)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    log("example and prod stacks")
    stacks_result = [] if args.no_stacks else bench_stacks(runs if not args.quick else 1, phases, log)
    log("command line")
    cli_result = bench_cli(runs, log, quick=args.quick)
    result = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": f"{platform.machine()} · {os.cpu_count()} CPUs · "
        f"Python {platform.python_version()} · load {os.getloadavg()[0]:.1f}",
        "runs": runs, "quick": args.quick, "checkov": checkov is not None, "sizes": sizes_result,
        "stacks": stacks_result, "cli": cli_result, "seconds": time.perf_counter() - began,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(result, indent=1))
    print(table(result))
    print(f"\n{result['seconds']:.0f} s in all; written to {RESULTS / 'latest.json'}")


if __name__ == "__main__":
    main()

"""The `rollout assess` / `rollout loadtest` report as Markdown and as rich tables."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def render_markdown(report: Mapping[str, Any], comparison: list[dict[str, Any]] | None = None) -> str:
    """The report as Markdown (for a pull request or a ticket)."""
    lines = [f"## Assessment of {report['url']}", "",
             f"{report['requests']} requests ({report['mode']}"
             + (f", target {report['target_rate']:g}/s, achieved "
                f"{report['achieved_rate']:g}/s" if report["target_rate"] else "")
             + f"), {report['errors']} errors (rate {report['error_rate']}), status codes {report['status_codes']}"
             + (" — interrupted" if report.get("interrupted") else ""), "",
             "| phase | p50 | p90 | p95 | p99 | max | samples |", "|---|---|---|---|---|---|---|"]
    for name, dist in report["latency_ms"].items():
        lines.append(f"| {name} | " + " | ".join(_ms(dist[k]) for k in ("p50", "p90", "p95", "p99", "max"))
                     + f" | {dist['samples']} |")
    lines += ["", f"Latency in ms, {report['percentile_method']} percentiles.", "",
              "| metric | value | threshold | verdict | phase |", "|---|---|---|---|---|"]
    for f in report["findings"]:
        lines.append(f"| {f['metric']} | {_text(f['value'])} | {f['threshold']} | {f['verdict']} | {f['phase']} |")
    for result in report.get("thresholds", []):
        lines.append("")
        lines.append(f"- threshold `{result['expression']}`: {'passed' if result['passed'] else 'FAILED'} "
                     f"(actual {_text(result['actual'])})")
    if comparison:
        lines += ["", "| metric | before | after | change |", "|---|---|---|---|"]
        for row in comparison:
            lines.append(f"| {row['metric']} | {_text(row['before'])} | {_text(row['after'])} | {_change(row)} |")
    return "\n".join(lines) + "\n"


def render_table(report: Mapping[str, Any], console, comparison: list[dict[str, Any]] | None = None) -> None:
    """The report as rich tables on `console`."""
    from rich.table import Table

    console.print(f"[bold]{report['url']}[/]  {report['requests']} requests ({report['mode']}), "
                  f"{report['errors']} errors, status {report['status_codes']}"
                  + (f", {report['achieved_rate']:g}/s of {report['target_rate']:g}/s" if report["target_rate"] else "")
                  + (" [yellow](interrupted)[/]" if report.get("interrupted") else ""))
    latency = Table("phase (ms)", "p50", "p90", "p95", "p99", "max", "samples",
                    title=f"latency ({report['percentile_method']} percentiles)")
    for name, dist in report["latency_ms"].items():
        latency.add_row(name, *(_ms(dist[k]) for k in ("p50", "p90", "p95", "p99", "max")), str(dist["samples"]))
    console.print(latency)
    verdicts = Table("metric", "value", "threshold", "verdict", "phase", title="findings")
    colours = {"good": "green", "needs-improvement": "yellow", "poor": "red"}
    for f in report["findings"]:
        colour = colours.get(f["verdict"], "white")
        verdicts.add_row(f["metric"], _text(f["value"]), f["threshold"], f"[{colour}]{f['verdict']}[/]", f["phase"])
    console.print(verdicts)
    for result in report.get("thresholds", []):
        console.print(f"threshold {result['expression']}: "
                      + ("[green]passed[/]" if result["passed"] else "[red]FAILED[/]")
                      + f" (actual {_text(result['actual'])})")
    if comparison:
        table = Table("metric", "before", "after", "change", title="change against the baseline")
        for row in comparison:
            table.add_row(row["metric"], _text(row["before"]), _text(row["after"]), _change(row))
        console.print(table)


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _text(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "none"
    return str(value)


def _change(row: Mapping[str, Any]) -> str:
    if row["change"] is None:
        return "same" if row["before"] == row["after"] else f"{_text(row['before'])} → {_text(row['after'])}"
    return f"{row['change']:+g}" + (f" ({row['change_pct']:+g}%)" if row["change_pct"] is not None else "")

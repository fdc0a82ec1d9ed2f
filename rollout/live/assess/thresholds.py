"""k6-style pass conditions ('p95<300', 'ttfb.p99<=800', 'error_rate<0.01') and their evaluation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rollout.errors import UserError

_THRESHOLD = re.compile(
    r"^\s*(?:(?P<phase>dns|connect|tls|ttfb|total|queue)[._])?"
    r"(?P<stat>p\(?(?P<p>50|90|95|99)\)?|max|error_rate)\s*(?P<op><=|<|>=|>)\s*(?P<value>\d+(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class Threshold:
    """A k6-style pass condition, e.g. `p95<300` (total latency, ms), `ttfb.p99<=800`, `error_rate<0.01`."""

    expression: str
    metric: str       # e.g. total.p95 or error_rate
    op: str
    value: float

    def passes(self, actual: float | None) -> bool:
        if actual is None:
            return False
        return {"<": actual < self.value, "<=": actual <= self.value,
                ">": actual > self.value, ">=": actual >= self.value}[self.op]


def parse_threshold(expression: str) -> Threshold:
    """Parse one `--threshold`; raises UserError naming the expression when it is not understood."""
    match = _THRESHOLD.match(expression)
    if not match:
        raise UserError(f"--threshold {expression!r}: expected e.g. 'p95<300', 'ttfb.p99<=800' or 'error_rate<0.01' "
                        f"(percentiles p50/p90/p95/p99/max of dns/connect/tls/ttfb/total/queue in ms)")
    stat = match["stat"]
    if stat == "error_rate":
        if match["phase"]:
            raise UserError(f"--threshold {expression!r}: error_rate takes no phase prefix")
        metric = "error_rate"
    else:
        metric = f"{match['phase'] or 'total'}.{'max' if stat == 'max' else 'p' + match['p']}"
    return Threshold(expression.strip(), metric, match["op"], float(match["value"]))


def threshold_value(report: Mapping[str, Any], metric: str) -> float | None:
    """The report's value for a threshold metric (None when it was not measured)."""
    if metric == "error_rate":
        return report.get("error_rate")
    phase, stat = metric.split(".")
    return (report["latency_ms"].get(phase) or {}).get(stat)


def evaluate_thresholds(report: Mapping[str, Any], thresholds: list[Threshold]) -> list[dict[str, Any]]:
    """One result per threshold: expression, metric, actual value and whether it passed."""
    results = []
    for threshold in thresholds:
        actual = threshold_value(report, threshold.metric)
        results.append({"expression": threshold.expression, "metric": threshold.metric, "actual": actual,
                        "passed": threshold.passes(actual)})
    return results

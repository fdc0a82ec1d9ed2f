"""Statistics of the samples: exact nearest-rank percentiles (p95 of n samples is the ceil(0.95 n)-th
smallest, a value that was actually measured), distributions, and the summary of a run.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

PERCENTILES = (50, 90, 95, 99)
PHASES = ("dns", "connect", "tls", "ttfb", "total")
PERCENTILE_METHOD = "nearest-rank"


@dataclass
class Sample:
    """One request's outcome. Times in milliseconds; dns/connect/tls are None when a pooled connection was reused."""

    status: int | None = None
    error: str | None = None          # dns | connect | tls | timeout | protocol; None when a response arrived
    message: str | None = None
    http_version: str | None = None
    dns: float | None = None
    connect: float | None = None
    tls: float | None = None
    ttfb: float | None = None
    total: float | None = None
    queue: float | None = (
        None  # constant rate only: from the intended start to the actual send (incl. waiting for a free connection)
    )
    cache: str | None = None          # hit | miss | other cache status the CDN reported

    @property
    def failed(self) -> bool:
        return self.error is not None or (self.status is not None and self.status >= 400)


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending, non-empty list: the ceil(p/100 * n)-th smallest value."""
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def distribution(values: Iterable[float | None]) -> dict[str, float | int | None]:
    """p50/p90/p95/p99/max (ms, rounded to µs) and the sample count; percentiles None without samples."""
    ordered = sorted(v for v in values if v is not None)
    result: dict[str, float | int | None] = {}
    for p in PERCENTILES:
        result[f"p{p}"] = round(percentile(ordered, p), 3) if ordered else None
    result["max"] = round(ordered[-1], 3) if ordered else None
    result["samples"] = len(ordered)
    return result


def summarize(samples: list[Sample], *, queueing: bool) -> dict[str, Any]:
    """Counts, error rate and latency distributions of the measured samples."""
    errors = sum(1 for s in samples if s.failed)
    latency = {name: distribution(getattr(s, name) for s in samples if s.error is None) for name in PHASES}
    if queueing:
        latency["queue"] = distribution(s.queue for s in samples)
    status_codes = Counter(str(s.status) for s in samples if s.status is not None)
    error_kinds = Counter(s.error for s in samples if s.error is not None)
    return {
        "requests": len(samples),
        "errors": errors,
        "error_rate": round(errors / len(samples), 6) if samples else None,
        "status_codes": dict(sorted(status_codes.items())),
        "error_kinds": dict(sorted(error_kinds.items())),
        "error_examples": sorted({s.message for s in samples if s.message})[:3],
        "latency_ms": latency,
    }

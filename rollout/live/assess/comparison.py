"""A saved report as a baseline, and the change of a new report against it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rollout.errors import UserError

COMPARED = (
    ("ttfb p50 ms", ("latency_ms", "ttfb", "p50")), ("ttfb p95 ms", ("latency_ms", "ttfb", "p95")),
    ("total p50 ms", ("latency_ms", "total", "p50")), ("total p95 ms", ("latency_ms", "total", "p95")),
    ("total p99 ms", ("latency_ms", "total", "p99")), ("error rate", ("error_rate",)),
    ("cache hit ratio", ("cache", "hit_ratio")), ("http version", ("http_version",)), ("cdn", ("cdn",)),
    ("tls version", ("tls_version",)), ("compression", ("compression",)),
)


def load_baseline(text: str, source: str) -> dict[str, Any]:
    """A saved `--save` baseline; raises UserError naming the file when it is not one."""
    import json

    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UserError(f"{source}: not JSON ({error.msg} at line {error.lineno})") from None
    if not isinstance(data, dict) or not isinstance(data.get("latency_ms"), dict) or "url" not in data:
        raise UserError(f"{source}: not a baseline saved by 'rollout assess --save' (no url/latency_ms)")
    return data


def compare(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Rows of (metric, before, after, change); change is after-before and % for numbers, None otherwise."""
    rows = []
    for label, path in COMPARED:
        old, new = _dig(before, path), _dig(after, path)
        change = percent = None
        if isinstance(old, (int, float)) and isinstance(new, (int, float)) and not isinstance(old, bool):
            change = round(new - old, 6)
            percent = round(100 * (new - old) / old, 1) if old else None
        rows.append({"metric": label, "before": old, "after": new, "change": change, "change_pct": percent})
    return rows


def _dig(data: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data

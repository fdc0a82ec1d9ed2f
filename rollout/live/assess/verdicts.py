"""Verdicts: each measured metric judged against the roadmap's targets, naming the phase that fixes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# web-vitals TTFB bands (https://web.dev/articles/ttfb): good <= 0.8 s, poor > 1.8 s. Measured here in the lab.
TTFB_GOOD_MS = 800.0
TTFB_POOR_MS = 1800.0
DEFAULT_P95_TARGET_MS = 300.0
CERT_EXPIRY_WARN_DAYS = 14


@dataclass(frozen=True)
class Finding:
    """One metric, its value, the threshold it is judged by, the verdict and the roadmap phase that addresses it."""

    metric: str
    value: Any
    threshold: str
    verdict: str        # good | needs-improvement | poor | unknown
    phase: str          # the roadmap phase that moves this metric, e.g. "2" or "3-6"
    note: str = ""


def findings(report: Mapping[str, Any], *, p95_target_ms: float = DEFAULT_P95_TARGET_MS) -> list[Finding]:
    """A verdict per metric of an assessment report, with the thresholds used and the phase addressing it."""
    latency = report["latency_ms"]
    result = []
    ttfb = latency["ttfb"]["p50"]
    result.append(Finding(
        "ttfb_p50_ms", ttfb, f"good <= {TTFB_GOOD_MS:g}, poor > {TTFB_POOR_MS:g} (web-vitals, lab value)",
        _band(ttfb, TTFB_GOOD_MS, TTFB_POOR_MS), "3-6",
        "lab value from this machine, not field data from real users"))
    p95 = latency["total"]["p95"]
    result.append(Finding(
        "total_p95_ms", p95, f"<= {p95_target_ms:g} (p95 target)",
        "unknown" if p95 is None else ("good" if p95 <= p95_target_ms else "poor"), "3-6",
        "under load (constant rate)" if report.get("mode") == "rate" else "probe traffic"))
    rate = report.get("error_rate")
    result.append(Finding("error_rate", rate, "good <= 0.001, poor > 0.01", _band(rate, 0.001, 0.01), "5-6"))
    result.append(Finding("cdn", report.get("cdn"), "a CDN in front of the origin",
                          "good" if report.get("cdn") else "poor", "2"))
    cache = report.get("cache") or {}
    hits = cache.get("hits", 0)
    result.append(Finding("cache_hit_ratio", cache.get("hit_ratio"), "hits on repeat requests",
                          "good" if hits else "poor", "2"))
    version = report.get("http_version")
    result.append(
        Finding(
            "http_version",
            version,
            "HTTP/2 or newer",
            "unknown" if version is None else ("good" if version in ("HTTP/2", "HTTP/3") else "poor"),
            "2",
        )
    )
    result.append(Finding("http3_advertised", report.get("http3_advertised"), "Alt-Svc offers h3",
                          "good" if report.get("http3_advertised") else "needs-improvement", "2"))
    result.append(Finding("compression", report.get("compression"), "br or zstd (gzip at least)",
                          _compression_verdict(report.get("compression") or []), "2"))
    if report.get("scheme") == "https":
        tls = report.get("tls_version")
        result.append(Finding("tls_version", tls, "TLSv1.2 or newer",
                              "good" if tls in ("TLSv1.2", "TLSv1.3") else "poor", "2"))
        days = report.get("cert_expiry_days")
        result.append(Finding("cert_expiry_days", days, f"> {CERT_EXPIRY_WARN_DAYS} days",
                              "unknown" if days is None else ("good" if days > CERT_EXPIRY_WARN_DAYS else "poor"), "2"))
        result.append(Finding("hsts", report.get("hsts"), "Strict-Transport-Security set",
                              "good" if report.get("hsts") else "poor", "2"))
    else:
        result.append(Finding("tls_version", None, "served over https", "poor", "2", "plain http"))
    redirect = report.get("https_redirect")
    result.append(Finding("https_redirect", redirect, "http redirects to https",
                          "unknown" if redirect is None else ("good" if redirect else "poor"), "2"))
    return result


def _band(value: float | None, good: float, poor: float) -> str:
    if value is None:
        return "unknown"
    return "good" if value <= good else ("poor" if value > poor else "needs-improvement")


def _compression_verdict(offered: list[str]) -> str:
    if "br" in offered or "zstd" in offered:
        return "good"
    return "needs-improvement" if offered else "poor"

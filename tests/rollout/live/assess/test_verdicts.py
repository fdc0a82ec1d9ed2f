"""Verdicts against the roadmap's targets, each naming the phase that fixes it."""

from __future__ import annotations

import pytest

from rollout.live.assess import verdicts
from tests.rollout.assess_servers import sample_report


def _verdicts(report, **kwargs):
    return {f.metric: (f.verdict, f.phase) for f in verdicts.findings(report, **kwargs)}


def test_findings_all_good_for_a_ready_site():
    verdicts = _verdicts(sample_report())
    assert {verdict for verdict, _ in verdicts.values()} == {"good"}
    assert set(verdicts) == {"ttfb_p50_ms", "total_p95_ms", "error_rate", "cdn", "cache_hit_ratio", "http_version",
                             "http3_advertised", "compression", "tls_version", "cert_expiry_days", "hsts",
                             "https_redirect"}


def test_findings_name_the_phase_that_fixes_each_problem():
    report = sample_report(cdn=None, cache={"hits": 0, "hit_ratio": 0.0}, http_version="HTTP/1.1", compression=[],
                     hsts=None, cert_expiry_days=3, error_rate=0.05,
                     latency_ms={"ttfb": {"p50": 1900.0}, "total": {"p95": 301.0}})
    verdicts = _verdicts(report)
    assert verdicts["cdn"] == ("poor", "2")
    assert verdicts["cache_hit_ratio"] == ("poor", "2")
    assert verdicts["ttfb_p50_ms"] == ("poor", "3-6")
    assert verdicts["total_p95_ms"] == ("poor", "3-6")
    assert verdicts["http_version"] == ("poor", "2")
    assert verdicts["compression"] == ("poor", "2")
    assert verdicts["hsts"] == ("poor", "2")
    assert verdicts["cert_expiry_days"] == ("poor", "2")
    assert verdicts["error_rate"] == ("poor", "5-6")


@pytest.mark.parametrize(("ttfb", "verdict"), [(800.0, "good"), (800.1, "needs-improvement"),
                                               (1800.0, "needs-improvement"), (1800.1, "poor"), (None, "unknown")])
def test_ttfb_uses_web_vitals_bands(ttfb, verdict):
    report = sample_report(latency_ms={"ttfb": {"p50": ttfb}, "total": {"p95": 1.0}})
    assert _verdicts(report)["ttfb_p50_ms"][0] == verdict


def test_p95_target_is_configurable():
    report = sample_report(latency_ms={"ttfb": {"p50": 1.0}, "total": {"p95": 450.0}})
    assert _verdicts(report)["total_p95_ms"][0] == "poor"
    assert _verdicts(report, p95_target_ms=500)["total_p95_ms"][0] == "good"


def test_plain_http_site_gets_a_tls_finding():
    verdicts = _verdicts(sample_report(scheme="http", tls_version=None, https_redirect=False))
    assert verdicts["tls_version"] == ("poor", "2")
    assert verdicts["https_redirect"] == ("poor", "2")
    assert "hsts" not in verdicts

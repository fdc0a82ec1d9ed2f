"""Whole assessments against local sites (HTTPS with HTTP/2 and a trustme CA, plain HTTP/1.1) on 127.0.0.1."""

from __future__ import annotations

import asyncio

import pytest

from rollout.live.assess import run
from tests.rollout.assess_servers import assess_report


def test_https_site_over_http2_behind_cloudflare(sites):
    report = assess_report(url=sites["https"] + "/cf/h2?ms=30", requests=8, concurrency=2, ca_bundle=sites["ca"],
                     http_url=sites["http"] + "/to-https")
    assert report["http_version"] == "HTTP/2"
    assert report["tls_version"] in ("TLSv1.2", "TLSv1.3") and report["tls_cipher"]
    assert report["cert_expiry_days"] > 14
    assert report["http3_advertised"] is True
    assert report["hsts"].startswith("max-age=")
    assert report["https_redirect"] is True
    assert report["cdn"] == "cloudflare"
    assert (report["cache"]["first"], report["cache"]["repeat"]) == ("miss", "hit")
    assert report["cache"]["hits"] == 9 and report["cache"]["misses"] == 1
    assert report["compression"] == ["gzip"]
    assert (report["requests"], report["errors"], report["status_codes"]) == (8, 0, {"200": 8})
    latency = report["latency_ms"]
    for phase in ("dns", "connect", "tls", "ttfb", "total"):  # probe mode: a new connection per request
        assert latency[phase]["samples"] == 8, phase
    assert latency["ttfb"]["p50"] >= 30  # the injected delay is a floor
    assert latency["ttfb"]["p50"] >= latency["tls"]["p50"]  # ttfb counts from the start, set-up included
    assert latency["total"]["max"] >= latency["total"]["p99"] >= latency["total"]["p95"] >= latency["total"]["p50"]


def test_plain_http_site_over_http11_without_cdn(sites):
    report = assess_report(url=sites["http"] + "/plain/h1?ms=20", requests=6, concurrency=3)
    assert report["http_version"] == "HTTP/1.1"
    assert report["tls_version"] is None and report["tls_cipher"] is None
    assert report["cdn"] is None
    assert report["compression"] == []
    assert report["cache"]["hits"] == 0
    assert report["https_redirect"] is False
    assert report["latency_ms"]["tls"]["samples"] == 0
    assert report["latency_ms"]["ttfb"]["p50"] >= 20
    assert {f["metric"]: f["verdict"] for f in report["findings"]}["cdn"] == "poor"


def test_cloudfront_cache_behaviour(sites):
    report = assess_report(url=sites["http"] + "/cloudfront/a", requests=3, concurrency=1)
    assert report["cdn"] == "cloudfront"
    assert (report["cache"]["first"], report["cache"]["repeat"]) == ("miss", "hit")


def test_http_url_redirecting_to_https_is_detected(sites):
    report = assess_report(url=sites["http"] + "/to-https", requests=2, concurrency=1)
    assert report["https_redirect"] is True
    assert report["status_codes"] == {"301": 2} and report["errors"] == 0


def test_constant_rate_latency_includes_queueing_on_a_slow_server(sites):
    """The server answers one request at a time in 50 ms (20/s); 40/s for 1 s builds a queue. Request i cannot end
    before 50 (i + 1) ms after the start, while it was due at 25 i ms: its latency is at least 25 i + 50 ms, so
    p95 (the 38th of 40) is at least 975 ms. A closed loop against the same server sees about 50 ms."""
    report = assess_report(url=sites["http"] + "/slow/rate", rate=40, duration=1.0, concurrency=5)
    assert report["requests"] == 40 and report["errors"] == 0
    assert report["mode"] == "rate"
    assert report["latency_ms"]["total"]["p95"] >= 975
    assert report["latency_ms"]["total"]["max"] >= 1025
    assert report["latency_ms"]["queue"]["samples"] == 40
    closed = assess_report(url=sites["http"] + "/slow/closed", requests=5, concurrency=1)
    assert 50 <= closed["latency_ms"]["total"]["p50"] < report["latency_ms"]["total"]["p95"]


def test_rate_mode_reuses_connections(sites):
    report = assess_report(
        url=sites["https"] + "/plain/reuse", rate=20, duration=0.5, concurrency=1, ca_bundle=sites["ca"]
    )
    assert report["requests"] == 10
    assert report["latency_ms"]["tls"]["samples"] == 1  # one HTTP/2 connection for all requests
    assert report["latency_ms"]["ttfb"]["samples"] == 10


def test_failed_requests_of_a_reachable_site_are_counted(sites):
    report = assess_report(url=sites["http"] + "/flaky", requests=9, concurrency=1)
    # the inspection's 5 requests come first: the server's 6th, 9th, 12th... requests answer 503
    assert report["status_codes"] == {"200": 6, "503": 3}
    assert report["errors"] == 3 and report["error_rate"] == pytest.approx(1 / 3, abs=1e-6)


def test_stop_before_the_run_reports_no_requests(sites):
    stop = asyncio.Event()
    stop.set()
    report = asyncio.run(run.run_assessment(run.AssessOptions(url=sites["http"] + "/plain/stop", rate=10, duration=5),
                                               stop=stop))
    assert report["interrupted"] is True and report["requests"] == 0

"""rollout.live.assess: the pure decisions by tables of cases, the measurement against local HTTP/1.1 and HTTP/2 sites."""

from __future__ import annotations

import asyncio

import pytest
import trustme

from rollout.errors import UserError
from rollout.live import assess
from rollout.live.assess import AssessOptions, Sample
from tests.rollout.assess_servers import SiteApp, free_port, running

# ------------------------------------------------------------------------------------------- pure decisions


@pytest.mark.parametrize(("values", "p", "expected"), [
    ([5.0], 50, 5.0), ([5.0], 99, 5.0),
    (list(map(float, range(1, 11))), 50, 5.0),   # ceil(0.5 * 10) = 5th
    (list(map(float, range(1, 11))), 90, 9.0),
    (list(map(float, range(1, 11))), 95, 10.0),  # ceil(9.5) = 10th
    (list(map(float, range(1, 101))), 95, 95.0),
    (list(map(float, range(1, 101))), 99, 99.0),
    ([1.0, 2.0, 3.0], 50, 2.0),
])
def test_percentile_is_nearest_rank(values, p, expected):
    assert assess.percentile(values, p) == expected


def test_distribution_ignores_missing_values_and_counts_samples():
    assert assess.distribution([3.0, None, 1.0, 2.0]) == {
        "p50": 2.0, "p90": 3.0, "p95": 3.0, "p99": 3.0, "max": 3.0, "samples": 3}
    assert assess.distribution([]) == {"p50": None, "p90": None, "p95": None, "p99": None, "max": None, "samples": 0}


def test_summarize_counts_errors_status_codes_and_error_kinds():
    samples = [Sample(status=200, ttfb=10, total=12), Sample(status=503, ttfb=5, total=6),
               Sample(error="timeout", message="ReadTimeout: x"), Sample(status=200, ttfb=30, total=31)]
    summary = assess.summarize(samples, queueing=False)
    assert (summary["requests"], summary["errors"], summary["error_rate"]) == (4, 2, 0.5)
    assert summary["status_codes"] == {"200": 2, "503": 1}
    assert summary["error_kinds"] == {"timeout": 1}
    assert summary["latency_ms"]["ttfb"]["samples"] == 3
    assert "queue" not in summary["latency_ms"]


@pytest.mark.parametrize(("headers", "cdn"), [
    ({"cf-ray": "8a-SIN", "cf-cache-status": "HIT"}, "cloudflare"),
    ({"Server": "cloudflare"}, "cloudflare"),
    ({"X-Cache": "Hit from cloudfront", "X-Amz-Cf-Pop": "SIN2-P1"}, "cloudfront"),
    ({"via": "1.1 abc.cloudfront.net (CloudFront)"}, "cloudfront"),
    ({"x-served-by": "cache-sin-1", "x-fastly-request-id": "1"}, "fastly"),
    ({"server": "AkamaiGHost"}, "akamai"),
    ({"x-vercel-cache": "HIT"}, "vercel"),
    ({"server": "nginx", "x-cache": "HIT"}, None),
    ({}, None),
])
def test_detect_cdn(headers, cdn):
    assert assess.detect_cdn(headers) == cdn


@pytest.mark.parametrize(("headers", "status"), [
    ({"cf-cache-status": "HIT"}, "hit"), ({"cf-cache-status": "MISS"}, "miss"),
    ({"cf-cache-status": "DYNAMIC"}, "dynamic"), ({"cf-cache-status": "EXPIRED"}, "miss"),
    ({"x-cache": "Hit from cloudfront"}, "hit"), ({"x-cache": "Miss from cloudfront"}, "miss"),
    ({"x-cache": "RefreshHit from cloudfront"}, "hit"), ({"x-cache": "MISS, HIT"}, "hit"),
    ({"age": "120"}, "hit"), ({"age": "0"}, None), ({}, None),
])
def test_cache_status(headers, status):
    assert assess.cache_status(headers) == status


@pytest.mark.parametrize(("alt_svc", "advertised"), [
    ('h3=":443"; ma=86400', True), ('h3-29=":443", h2=":443"', True), ('h2=":443"', False), (None, False),
    ('quic=":443"', False),
])
def test_http3_advertised(alt_svc, advertised):
    assert assess.http3_advertised(alt_svc) is advertised


@pytest.mark.parametrize(("expression", "metric", "op", "value"), [
    ("p95<300", "total.p95", "<", 300.0), ("p(99) <= 800", "total.p99", "<=", 800.0),
    ("ttfb.p50<800", "ttfb.p50", "<", 800.0), ("tls_max<50", "tls.max", "<", 50.0),
    ("error_rate<0.01", "error_rate", "<", 0.01), ("queue.p95>=1.5", "queue.p95", ">=", 1.5),
])
def test_parse_threshold(expression, metric, op, value):
    threshold = assess.parse_threshold(expression)
    assert (threshold.metric, threshold.op, threshold.value) == (metric, op, value)


@pytest.mark.parametrize("expression", ["p97<3", "p95", "p95<abc", "latency<3", "ttfb.error_rate<0.1", ""])
def test_parse_threshold_rejects_what_it_does_not_understand(expression):
    with pytest.raises(UserError, match="--threshold"):
        assess.parse_threshold(expression)


def test_evaluate_thresholds_against_a_report():
    report = {"error_rate": 0.02, "latency_ms": {"total": {"p95": 250.0}, "ttfb": {"p99": None}}}
    results = assess.evaluate_thresholds(report, [assess.parse_threshold(t) for t in
                                                  ("p95<300", "error_rate<0.01", "ttfb.p99<800", "p95>=250")])
    assert [r["passed"] for r in results] == [True, False, False, True]  # an unmeasured value does not pass


def _report(**changes):
    report = {
        "mode": "probe", "scheme": "https", "error_rate": 0.0, "cdn": "cloudflare", "http_version": "HTTP/2",
        "http3_advertised": True, "compression": ["br", "gzip"], "tls_version": "TLSv1.3", "cert_expiry_days": 80,
        "hsts": "max-age=1", "https_redirect": True, "cache": {"hits": 3, "hit_ratio": 0.75},
        "latency_ms": {"ttfb": {"p50": 120.0}, "total": {"p95": 200.0}},
    }
    report.update(changes)
    return report


def _verdicts(report, **kwargs):
    return {f.metric: (f.verdict, f.phase) for f in assess.findings(report, **kwargs)}


def test_findings_all_good_for_a_ready_site():
    verdicts = _verdicts(_report())
    assert {verdict for verdict, _ in verdicts.values()} == {"good"}
    assert set(verdicts) == {"ttfb_p50_ms", "total_p95_ms", "error_rate", "cdn", "cache_hit_ratio", "http_version",
                             "http3_advertised", "compression", "tls_version", "cert_expiry_days", "hsts",
                             "https_redirect"}


def test_findings_name_the_phase_that_fixes_each_problem():
    report = _report(cdn=None, cache={"hits": 0, "hit_ratio": 0.0}, http_version="HTTP/1.1", compression=[],
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


@pytest.mark.parametrize(("ttfb", "verdict"), [(800.0, "good"), (800.1, "needs-improvement"), (1800.0, "needs-improvement"),
                                               (1800.1, "poor"), (None, "unknown")])
def test_ttfb_uses_web_vitals_bands(ttfb, verdict):
    report = _report(latency_ms={"ttfb": {"p50": ttfb}, "total": {"p95": 1.0}})
    assert _verdicts(report)["ttfb_p50_ms"][0] == verdict


def test_p95_target_is_configurable():
    report = _report(latency_ms={"ttfb": {"p50": 1.0}, "total": {"p95": 450.0}})
    assert _verdicts(report)["total_p95_ms"][0] == "poor"
    assert _verdicts(report, p95_target_ms=500)["total_p95_ms"][0] == "good"


def test_plain_http_site_gets_a_tls_finding():
    verdicts = _verdicts(_report(scheme="http", tls_version=None, https_redirect=False))
    assert verdicts["tls_version"] == ("poor", "2")
    assert verdicts["https_redirect"] == ("poor", "2")
    assert "hsts" not in verdicts


def test_compare_reports_numeric_changes_and_changed_values():
    before = _report(latency_ms={"ttfb": {"p50": 400.0, "p95": 900.0}, "total": {"p50": 500.0, "p95": 1000.0, "p99": 1200.0}},
                     cdn=None)
    after = _report(latency_ms={"ttfb": {"p50": 100.0, "p95": 200.0}, "total": {"p50": 150.0, "p95": 250.0, "p99": 300.0}})
    rows = {row["metric"]: row for row in assess.compare(before, after)}
    assert rows["total p95 ms"]["change"] == -750.0
    assert rows["total p95 ms"]["change_pct"] == -75.0
    assert (rows["cdn"]["before"], rows["cdn"]["after"], rows["cdn"]["change"]) == (None, "cloudflare", None)
    assert rows["error rate"]["change_pct"] is None  # 0 before: no percentage


@pytest.mark.parametrize(("text", "message"), [("{", "not JSON"), ("[]", "not a baseline"), ('{"url": "x"}', "not a baseline")])
def test_load_baseline_rejects_other_files(text, message):
    with pytest.raises(UserError, match=message):
        assess.load_baseline(text, "old.json")


@pytest.mark.parametrize(("url", "message"), [
    ("ftp://example.com/", "must start with http"), ("example.com", "must start with http"),
    ("https:///path", "has no host"), ("http://example.com:99999/", "invalid port"), ("", "must start with http"),
])
def test_parse_target_rejects_non_http_urls(url, message):
    with pytest.raises(UserError, match=message):
        assess.parse_target(url)


def test_parse_target_normalises():
    assert assess.parse_target(" HTTPS://Example.com?q=1#top ") == "https://Example.com/?q=1"
    assert assess.plain_http_url("https://shop.example.vn:8443/a?b=1") == "http://shop.example.vn/a?b=1"


# ------------------------------------------------------------------------------------------- live measurement


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """An HTTPS (HTTP/2) site with a trustme certificate and a plain HTTP/1.1 site, both on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("tls")
    ca = trustme.CA()
    ca.issue_cert("127.0.0.1", "localhost").private_key_and_cert_chain_pem.write_to_path(folder / "server.pem")
    ca.cert_pem.write_to_path(folder / "ca.pem")
    with running(SiteApp(slow_ms=50), certfile=str(folder / "server.pem")) as https_base:
        with running(SiteApp(https_url=https_base + "/", slow_ms=50)) as http_base:
            yield {"https": https_base, "http": http_base, "ca": str(folder / "ca.pem")}


def _assess(**options):
    return asyncio.run(assess.run_assessment(AssessOptions(**options), stop=asyncio.Event()))


def test_https_site_over_http2_behind_cloudflare(sites):
    report = _assess(url=sites["https"] + "/cf/h2?ms=30", requests=8, concurrency=2, ca_bundle=sites["ca"],
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
    report = _assess(url=sites["http"] + "/plain/h1?ms=20", requests=6, concurrency=3)
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
    report = _assess(url=sites["http"] + "/cloudfront/a", requests=3, concurrency=1)
    assert report["cdn"] == "cloudfront"
    assert (report["cache"]["first"], report["cache"]["repeat"]) == ("miss", "hit")


def test_http_url_redirecting_to_https_is_detected(sites):
    report = _assess(url=sites["http"] + "/to-https", requests=2, concurrency=1)
    assert report["https_redirect"] is True
    assert report["status_codes"] == {"301": 2} and report["errors"] == 0


def test_constant_rate_latency_includes_queueing_on_a_slow_server(sites):
    """The server answers one request at a time in 50 ms (20/s); 40/s for 1 s builds a queue. Request i cannot end
    before 50 (i + 1) ms after the start, while it was due at 25 i ms: its latency is at least 25 i + 50 ms, so
    p95 (the 38th of 40) is at least 975 ms. A closed loop against the same server sees about 50 ms."""
    report = _assess(url=sites["http"] + "/slow/rate", rate=40, duration=1.0, concurrency=5)
    assert report["requests"] == 40 and report["errors"] == 0
    assert report["mode"] == "rate"
    assert report["latency_ms"]["total"]["p95"] >= 975
    assert report["latency_ms"]["total"]["max"] >= 1025
    assert report["latency_ms"]["queue"]["samples"] == 40
    closed = _assess(url=sites["http"] + "/slow/closed", requests=5, concurrency=1)
    assert 50 <= closed["latency_ms"]["total"]["p50"] < report["latency_ms"]["total"]["p95"]


def test_rate_mode_reuses_connections(sites):
    report = _assess(url=sites["https"] + "/plain/reuse", rate=20, duration=0.5, concurrency=1, ca_bundle=sites["ca"])
    assert report["requests"] == 10
    assert report["latency_ms"]["tls"]["samples"] == 1  # one HTTP/2 connection for all requests
    assert report["latency_ms"]["ttfb"]["samples"] == 10


def test_failed_requests_of_a_reachable_site_are_counted(sites):
    report = _assess(url=sites["http"] + "/flaky", requests=9, concurrency=1)
    # the inspection's 5 requests come first: the server's 6th, 9th, 12th... requests answer 503
    assert report["status_codes"] == {"200": 6, "503": 3}
    assert report["errors"] == 3 and report["error_rate"] == pytest.approx(1 / 3, abs=1e-6)


def test_stop_before_the_run_reports_no_requests(sites):
    stop = asyncio.Event()
    stop.set()
    report = asyncio.run(assess.run_assessment(AssessOptions(url=sites["http"] + "/plain/stop", rate=10, duration=5),
                                               stop=stop))
    assert report["interrupted"] is True and report["requests"] == 0


@pytest.mark.parametrize(("url_of", "kind", "message"), [
    (lambda s: f"http://127.0.0.1:{free_port()}/", "connect", "Connection refused"),
    (lambda s: "http://no-such-host.invalid/", "dns", "cannot resolve no-such-host.invalid"),
    (lambda s: s["https"] + "/plain/tls", "tls", "CERTIFICATE_VERIFY_FAILED"),
])
def test_unreachable_sites_fail_with_one_line(sites, url_of, kind, message):
    async def one():
        async with assess.make_client(assess.ssl_context(None), concurrency=1, timeout=5) as client:
            return await assess.measure(client, url_of(sites))

    sample, _ = asyncio.run(one())
    assert sample.error == kind and message in sample.message and "\n" not in sample.message
    with pytest.raises(UserError, match=message):
        _assess(url=url_of(sites), requests=1)

"""Measure a live site's speed and readiness (phase 1's baseline) and judge it against the roadmap's targets.

Timings per request come from httpx's `trace` extension (TLS handshake, response headers) and from a network
backend that resolves names itself, so DNS and TCP connect are measured apart (httpx's own connect event covers
both). TTFB is measured like curl's `time_starttransfer` and the web-vitals TTFB: from the request's start
(its intended start under a constant arrival rate) to the first response byte, so it includes DNS, connect and
TLS when the request opened a connection. `total` runs to the last body byte.

Percentiles are exact, by the nearest-rank method: p95 of n samples is the ceil(0.95 n)-th smallest, a value that
was actually measured.

The decisions (percentiles, CDN and cache detection, verdicts, thresholds, comparison) are pure functions; the
HTTP work is in `measure`, `inspect_site` and `run_assessment`.
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from rollout.errors import UserError

PERCENTILES = (50, 90, 95, 99)
PHASES = ("dns", "connect", "tls", "ttfb", "total")
PERCENTILE_METHOD = "nearest-rank"

# web-vitals TTFB bands (https://web.dev/articles/ttfb): good <= 0.8 s, poor > 1.8 s. Measured here in the lab.
TTFB_GOOD_MS = 800.0
TTFB_POOR_MS = 1800.0
DEFAULT_P95_TARGET_MS = 300.0
CERT_EXPIRY_WARN_DAYS = 14
ENCODINGS = ("br", "gzip", "zstd")
USER_AGENT = "sme-rollout-assess/0.1 (+rollout assess)"


# ---------------------------------------------------------------------------------------------------- samples


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
    queue: float | None = None        # constant rate only: from the intended start to the actual send (incl. waiting for a free connection)
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


# ---------------------------------------------------------------------------------------------------- headers


def detect_cdn(headers: Mapping[str, str]) -> str | None:
    """Which CDN served the response, from the headers each one adds; None when none is recognised."""
    h = {k.lower(): v for k, v in headers.items()}
    server = h.get("server", "").lower()
    via = h.get("via", "").lower()
    x_cache = h.get("x-cache", "").lower()
    if "cf-ray" in h or "cf-cache-status" in h or server == "cloudflare":
        return "cloudflare"
    if "x-amz-cf-pop" in h or "x-amz-cf-id" in h or "cloudfront" in x_cache or "cloudfront" in via:
        return "cloudfront"
    if "x-served-by" in h and ("x-fastly-request-id" in h or "varnish" in via or "fastly" in h.get("x-served-by", "").lower()):
        return "fastly"
    if "akamai" in server or "x-akamai-transformed" in h or "akamai-grn" in h:
        return "akamai"
    if h.get("x-vercel-cache") or server == "vercel":
        return "vercel"
    if "x-nf-request-id" in h or server == "netlify":
        return "netlify"
    if "x-azure-ref" in h:
        return "azure-front-door"
    if "google" in via or server in ("gse", "google frontend"):
        return "google"
    return None


def cache_status(headers: Mapping[str, str]) -> str | None:
    """'hit', 'miss' or the CDN's other status (e.g. 'dynamic', 'bypass'), None when the response says nothing."""
    h = {k.lower(): v for k, v in headers.items()}
    for name in ("cf-cache-status", "x-vercel-cache", "x-nf-cache-status"):
        if name in h:
            return _normalise_cache(h[name])
    if "x-cache" in h:  # CloudFront "Hit from cloudfront", Fastly "HIT, MISS", Varnish "HIT"
        return _normalise_cache(h["x-cache"].split(",")[-1].split()[0] if h["x-cache"].strip() else "")
    if "age" in h and h["age"].strip().isdigit():
        return "hit" if int(h["age"]) > 0 else None
    return None


def _normalise_cache(value: str) -> str:
    word = value.strip().lower()
    if word in ("hit", "stale", "revalidated", "updating", "refreshhit"):
        return "hit"
    if word in ("miss", "expired"):
        return "miss"
    return word or "unknown"


def http3_advertised(alt_svc: str | None) -> bool:
    """True when Alt-Svc offers HTTP/3 (h3 or a draft, e.g. h3-29)."""
    return bool(alt_svc) and re.search(r'(^|[\s,])h3(-\d+)?=', alt_svc) is not None


def cert_days_left(not_after: str | None, now: float) -> int | None:
    """Whole days until a certificate's notAfter (as `ssl.getpeercert()` spells it)."""
    import ssl

    if not not_after:
        return None
    return math.floor((ssl.cert_time_to_seconds(not_after) - now) / 86400)


# ---------------------------------------------------------------------------------------------------- verdicts


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
    result.append(Finding("http_version", version, "HTTP/2 or newer",
                          "unknown" if version is None else ("good" if version in ("HTTP/2", "HTTP/3") else "poor"), "2"))
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


# ---------------------------------------------------------------------------------------------------- thresholds

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


# ---------------------------------------------------------------------------------------------------- comparison

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


# ---------------------------------------------------------------------------------------------------- targets


def parse_target(url: str) -> str:
    """The URL to probe, normalised; raises UserError unless it is an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url.strip())
    except ValueError as error:  # e.g. an unclosed [IPv6] bracket
        raise UserError(f"URL {url!r}: not a valid URL ({error})") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise UserError(f"URL {url!r}: must start with http:// or https://")
    try:
        port = parts.port
    except ValueError:
        raise UserError(f"URL {url!r}: invalid port") from None
    if not parts.hostname:
        raise UserError(f"URL {url!r}: has no host")
    del port
    return urlunsplit((parts.scheme.lower(), parts.netloc, parts.path or "/", parts.query, ""))


def plain_http_url(url: str) -> str:
    """The http:// twin of an https URL on the default port, where a redirect to https is expected."""
    parts = urlsplit(url)
    host = parts.hostname if ":" not in (parts.hostname or "") else f"[{parts.hostname}]"
    return urlunsplit(("http", host, parts.path or "/", parts.query, ""))


# ---------------------------------------------------------------------------------------------------- HTTP

_CONNECTION_TIMINGS: ContextVar[dict[str, float] | None] = ContextVar("connection_timings", default=None)


def _timed_backend():
    """An httpcore network backend that resolves names itself (timed) and tries each address in turn (timed)."""
    import socket

    import anyio
    import httpcore

    class TimedBackend(httpcore.AsyncNetworkBackend):
        def __init__(self) -> None:
            self._inner = httpcore.AnyIOBackend()

        async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
            timings = _CONNECTION_TIMINGS.get()
            started = time.perf_counter()
            try:
                with anyio.fail_after(timeout):
                    addresses = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except socket.gaierror as error:
                raise _resolve_failed(httpcore.ConnectError(f"cannot resolve {host}: {error.strerror}")) from None
            except TimeoutError:
                raise _resolve_failed(httpcore.ConnectTimeout(f"resolving {host} took over {timeout:g} s")) from None
            resolved = time.perf_counter()
            last_error: Exception | None = None
            for *_, address in addresses:
                try:
                    stream = await self._inner.connect_tcp(address[0], port, timeout, local_address, socket_options)
                except httpcore.ConnectTimeout as error:
                    last_error = error
                    continue
                except httpcore.ConnectError as error:
                    last_error = httpcore.ConnectError(f"cannot connect to {host} port {port}: {_os_reason(error)}")
                    continue
                if timings is not None:
                    timings["dns"] = (resolved - started) * 1000
                    timings["connect"] = (time.perf_counter() - resolved) * 1000
                return stream
            raise last_error  # type: ignore[misc]

        async def connect_unix_socket(self, path, timeout=None, socket_options=None):
            return await self._inner.connect_unix_socket(path, timeout, socket_options)

        async def sleep(self, seconds: float) -> None:
            await self._inner.sleep(seconds)

    return TimedBackend()


def ssl_context(ca_bundle: str | None = None):
    """The TLS context for every request of a run (made once: loading CA certificates costs milliseconds).

    Trusts `ca_bundle` when given, else the certifi bundle that httpx uses by default.
    """
    import ssl

    import certifi

    try:
        return ssl.create_default_context(cafile=ca_bundle or certifi.where())
    except (ssl.SSLError, OSError) as error:
        reason = getattr(error, "reason", None) or getattr(error, "strerror", None) or error
        raise UserError(f"--ca-bundle {ca_bundle}: not a readable PEM file of CA certificates ({reason})") from None


def _resolve_failed(error: Exception) -> Exception:
    """Mark a connection error as a name-resolution failure (httpx wraps it; `_classify` finds the mark)."""
    error.rollout_dns_failed = True  # type: ignore[attr-defined]
    return error


def _os_reason(error: BaseException) -> str:
    """The operating system's words for why a connection failed (e.g. 'Connection refused')."""
    import os

    seen = error
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno:
            return os.strerror(seen.errno)
        seen = seen.__cause__ or seen.__context__
    return str(error) or type(error).__name__


def make_client(tls, *, http2: bool = True, keep_alive: bool = True, concurrency: int = 10, timeout: float = 10.0):
    """An httpx client that measures: HTTP/2 via ALPN, no proxies, no redirects, the timed network backend."""
    import httpcore
    import httpx

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency if keep_alive else 0)
    transport = httpx.AsyncHTTPTransport(http2=http2, verify=tls, limits=limits)
    pool = getattr(transport, "_pool", None)
    if not isinstance(pool, httpcore.AsyncConnectionPool):  # httpx has no public hook for the network backend
        raise RuntimeError("this httpx version does not expose its connection pool; cannot time DNS and connect")
    pool._network_backend = _timed_backend()
    return httpx.AsyncClient(transport=transport, timeout=timeout, follow_redirects=False, trust_env=False,
                             headers={"user-agent": USER_AGENT})


@dataclass
class Observed:
    """What one response showed beyond its timings (kept for the inspection requests only)."""

    headers: dict[str, str] = field(default_factory=dict)
    tls_version: str | None = None
    tls_cipher: str | None = None
    cert_not_after: str | None = None


async def measure(client, url: str, *, intended_start: float | None = None,
                  headers: Mapping[str, str] | None = None, observe: bool = False) -> tuple[Sample, Observed | None]:
    """Send one GET and time it. Never raises for network errors: they come back as the sample's `error`."""
    import httpx

    events: dict[str, float] = {}
    timings: dict[str, float] = {}

    async def trace(name: str, info: Mapping[str, Any]) -> None:
        events.setdefault(name, time.perf_counter())

    token = _CONNECTION_TIMINGS.set(timings)
    started = time.perf_counter()
    origin = intended_start if intended_start is not None else started
    sample = Sample(queue=None if intended_start is None else max(0.0, (started - intended_start) * 1000))
    observed = None
    try:
        request = client.build_request("GET", url, headers=headers, extensions={"trace": trace})
        response = await client.send(request, stream=True)
        try:
            first_byte = next((events[e] for e in ("http11.receive_response_headers.complete",
                                                   "http2.receive_response_headers.complete") if e in events),
                              time.perf_counter())
            async for _ in response.aiter_raw():
                pass
        finally:
            await response.aclose()
        finished = time.perf_counter()
        sample.status = response.status_code
        sample.http_version = response.http_version
        sample.ttfb = (first_byte - origin) * 1000
        sample.total = (finished - origin) * 1000
        sample.cache = cache_status(response.headers)
        if observe:
            observed = _observe(response)
    except httpx.HTTPError as error:
        sample.error, sample.message = _classify(error, events)
    finally:
        _CONNECTION_TIMINGS.reset(token)
    sample.dns = timings.get("dns")
    sample.connect = timings.get("connect")
    if "connection.start_tls.complete" in events:
        sample.tls = (events["connection.start_tls.complete"] - events["connection.start_tls.started"]) * 1000
    return sample, observed


def _observe(response) -> Observed:
    observed = Observed(headers={k.lower(): v for k, v in response.headers.items()})
    stream = response.extensions.get("network_stream")
    ssl_object = stream.get_extra_info("ssl_object") if stream is not None else None
    if ssl_object is not None:
        observed.tls_version = ssl_object.version()
        cipher = ssl_object.cipher()
        observed.tls_cipher = cipher[0] if cipher else None
        observed.cert_not_after = (ssl_object.getpeercert() or {}).get("notAfter")
    return observed


def _classify(error: Exception, events: Mapping[str, float]) -> tuple[str, str]:
    """(kind, one-line message) of a failed request: dns, connect, tls, timeout or protocol."""
    import httpx

    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if _caused_by_dns_failure(error):
        return "dns", text
    if "connection.start_tls.started" in events and "connection.start_tls.complete" not in events:
        return "tls", f"TLS handshake failed: {text}"
    if isinstance(error, httpx.TimeoutException):
        return "timeout", f"{type(error).__name__}: {text}"
    if isinstance(error, httpx.ConnectError):
        return "connect", text
    return "protocol", f"{type(error).__name__}: {text}"


def _caused_by_dns_failure(error: BaseException) -> bool:
    seen: BaseException | None = error
    for _ in range(10):  # the chain is short: httpx error <- httpcore error
        if seen is None:
            return False
        if getattr(seen, "rollout_dns_failed", False):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


async def inspect_site(client, url: str, *, http_url: str | None = None) -> dict[str, Any]:
    """Protocol, TLS, certificate, HSTS, CDN, cache on repeat, compression offered and the http→https redirect.

    Raises UserError when the site cannot be reached at all (unresolvable, refused, TLS failure, timeout).
    """
    first, seen = await measure(client, url, observe=True)
    if first.error is not None:
        raise UserError(f"{url}: {first.message}")
    assert seen is not None
    repeat, _ = await measure(client, url)
    offered = []
    for encoding in ENCODINGS:
        _, encoded = await measure(client, url, headers={"accept-encoding": encoding}, observe=True)
        if encoded is not None and encoded.headers.get("content-encoding", "").strip().lower() == encoding:
            offered.append(encoding)
    scheme = urlsplit(url).scheme
    if scheme == "http":
        redirect = _redirects_to_https(first.status, seen.headers)
    else:
        plain_sample, plain = await measure(client, http_url or plain_http_url(url), observe=True)
        redirect = None if plain is None else _redirects_to_https(plain_sample.status, plain.headers)
    alt_svc = seen.headers.get("alt-svc")
    return {
        "scheme": scheme,
        "http_version": first.http_version,
        "http3_advertised": http3_advertised(alt_svc),
        "alt_svc": alt_svc,
        "tls_version": seen.tls_version,
        "tls_cipher": seen.tls_cipher,
        "cert_expiry_days": cert_days_left(seen.cert_not_after, time.time()),
        "hsts": seen.headers.get("strict-transport-security"),
        "https_redirect": redirect,
        "cdn": detect_cdn(seen.headers),
        "cache_first": first.cache,
        "cache_repeat": repeat.cache,
        "cache_control": seen.headers.get("cache-control"),
        "age": seen.headers.get("age"),
        "compression": offered,
        "server": seen.headers.get("server"),
    }


def _redirects_to_https(status: int | None, headers: Mapping[str, str]) -> bool:
    location = headers.get("location", "")
    return status is not None and 300 <= status < 400 and location.lower().startswith("https://")


# ---------------------------------------------------------------------------------------------------- a whole run


@dataclass(frozen=True)
class AssessOptions:
    """What to measure and how much traffic to send (validated by the CLI before use)."""

    url: str
    requests: int = 20
    concurrency: int = 2
    rate: float | None = None
    duration: float = 10.0
    timeout: float = 10.0
    ca_bundle: str | None = None
    http_url: str | None = None
    p95_target_ms: float = DEFAULT_P95_TARGET_MS


async def run_assessment(options: AssessOptions, *, stop, on_start: Callable[[int], Any] | None = None,
                         on_sample: Callable[[Sample], Any] | None = None) -> dict[str, Any]:
    """Inspect the site, send the traffic (closed loop or constant rate) and return the report with findings.

    Probe mode (no rate) opens a new connection per request so every sample has DNS, connect and TLS; rate mode
    keeps connections alive, as browsers and load tools do, and times connection set-up where it happens.
    """
    from rollout.live import load

    tls = ssl_context(options.ca_bundle)
    async with make_client(tls, concurrency=2, timeout=options.timeout) as client:
        site = await inspect_site(client, options.url, http_url=options.http_url)
    rate_mode = options.rate is not None
    async with make_client(tls, concurrency=options.concurrency, timeout=options.timeout) as pooled:
        async def send(intended: float | None) -> Sample:
            if intended is not None:
                sample, _ = await measure(pooled, options.url, intended_start=intended)
                return sample
            async with make_client(tls, keep_alive=False, concurrency=1, timeout=options.timeout) as fresh:
                sample, _ = await measure(fresh, options.url)
                return sample

        started = time.perf_counter()
        if rate_mode:
            if on_start:
                on_start(load.planned_requests(options.rate, options.duration))
            samples = await load.run_constant_rate(send, rate=options.rate, duration=options.duration, stop=stop,
                                                   on_sample=on_sample, max_in_flight=options.concurrency)
        else:
            if on_start:
                on_start(options.requests)
            samples = await load.run_closed_loop(send, requests=options.requests, concurrency=options.concurrency,
                                                 stop=stop, on_sample=on_sample)
        elapsed = time.perf_counter() - started
    return build_report(options, site, samples, elapsed=elapsed, interrupted=stop.is_set())


def build_report(options: AssessOptions, site: Mapping[str, Any], samples: list[Sample], *, elapsed: float,
                 interrupted: bool) -> dict[str, Any]:
    """The report document (what `--format json` prints and `--save` writes)."""
    rate_mode = options.rate is not None
    summary = summarize(samples, queueing=rate_mode)
    report: dict[str, Any] = {
        "url": options.url,
        "mode": "rate" if rate_mode else "probe",
        "target_rate": options.rate,
        "achieved_rate": round(len(samples) / elapsed, 3) if elapsed > 0 else None,
        "duration_s": round(elapsed, 3),
        "concurrency": options.concurrency,
        "interrupted": interrupted,
        **summary,
        "percentile_method": PERCENTILE_METHOD,
        **site_fields(site),
        "cache": cache_summary(site, [s.cache for s in samples]),
    }
    report["findings"] = [asdict(f) for f in findings(report, p95_target_ms=options.p95_target_ms)]
    return report


def site_fields(site: Mapping[str, Any]) -> dict[str, Any]:
    """The inspection's fields that go into the report as they are (cache ones are summarised apart)."""
    return {k: v for k, v in site.items() if not k.startswith("cache_") and k != "age"}


def cache_summary(site: Mapping[str, Any], response_statuses: Iterable[str | None]) -> dict[str, Any]:
    """Cache status on the first and the repeated request, and hits/misses over every response seen."""
    statuses = [c for c in (site["cache_first"], site["cache_repeat"], *response_statuses) if c is not None]
    hits = statuses.count("hit")
    return {"first": site["cache_first"], "repeat": site["cache_repeat"], "hits": hits,
            "misses": statuses.count("miss"), "hit_ratio": round(hits / len(statuses), 4) if statuses else None,
            "cache_control": site["cache_control"], "age": site["age"]}


# ---------------------------------------------------------------------------------------------------- output


def render_markdown(report: Mapping[str, Any], comparison: list[dict[str, Any]] | None = None) -> str:
    """The report as Markdown (for a pull request or a ticket)."""
    lines = [f"## Assessment of {report['url']}", "",
             f"{report['requests']} requests ({report['mode']}"
             + (f", target {report['target_rate']:g}/s, achieved {report['achieved_rate']:g}/s" if report["target_rate"] else "")
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

"""The network side: a backend that resolves names itself so DNS and TCP connect are timed apart, TLS
contexts, the httpx client, one timed request (`measure`), the site inspection, and error classification.

Timings per request come from httpx's `trace` extension (TLS handshake, response headers). TTFB is measured like
curl's `time_starttransfer` and the web-vitals TTFB: from the request's start (its intended start under a constant
arrival rate) to the first response byte, so it includes DNS, connect and TLS when the request opened a
connection. `total` runs to the last body byte.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from rollout import __version__
from rollout.errors import ToolError, UserError
from rollout.live.assess.headers import cache_status, cert_days_left, detect_cdn, http3_advertised
from rollout.live.assess.stats import Sample
from rollout.live.assess.targets import plain_http_url

ENCODINGS = ("br", "gzip", "zstd")
USER_AGENT = f"sme-rollout-assess/{__version__} (+rollout assess)"


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
        raise ToolError(f"httpx {httpx.__version__} does not expose its connection pool, so DNS and connect cannot "
                        "be timed: install a supported httpx (pip install 'httpx>=0.28')")
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


def inspect_url(url: str, ca_bundle: str | None, timeout: float) -> dict[str, Any]:
    """The protocol/TLS/CDN/cache inspection of `rollout assess` on its own (a handful of requests)."""
    import asyncio

    async def main() -> dict[str, Any]:
        async with make_client(ssl_context(ca_bundle), concurrency=2, timeout=timeout) as client:
            return await inspect_site(client, url)

    return asyncio.run(main())

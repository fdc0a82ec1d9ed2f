"""Sites on 127.0.0.1 for the assess tests: hypercorn serving HTTP/1.1 over plain TCP and HTTP/2 over TLS (ALPN).

Routes add known delays and the headers real CDNs send, so tests can check what `rollout assess` detects:
  (a route matches every path it prefixes, e.g. /cf/test-1, so a test gets its own cache MISS)
  /cf?ms=N      Cloudflare-like: cf-ray, cf-cache-status MISS on a path's first request then HIT, Age, Alt-Svc h3,
                HSTS, gzip when accepted; sleeps N ms first
  /cloudfront   CloudFront-like: x-cache "Miss from cloudfront" then "Hit from cloudfront", x-amz-cf-pop
  /plain?ms=N   (and any other path) no CDN, no cache headers, no compression, no HSTS
  /slow         handles one request at a time, each taking `slow_ms`: a server that queues
  /flaky        every third request answers 503
  /to-https     301 to `https_url` (the plain server's http→https redirect)
"""

from __future__ import annotations

import asyncio
import gzip
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qs

from hypercorn.asyncio import serve
from hypercorn.config import Config

BODY = b"hello from the assess test site\n" * 64


class SiteApp:
    """A tiny ASGI app whose responses carry known delays and headers."""

    def __init__(self, *, https_url: str = "https://127.0.0.1/", slow_ms: float = 50.0) -> None:
        self.https_url = https_url
        self.slow_ms = slow_ms
        self.seen: Counter[str] = Counter()
        self._slow_lock: asyncio.Lock | None = None

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        path = scope["path"]
        query = parse_qs(scope["query_string"].decode())
        request_headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self.seen[path] += 1
        count = self.seen[path]
        delay_ms = float(query.get("ms", ["0"])[0])
        status, headers, body = 200, [("content-type", "text/plain")], BODY

        if path.startswith("/slow"):
            self._slow_lock = self._slow_lock or asyncio.Lock()
            async with self._slow_lock:
                await asyncio.sleep(self.slow_ms / 1000)
        elif delay_ms:
            await asyncio.sleep(delay_ms / 1000)

        if path.startswith("/cf"):
            headers += [("cf-ray", f"8a{count:06d}-SIN"), ("cf-cache-status", "MISS" if count == 1 else "HIT"),
                        ("cache-control", "public, max-age=60"), ("alt-svc", 'h3=":443"; ma=86400'),
                        ("strict-transport-security", "max-age=31536000; includeSubDomains")]
            if count > 1:
                headers.append(("age", str(count)))
        elif path.startswith("/cloudfront"):
            headers += [("x-cache", "Miss from cloudfront" if count == 1 else "Hit from cloudfront"),
                        ("x-amz-cf-pop", "SIN2-P1"), ("via", "1.1 abc.cloudfront.net (CloudFront)"),
                        ("cache-control", "max-age=300")]
        elif path == "/flaky" and count % 3 == 0:
            status, body = 503, b"busy\n"
        elif path == "/to-https":
            status, body = 301, b""
            headers.append(("location", self.https_url))

        if path.startswith(("/cf", "/cloudfront")) and "gzip" in request_headers.get("accept-encoding", ""):
            body = gzip.compress(body)
            headers.append(("content-encoding", "gzip"))
        headers.append(("content-length", str(len(body))))
        await send({"type": "http.response.start", "status": status,
                    "headers": [(k.encode(), v.encode()) for k, v in headers]})
        await send({"type": "http.response.body", "body": body})


@contextmanager
def running(app, *, certfile: str | None = None) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 (an ephemeral port) in a thread; yields its base URL, e.g. https://127.0.0.1:4711."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(256)
    port = listener.getsockname()[1]
    config = Config()
    config.bind = [f"fd://{listener.detach()}"]
    config.accesslog = None
    config.errorlog = None
    config.graceful_timeout = 0.2
    if certfile:
        config.certfile = config.keyfile = certfile
    loop_box: dict[str, object] = {}
    ready = threading.Event()

    async def main() -> None:
        shutdown = asyncio.Event()
        loop_box["loop"], loop_box["shutdown"] = asyncio.get_running_loop(), shutdown
        ready.set()
        await serve(app, config, shutdown_trigger=shutdown.wait)

    thread = threading.Thread(target=asyncio.run, args=(main(),), daemon=True)
    thread.start()
    ready.wait(5)
    try:
        yield f"{'https' if certfile else 'http'}://127.0.0.1:{port}"
    finally:
        loop_box["loop"].call_soon_threadsafe(loop_box["shutdown"].set)  # type: ignore[attr-defined]
        thread.join(5)


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released), for the refused-connection case."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def assess_report(**options: object) -> dict:
    """A whole `rollout assess` run (no progress, never stopped) with AssessOptions(**options)."""
    from rollout.live.assess.run import AssessOptions, run_assessment

    return asyncio.run(run_assessment(AssessOptions(**options), stop=asyncio.Event()))


def sample_report(**changes: object) -> dict:
    """A report of a ready site (HTTPS, HTTP/2+3, CDN, compression, HSTS, cache hits), changed by `changes`."""
    report = {
        "mode": "probe", "scheme": "https", "error_rate": 0.0, "cdn": "cloudflare", "http_version": "HTTP/2",
        "http3_advertised": True, "compression": ["br", "gzip"], "tls_version": "TLSv1.3", "cert_expiry_days": 80,
        "hsts": "max-age=1", "https_redirect": True, "cache": {"hits": 3, "hit_ratio": 0.75},
        "latency_ms": {"ttfb": {"p50": 120.0}, "total": {"p95": 200.0}},
    }
    report.update(changes)
    return report

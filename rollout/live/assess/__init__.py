"""Measure a live site's speed and readiness (phase 1's baseline) and judge it against the roadmap's targets.

Timings per request come from httpx's `trace` extension (TLS handshake, response headers) and from a network
backend that resolves names itself, so DNS and TCP connect are measured apart (httpx's own connect event covers
both). TTFB is measured like curl's `time_starttransfer` and the web-vitals TTFB: from the request's start
(its intended start under a constant arrival rate) to the first response byte, so it includes DNS, connect and
TLS when the request opened a connection. `total` runs to the last body byte.

Percentiles are exact, by the nearest-rank method: p95 of n samples is the ceil(0.95 n)-th smallest, a value that
was actually measured.

Modules: stats (percentiles, summary), headers (CDN, cache, HTTP/3, certificate), verdicts, thresholds, comparison,
targets (pure functions); network (the timed HTTP backend, `measure`, `inspect_site`) and run (`run_assessment`,
the report). Rendering is in rollout/render/assess.py.
"""

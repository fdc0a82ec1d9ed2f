"""What response headers say: CDN, cache status, HTTP/3."""

from __future__ import annotations

import pytest

from rollout.live.assess import headers as header_rules


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
    assert header_rules.detect_cdn(headers) == cdn


@pytest.mark.parametrize(("headers", "status"), [
    ({"cf-cache-status": "HIT"}, "hit"), ({"cf-cache-status": "MISS"}, "miss"),
    ({"cf-cache-status": "DYNAMIC"}, "dynamic"), ({"cf-cache-status": "EXPIRED"}, "miss"),
    ({"x-cache": "Hit from cloudfront"}, "hit"), ({"x-cache": "Miss from cloudfront"}, "miss"),
    ({"x-cache": "RefreshHit from cloudfront"}, "hit"), ({"x-cache": "MISS, HIT"}, "hit"),
    ({"age": "120"}, "hit"), ({"age": "0"}, None), ({}, None),
])
def test_cache_status(headers, status):
    assert header_rules.cache_status(headers) == status


@pytest.mark.parametrize(("alt_svc", "advertised"), [
    ('h3=":443"; ma=86400', True), ('h3-29=":443", h2=":443"', True), ('h2=":443"', False), (None, False),
    ('quic=":443"', False),
])
def test_http3_advertised(alt_svc, advertised):
    assert header_rules.http3_advertised(alt_svc) is advertised

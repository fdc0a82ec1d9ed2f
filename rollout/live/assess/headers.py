"""What response headers say: which CDN served the response, its cache status, HTTP/3 advertised, and how
long the certificate has left.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping


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
    if "x-served-by" in h and (
        "x-fastly-request-id" in h or "varnish" in via or "fastly" in h.get("x-served-by", "").lower()
    ):
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

"""The URLs assess accepts: http(s) only, normalised; the plain-http twin of a URL.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from rollout.errors import UserError


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

"""Refresh the dated list of Cloudflare's edge ranges that the load balancer admits behind Cloudflare
(`components/data/cloudflare-ips.json` of the program).

Sources: Cloudflare's API (`https://api.cloudflare.com/client/v4/ips`: `{"result": {"ipv4_cidrs": [...],
"ipv6_cidrs": [...]}}`), its text lists (`https://www.cloudflare.com/ips-v4`, `ips-v6`: one CIDR a line), or a
saved copy of either. Every CIDR is parsed (`ipaddress`) and the result must hold IPv4 and IPv6 ranges and none
wider than a /8 (or /16 for IPv6): a broken download must never open the load balancer to the internet.
"""

from __future__ import annotations

import ipaddress
import json
from datetime import date
from typing import Any

from rollout.errors import UserError

API_URL = "https://api.cloudflare.com/client/v4/ips"
WIDEST = {4: 8, 6: 16}


def parse_ranges(text: str, source: str) -> dict[str, list[str]]:
    """IPv4 and IPv6 CIDRs from the API's JSON or a text list (one CIDR a line, both families mixed)."""
    stripped = text.strip()
    cidrs: list[str]
    if stripped.startswith("{"):
        try:
            result = json.loads(stripped).get("result") or {}
            cidrs = [*result.get("ipv4_cidrs", []), *result.get("ipv6_cidrs", [])]
        except (ValueError, AttributeError) as error:
            raise UserError(f"{source}: not Cloudflare's /ips JSON ({error})") from None
    else:
        cidrs = [line.strip() for line in stripped.splitlines() if line.strip() and not line.startswith("#")]
    ranges: dict[str, list[str]] = {"ipv4": [], "ipv6": []}
    for cidr in cidrs:
        try:
            network = ipaddress.ip_network(str(cidr), strict=True)
        except ValueError:
            raise UserError(f"{source}: {cidr!r} is not a CIDR block") from None
        if network.prefixlen < WIDEST[network.version]:
            raise UserError(f"{source}: {cidr} is wider than /{WIDEST[network.version]}: refusing to admit it")
        ranges[f"ipv{network.version}"].append(str(network))
    return ranges


def merge(current: dict[str, Any], fetched: list[dict[str, list[str]]], source: str, today: date) -> dict[str, Any]:
    """The data file with the fetched ranges (both families required) and today's date."""
    ranges = {
        family: sorted({c for part in fetched for c in part[family]}, key=_sort_key) for family in ("ipv4", "ipv6")
    }
    missing = [family for family, cidrs in ranges.items() if not cidrs]
    if missing:
        raise UserError(
            f"{source}: holds no {' and no '.join(missing)} ranges (give both ips-v4 and ips-v6, or the API)"
        )
    return {**current, "source": source, "as_of": today.isoformat(), **ranges}


def _sort_key(cidr: str) -> tuple[int, int, int]:
    network = ipaddress.ip_network(cidr)
    return network.version, int(network.network_address), network.prefixlen


def read_source(source: str) -> str:
    """A file's text, or an HTTPS URL's body (bounded time, redirects followed)."""
    if source.startswith(("https://", "http://")):
        import httpx

        try:
            with httpx.Client(timeout=30, follow_redirects=True) as client:
                response = client.get(source)
                response.raise_for_status()
                return response.text
        except httpx.HTTPStatusError as error:
            raise UserError(f"--from {source}: HTTP {error.response.status_code}") from None
        except httpx.HTTPError as error:
            raise UserError(f"--from {source}: {error}") from None
    from pathlib import Path

    try:
        return Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"--from {source}: cannot read it ({error})") from None

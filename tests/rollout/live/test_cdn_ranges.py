"""Cloudflare ranges refresh: both source shapes parse; nothing too wide or half a list is ever written."""

from __future__ import annotations

import json
from datetime import date

import pytest

from rollout.errors import UserError
from rollout.live.cdn_ranges import merge, parse_ranges, read_source

API = json.dumps({"result": {"ipv4_cidrs": ["173.245.48.0/20", "103.21.244.0/22"],
                             "ipv6_cidrs": ["2400:cb00::/32"]}, "success": True})


def test_the_api_json_and_the_text_lists_parse():
    assert parse_ranges(API, "api") == {"ipv4": ["173.245.48.0/20", "103.21.244.0/22"], "ipv6": ["2400:cb00::/32"]}
    assert parse_ranges("173.245.48.0/20\n2606:4700::/32\n", "list") == {"ipv4": ["173.245.48.0/20"],
                                                                         "ipv6": ["2606:4700::/32"]}


@pytest.mark.parametrize(("text", "message"), [
    ("0.0.0.0/0\n", "wider than /8"),
    ("::/0\n", "wider than /16"),
    ("<html>error</html>\n", "is not a CIDR block"),
    ("173.245.48.1/20\n", "is not a CIDR block"),  # host bits set: not what Cloudflare publishes
    ('{"result": 3}', "not Cloudflare's /ips JSON"),
])
def test_a_broken_source_is_refused(text, message):
    with pytest.raises(UserError, match=message):
        parse_ranges(text, "src")


def test_merge_needs_both_families_and_dates_the_file():
    current = {"note": "kept", "as_of": "2020-01-01", "ipv4": ["1.0.0.0/24"], "ipv6": []}
    merged = merge(current, [parse_ranges(API, "api")], "api", date(2026, 12, 1))
    assert merged["as_of"] == "2026-12-01" and merged["note"] == "kept" and merged["source"] == "api"
    assert merged["ipv4"] == ["103.21.244.0/22", "173.245.48.0/20"]
    with pytest.raises(UserError, match="no ipv6"):
        merge(current, [parse_ranges("173.245.48.0/20\n", "v4")], "v4", date(2026, 12, 1))


def test_read_source_from_a_local_server(httpserver):
    httpserver.expect_request("/client/v4/ips").respond_with_data(API, content_type="application/json")
    assert read_source(httpserver.url_for("/client/v4/ips")) == API
    httpserver.expect_request("/missing").respond_with_data("no", status=404)
    with pytest.raises(UserError, match="HTTP 404"):
        read_source(httpserver.url_for("/missing"))

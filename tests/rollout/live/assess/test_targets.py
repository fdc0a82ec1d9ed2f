"""The URLs assess accepts."""

from __future__ import annotations

import pytest

from rollout.errors import UserError
from rollout.live.assess import targets


@pytest.mark.parametrize(("url", "message"), [
    ("ftp://example.com/", "must start with http"), ("example.com", "must start with http"),
    ("https:///path", "has no host"), ("http://example.com:99999/", "invalid port"), ("", "must start with http"),
])
def test_parse_target_rejects_non_http_urls(url, message):
    with pytest.raises(UserError, match=message):
        targets.parse_target(url)


def test_parse_target_normalises():
    assert targets.parse_target(" HTTPS://Example.com?q=1#top ") == "https://Example.com/?q=1"
    assert targets.plain_http_url("https://shop.example.vn:8443/a?b=1") == "http://shop.example.vn/a?b=1"

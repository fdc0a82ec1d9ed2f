"""The timed HTTP side: unreachable sites fail with one line naming the kind of failure."""

from __future__ import annotations

import asyncio

import pytest

from rollout.errors import UserError
from rollout.live.assess import network
from tests.rollout.assess_servers import assess_report, free_port


@pytest.mark.parametrize(("url_of", "kind", "message"), [
    (lambda s: f"http://127.0.0.1:{free_port()}/", "connect", "Connection refused"),
    (lambda s: "http://no-such-host.invalid/", "dns", "cannot resolve no-such-host.invalid"),
    (lambda s: s["https"] + "/plain/tls", "tls", "CERTIFICATE_VERIFY_FAILED"),
])
def test_unreachable_sites_fail_with_one_line(sites, url_of, kind, message):
    async def one():
        async with network.make_client(network.ssl_context(None), concurrency=1, timeout=5) as client:
            return await network.measure(client, url_of(sites))

    sample, _ = asyncio.run(one())
    assert sample.error == kind and message in sample.message and "\n" not in sample.message
    with pytest.raises(UserError, match=message):
        assess_report(url=url_of(sites), requests=1)


def test_an_httpx_without_the_pool_hook_is_one_line(monkeypatch):
    import httpx

    from rollout.errors import ToolError

    class NoPool(httpx.AsyncHTTPTransport):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pool = None

    monkeypatch.setattr(httpx, "AsyncHTTPTransport", NoPool)
    with pytest.raises(ToolError, match=r"does not expose its connection pool.*pip install 'httpx>=0\.28'"):
        network.make_client(network.ssl_context(None))

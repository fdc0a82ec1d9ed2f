"""Local sites for the live assess tests, on 127.0.0.1 only."""

from __future__ import annotations

import pytest
import trustme

from tests.rollout.assess_servers import SiteApp, running


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """An HTTPS (HTTP/2) site with a trustme certificate and a plain HTTP/1.1 site, both on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("tls")
    ca = trustme.CA()
    ca.issue_cert("127.0.0.1", "localhost").private_key_and_cert_chain_pem.write_to_path(folder / "server.pem")
    ca.cert_pem.write_to_path(folder / "ca.pem")
    with running(SiteApp(slow_ms=50), certfile=str(folder / "server.pem")) as https_base:
        with running(SiteApp(https_url=https_base + "/", slow_ms=50)) as http_base:
            yield {"https": https_base, "http": http_base, "ca": str(folder / "ca.pem")}

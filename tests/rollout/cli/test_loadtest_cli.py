"""`rollout loadtest` through the CLI: every bad argument is one line and exit code 2."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from rollout.cli import app


@pytest.mark.parametrize(("args", "message"), [
    (["ftp://x/"], "must start with http"),
    (["http://x/", "--rate", "0"], "--rate 0"),
    (["http://x/", "--rate", "1000"], "above --max-rps 200"),
    (["http://x/", "--workers", "2", "--role", "master"], "--workers starts a local master"),
    (["http://x/", "--path", "cart"], "--path 'cart': must start with /"),
    (["http://x/", "--users", "0"], "--users 0"),
    (["http://[::1/"], "not a valid URL"),
    (["http://x/", "--role", "worker", "--master-host", ""], "--master-host: must name the master's address"),
])
def test_loadtest_bad_arguments_exit_2(args, message):
    result = CliRunner().invoke(app, ["loadtest", *args])
    assert result.exit_code == 2 and message in result.stderr


def test_ca_bundle_without_certificates_exits_2(tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_bytes(b"\xff\xfe\x00")
    result = CliRunner().invoke(app, ["loadtest", "http://x/", "--ca-bundle", str(bundle)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: --ca-bundle {bundle}: not a readable PEM file of CA certificates")

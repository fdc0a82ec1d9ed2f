"""`rollout assess`: output formats, thresholds and exit codes, --save/--compare, bad input, Ctrl-C."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import trustme
from typer.testing import CliRunner

from rollout.cli import app
from tests.rollout.assess_servers import SiteApp, free_port, running

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    ca = trustme.CA()
    ca.issue_cert("127.0.0.1").private_key_and_cert_chain_pem.write_to_path(folder / "server.pem")
    ca.cert_pem.write_to_path(folder / "ca.pem")
    plain_app = SiteApp()
    with running(SiteApp(), certfile=str(folder / "server.pem")) as https_base:
        with running(plain_app) as http_base:
            yield {"https": https_base, "http": http_base, "ca": str(folder / "ca.pem"), "http_app": plain_app}


def invoke(*args):
    return CliRunner().invoke(app, list(args))


def test_json_output_has_the_documented_keys(sites):
    result = invoke("assess", sites["https"] + "/cf/json?ms=10", "-n", "4", "--ca-bundle", sites["ca"],
                    "--format", "json", "--quiet")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    for key in ("url", "requests", "errors", "error_rate", "status_codes", "latency_ms", "http_version",
                "http3_advertised", "tls_version", "cdn", "cache", "compression", "findings"):
        assert key in report, key
    for phase in ("dns", "connect", "tls", "ttfb", "total"):
        assert set(report["latency_ms"][phase]) >= {"p50", "p90", "p95", "p99", "max"}
    assert report["http_version"] == "HTTP/2" and report["cdn"] == "cloudflare"
    assert all(set(f) >= {"metric", "value", "threshold", "verdict", "phase"} for f in report["findings"])


def test_plain_http_reports_null_tls_version(sites):
    result = invoke("assess", sites["http"] + "/plain/json", "-n", "2", "-f", "json", "-q")
    report = json.loads(result.stdout)
    assert report["tls_version"] is None and report["cdn"] is None and report["http_version"] == "HTTP/1.1"


@pytest.mark.parametrize(("thresholds", "exit_code"), [
    (["p95<60000", "error_rate<0.5"], 0),
    (["p95<60000", "ttfb.p50<0.001"], 1),   # no real request is answered in a microsecond
    (["error_rate<0.01"], 1),               # /flaky answers every third request with 503
])
def test_thresholds_decide_the_exit_code(sites, thresholds, exit_code):
    path = "/plain/thr" if exit_code == 0 or "ttfb.p50<0.001" in thresholds else "/flaky"
    args = ["assess", sites["http"] + path, "-n", "6", "-c", "1", "-f", "json", "-q"]
    for threshold in thresholds:
        args += ["--threshold", threshold]
    result = invoke(*args)
    assert result.exit_code == exit_code, result.output
    assert [r["expression"] for r in json.loads(result.stdout)["thresholds"]] == thresholds


def test_save_then_compare(sites, tmp_path):
    baseline = tmp_path / "before.json"
    first = invoke("assess", sites["http"] + "/plain/before", "-n", "3", "-q", "-f", "json", "--save", str(baseline))
    assert first.exit_code == 0
    assert json.loads(baseline.read_text())["url"].endswith("/plain/before")
    second = invoke("assess", sites["http"] + "/cf/after", "-n", "3", "-q", "-f", "json", "--compare", str(baseline))
    assert second.exit_code == 0, second.output
    rows = {row["metric"]: row for row in json.loads(second.stdout)["comparison"]}
    assert (rows["cdn"]["before"], rows["cdn"]["after"]) == (None, "cloudflare")
    assert rows["total p95 ms"]["change"] is not None
    markdown = invoke("assess", sites["http"] + "/cf/after", "-n", "2", "-q", "-f", "markdown", "--compare", str(baseline))
    assert markdown.exit_code == 0 and "| cdn | - | cloudflare |" in markdown.stdout


def test_table_output_names_verdicts_and_phases(sites):
    result = invoke("assess", sites["http"] + "/plain/table", "-n", "2", "-q")
    assert result.exit_code == 0
    assert "latency" in result.stdout and "findings" in result.stdout and "cdn" in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["ftp://example.com/"], "URL 'ftp://example.com/': must start with http:// or https://"),
    (["http://x/", "--rate", "0"], "--rate 0: must be a positive number"),
    (["http://x/", "--rate", "5000"], "--rate 5000: above --max-rps 200"),
    (["http://x/", "--rate", "100", "--duration", "3600"], "above the hard cap"),
    (["http://x/", "--duration", "5"], "--duration needs --rate"),
    (["http://x/", "-c", "0"], "--concurrency 0"),
    (["http://x/", "--threshold", "p97<3"], "--threshold 'p97<3'"),
    (["http://x/", "--p95-target", "-1"], "--p95-target -1"),
    (["http://x/", "--http-url", "gopher://x"], "--http-url: URL 'gopher://x'"),
    (["http://[::1/"], "URL 'http://[::1/': not a valid URL (Invalid IPv6 URL)"),
])
def test_bad_arguments_exit_2_with_one_line(args, message):
    result = invoke("assess", *args)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {message}" or message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_every_bad_argument_is_reported_at_once():
    result = invoke("assess", "ftp://x", "--rate", "0", "-c", "0")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 3


def test_compare_with_a_file_that_is_not_a_baseline(tmp_path):
    other = tmp_path / "other.json"
    other.write_text('{"hello": 1}')
    result = invoke("assess", "http://127.0.0.1:1/", "--compare", str(other))
    assert result.exit_code == 2 and "not a baseline saved by 'rollout assess --save'" in result.stderr


def test_save_into_a_missing_folder(tmp_path):
    result = invoke("assess", "http://127.0.0.1:1/", "--save", str(tmp_path / "nope" / "b.json"))
    assert result.exit_code == 2 and "does not exist" in result.stderr


@pytest.mark.parametrize(("url_of", "message"), [
    (lambda s: f"http://127.0.0.1:{free_port()}/", "Connection refused"),
    (lambda s: "https://no-such-host.invalid/", "cannot resolve no-such-host.invalid"),
    (lambda s: s["https"] + "/plain/untrusted", "TLS handshake failed"),
])
def test_unreachable_site_exits_2_with_one_line(sites, url_of, message):
    result = invoke("assess", url_of(sites), "-n", "1", "-q")
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_ctrl_c_stops_and_reports_what_was_measured(sites):
    """A real SIGINT to a real `rollout assess` process, once the server has seen load requests."""
    path = "/plain/ctrl-c"
    process = subprocess.Popen(
        [sys.executable, "-c", "from rollout.cli import main; main()", "assess", sites["http"] + path,
         "--rate", "20", "--duration", "60", "-f", "json"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while sites["http_app"].seen[path] < 5 + 3 and time.monotonic() < deadline:  # 5 inspection requests first
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    report = json.loads(stdout)
    assert report["interrupted"] is True
    assert 1 <= report["requests"] < 1200
    assert "interrupted: reporting" in stderr


def test_compare_with_a_binary_file_exits_2(tmp_path):
    other = tmp_path / "other.json"
    other.write_bytes(b"\xff\xfe\x00")
    result = invoke("assess", "http://127.0.0.1:1/", "--compare", str(other))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: --compare {other}: not a baseline written by --save (not UTF-8 text)"


def test_ca_bundle_without_certificates_exits_2_before_any_request(tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("not a certificate\n")
    result = invoke("assess", "http://127.0.0.1:1/", "--ca-bundle", str(bundle))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: --ca-bundle {bundle}: not a readable PEM file of CA certificates")
    assert len(result.stderr.strip().splitlines()) == 1


def test_failed_save_keeps_the_previous_baseline(sites, tmp_path, monkeypatch):
    import os

    baseline = tmp_path / "b.json"
    baseline.write_text('{"previous": true}\n')

    def refuse(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    result = invoke("assess", sites["http"] + "/plain/json", "-n", "2", "--save", str(baseline), "-q")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: --save {baseline}: cannot write (No space left on device)"
    assert baseline.read_text() == '{"previous": true}\n'

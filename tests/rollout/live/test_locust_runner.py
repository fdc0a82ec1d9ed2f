"""rollout.live.locust_runner: scenario and command generation, CSV read-back, and real Locust runs when installed."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rollout.cli import app
from rollout.errors import MissingToolError
from rollout.live import locust_runner
from rollout.live.locust_runner import LocustPlan
from tests.rollout.assess_servers import SiteApp, free_port, running

STATS_CSV = """\
Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%
GET,/,20,0,5,7.58,3.09,42.30,924.0,11.0,0.0,5,6,7,8,12,42,42,42,42,42,42
GET,/nothere,20,20,5,5.82,2.19,16.51,335.0,11.0,11.0,5,6,7,8,16,17,17,17,17,17,17
,Aggregated,40,20,5,6.70,2.19,42.30148,629.5,22.004,11.0,5,6,7,8,12,17,42,42,42,42,42
"""
FAILURES_CSV = """\
Method,Name,Error,Occurrences,First Seen,Last Seen
GET,/nothere,HTTPError('404 Client Error: File not found for url: /nothere'),15,2026-01-01T00:00:00Z,2026-01-01T00:00:01Z
GET,/nothere,"ConnectionError(""Connection aborted"")",5,2026-01-01T00:00:00Z,2026-01-01T00:00:01Z
"""
HAVE_LOCUST = importlib.util.find_spec("locust") is not None or shutil.which("locust") is not None
needs_locust = pytest.mark.skipif(not HAVE_LOCUST, reason="Locust is not installed (optional extra sme-rollout[load])")


def test_scenario_paces_users_to_the_total_rate_and_requests_each_path():
    plan = LocustPlan(host="http://127.0.0.1:8000", paths=("/", "/cart?x=1"), rate=40, users=10)
    source = locust_runner.scenario_source(plan)
    compile(source, "rollout_scenario.py", "exec")
    assert "constant_throughput(2.0)" in source  # 40/s over 10 users and 2 paths per task run
    assert "self.client.get('/', name='/')" in source and "self.client.get('/cart?x=1'" in source


def test_commands_for_each_topology(tmp_path):
    scenario, prefix, exe = tmp_path / "s.py", tmp_path / "locust", ["locust"]
    standalone = locust_runner.locust_commands(LocustPlan(host="http://h", duration=2.5), scenario, prefix, exe)
    assert len(standalone) == 1 and "--headless" in standalone[0] and "--master" not in standalone[0]
    assert standalone[0][standalone[0].index("-t") + 1] == "3s"
    local = locust_runner.locust_commands(LocustPlan(host="http://h", workers=2, master_port=6000), scenario, prefix, exe)
    assert len(local) == 3
    assert local[0][local[0].index("--expect-workers") + 1] == "2" and "127.0.0.1" in local[0]
    assert all("--worker" in command and "6000" in command for command in local[1:])
    master = locust_runner.locust_commands(LocustPlan(host="http://h", role="master", expect_workers=4), scenario, prefix, exe)
    assert len(master) == 1 and master[0][master[0].index("--master-bind-host") + 1] == "*"
    worker = locust_runner.locust_commands(LocustPlan(host="http://h", role="worker", master_host="10.0.0.5"), scenario, prefix, exe)
    assert len(worker) == 1 and "10.0.0.5" in worker[0] and "--csv" not in worker[0]


def test_parse_stats_reads_the_aggregated_row_and_failures():
    stats = locust_runner.parse_stats(STATS_CSV, FAILURES_CSV)
    assert (stats["requests"], stats["errors"], stats["error_rate"]) == (40, 20, 0.5)
    assert stats["status_codes"] == {"2xx/3xx": 20, "404": 15, "error": 5}
    total = stats["latency_ms"]["total"]
    assert (total["p50"], total["p90"], total["p95"], total["p99"], total["max"], total["samples"]) == (5, 12, 17, 42, 42.301, 40)
    assert stats["latency_ms"]["ttfb"]["samples"] == 0
    assert stats["achieved_rate"] == 22.004
    assert [e["name"] for e in stats["endpoints"]] == ["/", "/nothere"]


def test_parse_stats_of_a_run_without_requests():
    empty = STATS_CSV.splitlines()[0] + "\n,Aggregated,0,0,0,0,0,0,0,0,0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A\n"
    stats = locust_runner.parse_stats(empty)
    assert stats["requests"] == 0 and stats["error_rate"] is None and stats["latency_ms"]["total"]["p95"] is None


def test_parse_stats_rejects_other_csv():
    with pytest.raises(ValueError, match="not a Locust stats CSV"):
        locust_runner.parse_stats("a,b\n1,2\n")


def test_missing_locust_is_one_clear_line(monkeypatch):
    monkeypatch.setattr(locust_runner.importlib.util, "find_spec", lambda name: None)
    monkeypatch.setattr(locust_runner.shutil, "which", lambda name: None)
    with pytest.raises(MissingToolError, match=r"-m pip install -e .*\[load\]"):
        locust_runner.locust_executable()
    result = CliRunner().invoke(app, ["loadtest", "http://127.0.0.1:1/", "--duration", "1"])
    assert result.exit_code == 2 and "Locust, which is not installed" in result.stderr


@pytest.fixture(scope="module")
def site():
    with running(SiteApp()) as base:
        yield base


@needs_locust
def test_real_locust_run_reads_back_into_the_report(site, tmp_path):
    result = CliRunner().invoke(app, ["loadtest", site + "/cf/locust", "--rate", "10", "--duration", "4",
                                      "--path", "/flaky", "-f", "json", "-q", "--save", str(tmp_path / "l.json")])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["mode"] == "locust" and report["requests"] > 0
    assert report["cdn"] == "cloudflare"  # the same inspection as assess
    assert report["latency_ms"]["total"]["p50"] is not None
    assert {e["name"] for e in report["endpoints"]} == {"/cf/locust", "/flaky"}
    assert json.loads((tmp_path / "l.json").read_text())["mode"] == "locust"


@needs_locust
def test_real_locust_master_with_a_local_worker(site, tmp_path):
    plan = LocustPlan(host=site, paths=("/plain/distributed",), rate=5, users=2, spawn_rate=2, duration=2,
                      workers=1, master_port=free_port())
    stats = locust_runner.run(plan, tmp_path)
    assert stats["requests"] > 0 and stats["interrupted"] is False
    assert Path(tmp_path / "rollout_scenario.py").exists()


def test_the_install_hint_is_right_for_a_clone() -> None:
    import sys

    from rollout.live.locust_runner import install_hint

    root = Path(__file__).resolve().parents[3]
    assert install_hint() == f"{sys.executable} -m pip install -e '{root}[load]'"

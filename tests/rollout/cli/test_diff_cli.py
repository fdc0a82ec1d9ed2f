"""`rollout diff` through the CLI: phase pairs, baselines saved by `rollout plan --save`, exit codes, formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rollout.cli import app
from tests.rollout.programs import PHASED_PROGRAM, PHASED_STACK, write_program

runner = CliRunner()


@pytest.fixture()
def program(tmp_path: Path) -> Path:
    return write_program(tmp_path / "p", PHASED_PROGRAM, stacks={"dev": PHASED_STACK})


def run(*args: str):
    return runner.invoke(app, ["diff", *args, "--quiet"])


def test_json_lists_what_phase_two_adds(program: Path):
    result = run("-C", str(program), "-s", "dev", "--from-phase", "1", "--phase", "2", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert set(document) == {"project", "stack", "phase", "from", "added", "updated", "replaced", "removed",
                             "data_loss", "traffic_switches", "failures", "risks", "warnings"}
    assert (document["stack"], document["phase"], document["from"]) == ("dev", 2, {"phase": 1, "stack": "dev"})
    assert document["traffic_switches"] == []
    assert sorted(e["name"] for e in document["added"]) == ["db", "jobs"]
    assert {"urn", "type", "name"} <= set(document["added"][0])


def test_baseline_from_plan_save_and_data_loss_exit_code(program: Path, tmp_path: Path):
    baseline = tmp_path / "baseline.json"
    saved = runner.invoke(app, ["plan", "-C", str(program), "-s", "dev", "--save", str(baseline), "-q", "-f", "json"])
    assert saved.exit_code == 0, saved.output
    unchanged = run("-C", str(program), "-s", "dev", "--baseline", str(baseline), "--fail-on-data-loss", "-f", "json")
    assert unchanged.exit_code == 0 and json.loads(unchanged.stdout)["data_loss"] == []

    main = program / "__main__.py"
    main.write_text(main.read_text().replace('engine="postgres"', 'engine="mysql"'))
    flagged = run("-C", str(program), "-s", "dev", "--baseline", str(baseline), "--fail-on-data-loss", "-f", "json")
    assert flagged.exit_code == 1
    document = json.loads(flagged.stdout)
    assert [e["name"] for e in document["replaced"]] == ["db"] and document["replaced"][0]["paths"] == ["engine"]
    assert document["data_loss"] == [document["replaced"][0]["urn"]]
    markdown = run("-C", str(program), "-s", "dev", "--baseline", str(baseline), "-f", "markdown")
    assert markdown.exit_code == 0 and "**Data loss:**" in markdown.stdout and "`engine`" in markdown.stdout
    table = run("-C", str(program), "-s", "dev", "--baseline", str(baseline))
    assert table.exit_code == 0 and "Data loss:" in table.stdout and "postgres → mysql" in table.stdout


@pytest.mark.parametrize("content, message", [
    ("not json", "not a JSON file"),
    ('[{"schemaVersion": 0, "resources": []}]', "unsupported inventory schemaVersion"),
    ('[{"schemaVersion": 1}]', "not an inventory"),
])
def test_bad_or_old_baseline_is_one_clear_line(program: Path, tmp_path: Path, content: str, message: str):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    result = run("-C", str(program), "-s", "dev", "--baseline", str(bad))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: --baseline {bad}") and message in result.stderr
    assert "Traceback" not in result.output


def test_baseline_of_another_stack_is_refused(program: Path, tmp_path: Path):
    baseline = tmp_path / "b.json"
    baseline.write_text(json.dumps([{"schemaVersion": 1, "project": "shopfront", "stack": "prod", "phase": 1,
                                     "resources": []}]))
    result = run("-C", str(program), "-s", "dev", "--baseline", str(baseline))
    assert result.exit_code == 2 and "no inventory of stack dev (found: prod)" in result.stderr


@pytest.mark.parametrize("args", [[], ["--from-phase", "1", "--baseline", "x.json"]])
def test_exactly_one_of_from_phase_and_baseline(program: Path, args: list[str]):
    result = run("-C", str(program), "-s", "dev", *args)
    assert result.exit_code == 2 and "exactly one of --from-phase M or --baseline FILE" in result.stderr


def test_sarif_is_refused(program: Path):
    result = run("-C", str(program), "-s", "dev", "--from-phase", "1", "-f", "sarif")
    assert result.exit_code == 2 and "'sarif' is not one of" in result.output


SWITCHING_PROGRAM = '''
import pulumi
import pulumi_aws as aws

config = pulumi.Config()
origin = "alb.example.net" if config.get_bool("switched") else "old.example.net"
aws.cloudfront.Distribution(
    "site", enabled=True, aliases=["shop.example.vn"],
    origins=[{"origin_id": "web", "domain_name": origin,
              "custom_origin_config": {"http_port": 80, "https_port": 443, "origin_protocol_policy": "https-only",
                                       "origin_ssl_protocols": ["TLSv1.2"]}}],
    default_cache_behavior={"target_origin_id": "web", "viewer_protocol_policy": "redirect-to-https",
                            "allowed_methods": ["GET", "HEAD"], "cached_methods": ["GET", "HEAD"]},
    restrictions={"geo_restriction": {"restriction_type": "none"}},
    viewer_certificate={"cloudfront_default_certificate": True})
'''


def test_a_traffic_switch_is_its_own_kind_and_fails_ci_on_request(tmp_path: Path):
    """Regression: `rollout diff` showed the origin switch as an ordinary update."""
    before = write_program(tmp_path / "before", SWITCHING_PROGRAM, name="switching",
                           stacks={"dev": "config:\n  aws:region: us-east-1\n"})
    after = write_program(tmp_path / "after", SWITCHING_PROGRAM, name="switching",
                          stacks={"dev": "config:\n  aws:region: us-east-1\n  switching:switched: true\n"})
    baseline = tmp_path / "baseline.json"
    saved = runner.invoke(app, ["plan", "-C", str(before), "-s", "dev", "--save", str(baseline), "-q", "-f", "json"])
    assert saved.exit_code == 0, saved.output
    shown = run("-C", str(after), "-s", "dev", "--baseline", str(baseline), "-f", "json")
    assert shown.exit_code == 0, shown.output
    (switch,) = json.loads(shown.stdout)["traffic_switches"]
    assert (switch["kind"], switch["where"], switch["old"], switch["new"]) == (
        "origin", "*", "old.example.net", "alb.example.net")
    failed = run("-C", str(after), "-s", "dev", "--baseline", str(baseline), "--fail-on-traffic-switch")
    assert failed.exit_code == 1 and "Traffic switch" in failed.stdout
    markdown = run("-C", str(after), "-s", "dev", "--baseline", str(baseline), "-f", "markdown")
    assert "**Traffic switch:** 1 change(s) move visitors" in markdown.stdout
    same = run("-C", str(before), "-s", "dev", "--baseline", str(baseline), "--fail-on-traffic-switch")
    assert same.exit_code == 0, same.output

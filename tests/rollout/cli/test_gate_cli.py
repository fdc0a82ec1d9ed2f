"""`rollout gate` through the CLI: exit 0 when the gate holds, 1 when it does not, 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from moto import mock_aws
from typer.testing import CliRunner

from rollout.cli import app
from tests.rollout.dns_server import serve_zone
from tests.rollout.programs import write_program

runner = CliRunner()
ZONE = """$ORIGIN example.com.vn.
$TTL 3600
@      IN SOA ns1.host.vn. admin.example.com.vn. 1 7200 3600 1209600 300
@      IN NS  ns1.host.vn.
@      IN MX  10 mail.example.com.vn.
@      IN TXT "v=spf1 include:_spf.google.com ~all"
shop   IN A   203.0.113.10
origin IN A   203.0.113.10
"""
STACK = """
config:
  sme-rollout:phase: 3
  sme-rollout:region: ap-southeast-1
  sme-rollout:site: {domain: shop.example.com.vn, origin: origin.example.com.vn}
  sme-rollout:cdn: {provider: cloudflare, cloudflareAccountId: "0123", zoneFile: current.zone}
"""


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = write_program(tmp_path / "shop", "import pulumi\n", name="sme-rollout", stacks={"live": STACK})
    (root / "current.zone").write_text(ZONE)
    return root


def run(*args: str):
    return runner.invoke(app, ["gate", *args, "--quiet"])


def test_dns_authority_gate_holds_against_the_new_zone(project: Path):
    with serve_zone(ZONE, "example.com.vn") as (host, port):
        result = run("-C", str(project), "-s", "live", "--switch", "dnsAuthority", "--nameserver", f"{host}:{port}",
                     "--timeout", "1", "-f", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["ok"] is True and document["switch"] == "dnsAuthority"
    assert {c["name"] for c in document["checks"]} == {"example.com.vn MX", "example.com.vn TXT",
                                                      "origin.example.com.vn A"}


def test_dns_authority_gate_fails_when_mail_is_missing(project: Path):
    partial = ZONE.replace("@      IN MX  10 mail.example.com.vn.\n", "")
    with serve_zone(partial, "example.com.vn") as (host, port):
        result = run("-C", str(project), "-s", "live", "--switch", "dnsAuthority", "--nameserver", f"{host}:{port}",
                     "--timeout", "1")
    assert result.exit_code == 1
    assert "FAIL" in result.stdout and "example.com.vn MX" in result.stdout and "Gate fails" in result.stdout


def test_missing_inputs_are_one_line_exit_2(project: Path):
    result = run("-C", str(project), "-s", "live", "--switch", "dnsAuthority")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: --nameserver:")
    bad_port = run("-C", str(project), "-s", "live", "--switch", "dnsAuthority", "--nameserver", "127.0.0.1:dns")
    assert bad_port.exit_code == 2 and "the port must be a number" in bad_port.stderr
    unknown = run("-C", str(project), "-s", "live", "--switch", "everything")
    assert unknown.exit_code == 2


@mock_aws
def test_static_path_gate_checks_the_bucket_against_the_manifest(project: Path, tmp_path: Path):
    s3 = boto3.client("s3", region_name="ap-southeast-1")
    s3.create_bucket(Bucket="shop-assets", CreateBucketConfiguration={"LocationConstraint": "ap-southeast-1"})
    manifest = tmp_path / "manifest.txt"
    manifest.write_text("/static/app.css\n/static/app.js\n")
    args = ("-C", str(project), "-s", "live", "--switch", "staticPath", "--bucket", "shop-assets",
            "--manifest", str(manifest), "-f", "json")
    empty = run(*args)
    assert empty.exit_code == 1 and json.loads(empty.stdout)["ok"] is False
    for key in ("static/app.css", "static/app.js"):
        s3.put_object(Bucket="shop-assets", Key=key, Body=b"x")
    full = run(*args)
    assert full.exit_code == 0, full.output


@mock_aws
def test_static_path_gate_compares_a_folder_and_refuses_a_missing_one(project: Path, tmp_path: Path):
    s3 = boto3.client("s3", region_name="ap-southeast-1")
    s3.create_bucket(Bucket="shop-assets", CreateBucketConfiguration={"LocationConstraint": "ap-southeast-1"})
    folder = tmp_path / "static"
    folder.mkdir()
    (folder / "app.css").write_text("body{}")
    args = ("-C", str(project), "-s", "live", "--switch", "staticPath", "--bucket", "shop-assets", "-f", "json")
    missing = run(*args, "--folder", str(folder))
    assert missing.exit_code == 1 and json.loads(missing.stdout)["ok"] is False
    synced = runner.invoke(app, ["sync", "static", "-C", str(project), "-s", "live", "--bucket", "shop-assets",
                                 "--from", str(folder), "--quiet"])
    assert synced.exit_code == 0, synced.output
    assert run(*args, "--folder", str(folder)).exit_code == 0
    absent = run(*args, "--folder", str(tmp_path / "nope"))
    assert absent.exit_code == 2 and absent.stderr.startswith("error: --folder ") and "Traceback" not in absent.output
    neither = run(*args)
    assert neither.exit_code == 2 and "--folder (or --manifest)" in neither.stderr


@mock_aws
def test_origin_gate_names_an_unknown_load_balancer_as_bad_input(project: Path):
    result = run("-C", str(project), "-s", "live", "--switch", "originToLoadBalancer", "--load-balancer", "nope")
    assert result.exit_code == 2 and result.stderr.startswith("error: AWS: LoadBalancerNotFound")


def test_dns_authority_gate_also_checks_the_export_against_the_current_dns(project: Path):
    stale = ZONE.replace("@      IN TXT \"v=spf1 include:_spf.google.com ~all\"", "@      IN TXT \"v=spf1 -all\"")
    with serve_zone(ZONE, "example.com.vn") as (new_host, new_port), \
            serve_zone(stale, "example.com.vn") as (old_host, old_port):
        result = run("-C", str(project), "-s", "live", "--switch", "dnsAuthority", "--timeout", "1", "-f", "json",
                     "--nameserver", f"{new_host}:{new_port}", "--current-nameserver", f"{old_host}:{old_port}")
    assert result.exit_code == 1, result.output
    failed = [c["name"] for c in json.loads(result.stdout)["checks"] if not c["ok"]]
    assert failed == ["zone file current: example.com.vn TXT"]

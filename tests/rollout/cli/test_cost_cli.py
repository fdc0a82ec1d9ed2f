"""`rollout cost` on a small phased Pulumi program written in tmp_path (not ours: pricing is by resource type)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from rollout.cli import app
from tests.rollout.programs import write_program

SHOP = '''
import pulumi
import pulumi_aws as aws

phase = pulumi.Config().get_int("phase") or 1


class Phase(pulumi.ComponentResource):
    def __init__(self, number):
        super().__init__("shop:phases:Phase", f"phase{number}", {"phase": number})


def under(number):
    return pulumi.ResourceOptions(parent=Phase(number))


p1 = under(1)
aws.s3.Bucket("logs", opts=p1)
aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16", opts=p1)
if phase >= 2:
    p2 = under(2)
    aws.sns.Topic("alerts", opts=p2)
    aws.elasticache.ReplicationGroup("cache", description="cache", node_type="cache.t4g.micro",
                                     num_cache_clusters=2, engine="valkey", opts=p2)
if phase >= 3:
    p3 = under(3)
    db = aws.rds.Instance("db", instance_class="db.t4g.small", engine="postgres", allocated_storage=20,
                          storage_type="gp3", multi_az=True, manage_master_user_password=True,
                          username="app", opts=p3)
    aws.rds.Instance("db-replica", instance_class="db.t4g.small", replicate_source_db=db.id,
                     storage_type="gp3", opts=p3)
if phase >= 4:
    p4 = under(4)
    aws.sqs.Queue("email", opts=p4)
'''

STACK = '''
config:
  shop:phase: 4
  aws:region: ap-southeast-1
'''


@pytest.fixture
def shop(tmp_path):
    return write_program(tmp_path / "shop", SHOP, name="shop", stacks={"test": STACK})


def run(*args: str):
    return CliRunner().invoke(app, ["cost", *args, "--quiet"])


def test_json_has_totals_diff_and_components(shop):
    result = run("--program", str(shop), "--stack", "test", "--phase", "4", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    by_name = {r["name"]: r for r in document["resources"]}
    # phase 3: db 730 x 0.102 + 20 x 0.276 + 0 backup + 0.40 secret = 74.46 + 5.52 + 0.40 = 80.38
    #          replica 730 x 0.051 + 20 x 0.138 = 37.23 + 2.76 = 39.99; logs bucket 0.215 (small usage)
    # phase 2: valkey cache 2 nodes x 730 x 0.0192 (derived from Redis OSS x 0.8) = 28.032; SNS unknown in SG
    # phase 4: email queue: SQS price unknown in ap-southeast-1 -> adds 0
    assert by_name["db"]["monthly"] == pytest.approx(80.38)
    assert by_name["db-replica"]["monthly"] == pytest.approx(39.99)
    assert by_name["cache"]["monthly"] == pytest.approx(28.032)
    assert document["total_monthly"] == 148.62  # 80.38 + 39.99 + 0.215 + 28.032 = 148.617, in cents as shown
    assert document["previous_total_monthly"] == pytest.approx(document["total_monthly"])
    assert document["diff_monthly"] == pytest.approx(0)
    assert by_name["email"]["change"] == "added"
    assert by_name["email"]["components"][0]["price_known"] is False
    assert by_name["db"]["change"] == "unchanged"
    assert document["currency"] == "USD" and document["catalog_date"] == "2026-09-25"
    assert set(by_name["db"]["components"][0]) >= {"name", "unit", "quantity", "price", "monthly", "usage_based",
                                                   "price_known"}
    assert document["unpriced_types"] == {}
    assert document["free_types"] == {"aws:ec2/vpc:Vpc": 1}
    # priced: bucket 3 + db 4 + replica 2 + cache 1; unknown: SNS and SQS requests (not in the catalog for Singapore)
    assert document["lines"] == {"priced": 10, "price_unknown": 2}


def test_compare_phase_and_vnd(shop):
    result = run("--program", str(shop), "--stack", "test", "--phase", "3", "--compare-phase", "1",
                 "--format", "json", "--currency", "VND")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    rate = document["exchange_rate"]["per_usd"]
    assert document["currency"] == "VND" and rate == 25100
    # phase 1 = logs bucket 0.215; phase 3 adds cache 28.032 + db 80.38 + replica 39.99 (SNS adds 0: price unknown)
    assert document["previous_total_monthly"] == pytest.approx(0.215 * rate)
    assert document["diff_monthly"] == pytest.approx((28.032 + 80.38 + 39.99) * rate)
    assert document["diff_percent"] == pytest.approx((28.032 + 80.38 + 39.99) / 0.215 * 100)
    assert {r["name"]: r["change"] for r in document["resources"]} == {
        "logs": "unchanged", "alerts": "added", "cache": "added", "db": "added", "db-replica": "added"}


def test_phase_one_is_compared_with_nothing(shop):
    document = json.loads(run("--program", str(shop), "--stack", "test", "--phase", "1", "--format", "json").stdout)
    assert (document["previous_total_monthly"], document["diff_monthly"]) == (None, 0.22)  # 0.215 in cents


def test_table_is_a_breakdown_tree_with_totals(shop):
    result = run("--program", str(shop), "--stack", "test", "--phase", "3")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "+ db  (aws:rds/instance:Instance)" in out
    assert "Database instance (primary, Multi-AZ, db.t4g.small)" in out
    # 0.215 + 28.032 + 80.38 + 39.99 = 148.617; phase 2 was 0.215 + 28.032 = 28.247
    assert "$74.46" in out and "OVERALL TOTAL" in out and "$148.62" in out
    assert "Monthly cost change (phase 2 → 3): Amount: +$120.37 ($28.25 → $148.62)" in out
    assert "price unknown: not in the price catalog yet for ap-southeast-1" in out
    assert "≥ $148.62" in out and "The total is a floor (at least): it leaves out" in out
    assert "Prices as of 2026-09-25" in out


def test_markdown_for_pull_requests(shop):
    result = run("--program", str(shop), "--stack", "test", "--phase", "3", "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert "**Total: at least $148.62 per month**" in result.stdout  # a line of unknown price
    assert "| + | `db` | `aws:rds/instance:Instance` | $80.38 | +$80.38 |" in result.stdout


def test_usage_overrides_from_the_stack_file(shop):
    (shop / "stacks" / "Pulumi.test.yaml").write_text(STACK + '''  rollout:usage:
    profile: medium
    byResource:
      logs: {storageGb: 1000}
    vndPerUsd: 26000
''')
    document = json.loads(run("--program", str(shop), "--stack", "test", "--phase", "1", "--format", "json",
                              "--currency", "VND").stdout)
    # 1000 GB x 0.025 = 25; medium: 100 x 1k PUT x 0.005 = 0.50, 1000 x 1k GET x 0.0004 = 0.40 => 25.90 USD
    assert document["total_monthly"] == pytest.approx(25.90 * 26000)
    assert document["usage"]["profile"] == "medium"
    assert {(a["key"], a["origin"]) for a in document["usage"]["assumed"]} == {
        ("storageGb", "byResource"), ("monthlyPutRequests", "profile medium"),
        ("monthlyGetRequests", "profile medium")}
    assert document["exchange_rate"]["source"] == "rollout:usage.vndPerUsd in the stack file"


def test_bad_usage_config_exits_2_naming_the_key(shop):
    (shop / "stacks" / "Pulumi.test.yaml").write_text(STACK + '''  rollout:usage:
    byType:
      aws:sqs/queue:Queue: {monthlyMessages: 5}
''')
    result = run("--program", str(shop), "--stack", "test")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: {shop / 'stacks' / 'Pulumi.test.yaml'}: rollout:usage.byType: "
        "aws:sqs/queue:Queue.monthlyMessages: unknown usage key (known: monthlyRequests)")


def test_unknown_region_prices_nothing_and_says_so(shop):
    (shop / "stacks" / "Pulumi.test.yaml").write_text(STACK.replace("ap-southeast-1", "ap-southeast-7"))
    document = json.loads(run("--program", str(shop), "--stack", "test", "--phase", "3", "--format", "json").stdout)
    assert document["total_monthly"] == 0
    assert document["lines"]["priced"] == 0
    assert "no prices for region ap-southeast-7" in document["notes"][0]


@pytest.mark.parametrize(("content", "problem"), [
    (b"\xff\xfe\x00", "not a price catalog (not UTF-8 text)"),
    (b'{"catalog_date": "2026-01-01", "regions": []}', "regions: must be a JSON object"),
    (b'{"catalog_date": "2026-01-01", "regions": {}, "global": []}', "global: must be a JSON object"),
    (b'{"catalog_date": "2026-01-01", "regions": {}, "free_tiers": [{"name": "x"}]}',
     "free_tiers[0]: needs name, keys (a list), quantity (a number) and unit"),
    (b'{"catalog_date": "2026-01-01", "regions": {}, "exchange_rates": {"VND": 25000}}',
     "exchange_rates.VND: needs per_usd (a number), source and as_of"),
])
def test_malformed_catalog_exits_2_naming_the_file(shop, tmp_path, content, problem):
    catalog = tmp_path / "catalog.json"
    catalog.write_bytes(content)
    result = run("--program", str(shop), "--stack", "test", "--catalog", str(catalog), "--currency", "VND")
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == f"error: {catalog}: {problem}"


@pytest.mark.parametrize("output", ["table", "markdown"])
def test_program_without_phases_prints_no_phase_none(tmp_path, output):
    program = write_program(tmp_path / "plain", "import pulumi\npulumi.export('a', "
                                                "1)\n", stacks={"dev": "config: {}\n"})
    result = run("--program", str(program), "--stack", "dev", "--format", output)
    assert result.exit_code == 0, result.output
    assert "shopfront · stack dev · " in result.stdout or "shopfront · dev" in result.stdout
    assert "phase None" not in result.stdout


def test_remote_components_are_a_note_of_the_cost_report(tmp_path) -> None:
    from tests.rollout.programs import REMOTE_PROGRAM, write_program

    program = write_program(tmp_path / "remote", REMOTE_PROGRAM, stacks={"dev": "config:\n  aws:region: us-east-1\n"})
    result = run("-C", str(program), "-s", "dev", "--format", "json")
    assert result.exit_code == 0, result.output
    notes = json.loads(result.stdout)["notes"]
    assert any("1 remote component (1 of awsx)" in n and "their cost is not included" in n for n in notes)


@pytest.mark.parametrize("phase", ["1", "4"])
def test_plan_json_carries_the_same_cost_summary(shop, phase):
    cost = json.loads(run("--program", str(shop), "--stack", "test", "--phase", phase, "--format", "json").stdout)
    plan = CliRunner().invoke(app, ["plan", "--program", str(shop), "--stack", "test", "--phase", phase,
                                    "--format", "json", "--quiet"])
    summary = json.loads(plan.stdout)["cost"]
    assert summary == {key: cost[key] for key in summary}
    assert {"total_monthly", "diff_monthly", "lines", "by_phase", "phases_lower_bound"} <= set(summary) < set(cost)


EDGE = '''
import pulumi_aws as aws

aws.lb.LoadBalancer("web", load_balancer_type="application", subnets=["subnet-a", "subnet-b"])
bucket = aws.s3.Bucket("archive")
aws.s3.BucketLifecycleConfiguration("archive-lifecycle", bucket=bucket.id, rules=[{
    "id": "cold", "status": "Enabled", "filter": {"prefix": ""},
    "transitions": [{"days": 30, "storage_class": "STANDARD_IA"}]}])
'''

EDGE_STACK = '''
config:
  aws:region: ap-southeast-1
  rollout:usage:
    byType:
      "aws:lb/loadBalancer:LoadBalancer": {monthlyDataTransferOutGb: 1100}
    byResource:
      archive-lifecycle: {standardIaStorageGb: 500}
'''


def test_data_transfer_out_and_lifecycle_classes_in_the_cost_table_and_json(tmp_path):
    program = write_program(tmp_path / "edge", EDGE, name="edge", stacks={"test": EDGE_STACK})
    table = run("--program", str(program), "--stack", "test")
    assert table.exit_code == 0, table.output
    assert "data transfer out to the internet" in table.stdout
    assert "Data transfer out (first 10 TB)" in table.stdout and "Storage (Standard-IA)" in table.stdout
    document = json.loads(run("--program", str(program), "--stack", "test", "--format", "json").stdout)
    by_name = {r["name"]: r for r in document["resources"]}
    # 1,100 GB out, the first 100 free: 1,000 x 0.12 = 120.00; 500 GB Standard-IA x 0.0138 = 6.90
    assert by_name["data transfer out to the internet"]["monthly"] == pytest.approx(120.0)
    assert by_name["archive-lifecycle"]["monthly"] == pytest.approx(6.9)
    assert document["unpriced_types"] == {}

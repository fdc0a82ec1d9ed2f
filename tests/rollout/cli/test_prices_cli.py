"""`rollout prices refresh` on the offer-file fixtures of tests/rollout/data/offers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rollout.analysis.cost import load_catalog
from rollout.cli import app
from rollout.live import prices

OFFERS = Path(__file__).parent.parent / "data" / "offers"
PACKAGED = Path(prices.__file__).parent.parent / "data" / "prices.json"
REGION = "ap-southeast-1"


def test_cli_refresh_updates_the_catalog_that_cost_then_reads(tmp_path):
    catalog = tmp_path / "prices.json"
    shutil.copy(PACKAGED, catalog)
    result = CliRunner().invoke(app, ["prices", "refresh", "--region", REGION, "--from", str(OFFERS),
                                      "--catalog", str(catalog), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "sqs:requests:fifo\t0.5 USD per 1M requests\t(2026-09-01)" in result.stdout
    assert "updated 8 prices for ap-southeast-1" in result.stdout  # with the fixture's RDS Extended Support rate
    assert "skipped 1: ExtendedSupport surcharge SKUs" in result.stdout
    refreshed = load_catalog(catalog)
    assert refreshed.price(REGION, "sqs:requests:fifo", "1M requests").usd == 0.5
    assert "AWSQueueService version 20260901000000" in refreshed.price(REGION, "sqs:requests:fifo",
                                                                       "1M requests").source


def test_cli_bad_source_and_region_exit_2(tmp_path):
    catalog = tmp_path / "prices.json"
    shutil.copy(PACKAGED, catalog)
    runner = CliRunner()
    missing = runner.invoke(app, ["prices", "refresh", "--region", REGION, "--from", str(tmp_path / "nope"),
                                  "--catalog", str(catalog)])
    assert missing.exit_code == 2
    assert "error: --from" in missing.stderr and "not a directory" in missing.stderr
    nothing = runner.invoke(app, ["prices", "refresh", "--region", "eu-west-9", "--from", str(OFFERS),
                                  "--catalog", str(catalog)])
    assert nothing.exit_code == 2
    assert "no on-demand prices for region eu-west-9" in nothing.stderr
    assert catalog.read_bytes() == PACKAGED.read_bytes()


def test_cli_catalog_that_is_not_text_exits_2(tmp_path):
    catalog = tmp_path / "prices.json"
    catalog.write_bytes(b"\xff\xfe\x00")
    result = CliRunner().invoke(app, ["prices", "refresh", "--region", REGION, "--from", str(OFFERS),
                                      "--catalog", str(catalog)])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: --catalog {catalog}: not a price catalog (not UTF-8 text)"


@pytest.mark.parametrize(("offer", "problem"), [
    ('{"products": {"SKU1": 5}}', "not an AWS offer file (unexpected product or term layout"),
    ('{"products": [1,\n', "not valid JSON ("),
])
def test_cli_malformed_offer_file_exits_2_in_one_line_and_keeps_the_catalog(tmp_path, offer, problem):
    catalog = tmp_path / "prices.json"
    shutil.copy(PACKAGED, catalog)
    offers = tmp_path / "offers"
    offers.mkdir()
    (offers / "bad.json").write_text(offer)
    result = CliRunner().invoke(app, ["prices", "refresh", "--region", REGION, "--from", str(offers),
                                      "--catalog", str(catalog)])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith(f"error: {offers / 'bad.json'}: {problem}")
    assert catalog.read_bytes() == PACKAGED.read_bytes()


def test_cli_refresh_fetches_the_public_price_list_itself(tmp_path, httpserver, monkeypatch):
    """Without --from the command reads AWS's public endpoint (here a local server standing in for it)."""
    catalog = tmp_path / "prices.json"
    shutil.copy(PACKAGED, catalog)
    sqs = (OFFERS / "AWSQueueService.json").read_bytes()
    url = f"/offers/v1.0/aws/AWSQueueService/20260901000000/{REGION}/index.json"
    httpserver.expect_request("/offers/v1.0/aws/AWSQueueService/current/region_index.json").respond_with_json(
        {"regions": {REGION: {"regionCode": REGION, "currentVersionUrl": url}}})
    httpserver.expect_request(url).respond_with_data(sqs, content_type="application/json")
    httpserver.no_handler_status_code = 404
    monkeypatch.setattr(prices, "DEFAULT_URL", httpserver.url_for("/"))
    result = CliRunner().invoke(app, ["prices", "refresh", "--region", REGION, "--catalog", str(catalog), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "updated 2 prices for ap-southeast-1" in result.stdout
    assert load_catalog(catalog).price(REGION, "sqs:requests:standard", "1M requests").usd == 0.40


def test_cli_refresh_of_network_offers_keeps_edge_prices_global_and_cost_reads_them(tmp_path):
    catalog = tmp_path / "prices.json"
    shutil.copy(PACKAGED, catalog)
    network = Path(__file__).parent.parent / "data" / "offers-network"
    result = CliRunner().invoke(app, ["prices", "refresh", "--region", "us-east-1", "--from", str(network),
                                      "--catalog", str(catalog), "--quiet"])
    assert result.exit_code == 0, result.output
    # 7 + 2 + 2 CloudFront, 6 + 1 + 4 Route 53 keys are edge prices
    assert "updated 62 prices for us-east-1 (22 of them edge prices, kept in the catalog's global section)" in \
        result.stdout
    assert "transfer:out:internet:over-150tb\t0.05 USD per GB\t(2026-11-20)" in result.stdout
    refreshed = load_catalog(catalog)
    # an edge price read in us-east-1 answers for Singapore too; the regional transfer tiers stay regional
    assert "AmazonCloudFront" in refreshed.price(REGION, "cloudfront:data-out:asia:over-5pb", "GB").source
    assert refreshed.price(REGION, "transfer:out:internet:over-150tb", "GB").usd == 0.08

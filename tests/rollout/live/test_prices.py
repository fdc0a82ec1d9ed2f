"""Catalog refresh from AWS offer files: fixtures in tests/rollout/data/offers hold rows the filters must drop."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from rollout.errors import UserError
from rollout.live import prices

OFFERS = Path(__file__).parent.parent / "data" / "offers"
PACKAGED = Path(prices.__file__).parent.parent / "data" / "prices.json"
REGION = "ap-southeast-1"


def test_refresh_from_a_directory_keeps_only_on_demand_first_tier_rows():
    result = prices.refresh(REGION, str(OFFERS))
    assert {key: entry["usd"] for key, entry in result.prices.items()} == {
        "ec2:instance:t4g.small": 0.0212,
        "vpc:nat-gateway:hour": 0.059,
        "rds:instance:postgres:db.t4g.small:single-az": 0.051,
        "rds:instance:postgres:db.t4g.small:multi-az": 0.102,  # its $0 RI-applied dimension dropped
        "rds:storage:gp3:single-az": 0.138,
        "sqs:requests:standard": 0.40,  # 0.0000004 per request x 1e6; the 0.30 second tier dropped
        "sqs:requests:fifo": 0.50,
    }
    assert result.skipped == {
        "ExtendedSupport surcharge SKUs": 1, "tiered rows beyond the first": 1,
        "$0 reserved-instance-applied rows": 1, "other regions": 1}
    assert result.offers["AmazonRDS"] == {"version": "20260924211011", "publicationDate": "2026-09-24T21:10:11Z"}
    entry = result.prices["rds:instance:postgres:db.t4g.small:single-az"]
    assert (entry["offer_version"], entry["as_of"], entry["unit"]) == ("20260924211011", "2026-09-24", "hour")
    assert "PGSMALL1" in entry["source"]


def test_offer_files_are_streamed_in_small_chunks():
    data = (OFFERS / "AWSQueueService.json").read_bytes()
    chunks = (data[i:i + 7] for i in range(0, len(data), 7))
    result = prices.RefreshResult(REGION)
    prices.read_offer(prices._ChunkReader(chunks), REGION, result, "sqs")
    assert result.prices["sqs:requests:fifo"]["usd"] == 0.5


def test_terms_before_products_is_rejected():
    offer = b'{"offerCode": "AWSQueueService", "terms": {"OnDemand": {"X": {}}}, "products": {}}'
    with pytest.raises(UserError, match="terms come before products"):
        prices.read_offer(io.BytesIO(offer), REGION, prices.RefreshResult(REGION), "bad.json")


def test_a_key_with_two_different_prices_is_not_updated(tmp_path):
    offer = json.loads((OFFERS / "AmazonEC2.json").read_text())
    twin = json.loads(json.dumps(offer["products"]["T4GSMALL"]))
    offer["products"]["T4GTWIN1"] = twin
    term = json.loads(json.dumps(offer["terms"]["OnDemand"]["T4GSMALL"]))
    next(iter(next(iter(term.values()))["priceDimensions"].values()))["pricePerUnit"]["USD"] = "0.0300000000"
    offer["terms"]["OnDemand"]["T4GTWIN1"] = term
    (tmp_path / "AmazonEC2.json").write_text(json.dumps(offer))
    result = prices.refresh(REGION, str(tmp_path))
    assert "ec2:instance:t4g.small" not in result.prices
    assert result.ambiguous == {"ec2:instance:t4g.small"}


def test_merge_replaces_the_region_entries_and_keeps_the_rest():
    catalog = json.loads(PACKAGED.read_text())
    merged = prices.merge(catalog, prices.refresh(REGION, str(OFFERS)))
    region = merged["regions"][REGION]
    assert region["prices"]["sqs:requests:standard"]["usd"] == 0.40  # was recorded missing
    assert "missing" not in region["prices"]["sqs:requests:standard"]
    assert region["prices"]["kms:key"] == catalog["regions"][REGION]["prices"]["kms:key"]
    assert merged["regions"]["us-east-1"] == catalog["regions"]["us-east-1"]
    assert region["refreshed"]["AWSQueueService"]["version"] == "20260901000000"
    assert merged["catalog_date"] == "2026-09-25"  # newer than every publicationDate of the fixtures
    assert catalog["regions"][REGION]["prices"]["sqs:requests:standard"]["usd"] is None  # input untouched
    assert list(region["prices"]) == sorted(region["prices"])  # a refresh diff shows only what changed


def test_write_catalog_is_atomic(tmp_path):
    path = tmp_path / "prices.json"
    path.write_text('{"old": true}')
    with pytest.raises(TypeError):
        prices.write_catalog(path, {"bad": object()})
    assert path.read_text() == '{"old": true}'
    assert list(tmp_path.iterdir()) == [path]


def test_refresh_from_the_price_list_url_layout(httpserver):
    rds = (OFFERS / "AmazonRDS.json").read_bytes()
    version_url = "/offers/v1.0/aws/AmazonRDS/20260924211011/ap-southeast-1/index.json"
    httpserver.expect_request("/offers/v1.0/aws/AmazonRDS/current/region_index.json").respond_with_json(
        {"regions": {REGION: {"regionCode": REGION, "currentVersionUrl": version_url}}})
    httpserver.expect_request(version_url).respond_with_data(rds, content_type="application/json")
    httpserver.expect_request("/offers/v1.0/aws/AmazonEC2/current/region_index.json").respond_with_json(
        {"regions": {"us-east-1": {"currentVersionUrl": "/x.json"}}})
    httpserver.no_handler_status_code = 404
    result = prices.refresh(REGION, httpserver.url_for("/"))
    assert set(result.prices) == {"rds:instance:postgres:db.t4g.small:single-az",
                                  "rds:instance:postgres:db.t4g.small:multi-az", "rds:storage:gp3:single-az"}
    assert result.skipped["offers without ap-southeast-1 (AmazonEC2)"] == 1
    assert result.skipped["offers not published (AWSQueueService)"] == 1


def test_http_error_is_a_user_error(httpserver):
    httpserver.expect_request("/offers/v1.0/aws/AmazonEC2/current/region_index.json").respond_with_data(
        "boom", status=500)
    with pytest.raises(UserError, match="HTTP 500"):
        prices.refresh(REGION, httpserver.url_for("/"))


def _offer(code: str, products: dict, prices_by_sku: dict, version: str = "20261001000000") -> bytes:
    """A minimal offer file in the AWS layout: products first, then terms.OnDemand."""
    terms = {sku: {f"{sku}.JRTCKXETXF": {"priceDimensions": {f"{sku}.JRTCKXETXF.6YS6EN2CT7": {
        "unit": unit, "beginRange": "0", "description": "", "pricePerUnit": {"USD": usd}}}}}
        for sku, (unit, usd) in prices_by_sku.items()}
    return json.dumps({"offerCode": code, "version": version, "publicationDate": "2026-10-01T00:00:00Z",
                       "products": {sku: {"sku": sku, "productFamily": family, "attributes": attributes}
                                    for sku, (family, attributes) in products.items()},
                       "terms": {"OnDemand": terms}}).encode()


def test_newer_services_are_refreshed_from_the_url_layout(httpserver):
    sg = {"regionCode": REGION}
    offers = {
        "AmazonECS": _offer("AmazonECS", {
            "VCPU": ("Compute", {**sg, "usagetype": "APS1-Fargate-vCPU-Hours:perCPU"}),
            "MEM": ("Compute", {**sg, "usagetype": "APS1-Fargate-GB-Hours"})},
            {"VCPU": ("hours", "0.0505600000"), "MEM": ("hours", "0.0055300000")}),
        "AWSLambda": _offer("AWSLambda", {
            "REQ": ("Serverless", {**sg, "usagetype": "APS1-Request"}),
            "DUR": ("Serverless", {**sg, "usagetype": "APS1-Lambda-GB-Second"}),
            "ARM": ("Serverless", {**sg, "usagetype": "APS1-Lambda-GB-Second-ARM"})},
            {"REQ": ("Requests", "0.0000002000"), "DUR": ("Lambda-GB-Second", "0.0000166667"),
             "ARM": ("Lambda-GB-Second", "0.0000133334")}),
        "AmazonVPC": _offer("AmazonVPC", {
            "TGW": ("Transit Gateway", {**sg, "usagetype": "APS1-TransitGateway-Hours"}),
            "EPH": ("VpcEndpoint", {**sg, "usagetype": "APS1-VpcEndpoint-Hours"}),
            "ODD": ("VpcEndpoint", {**sg, "usagetype": "APS1-VpcEndpoint-Bytes"})},
            {"TGW": ("Hrs", "0.0700000000"), "EPH": ("Hrs", "0.0130000000"), "ODD": ("Quantity", "0.0100000000")}),
    }
    for code, body in offers.items():
        url = f"/offers/v1.0/aws/{code}/20261001000000/{REGION}/index.json"
        httpserver.expect_request(f"/offers/v1.0/aws/{code}/current/region_index.json").respond_with_json(
            {"regions": {REGION: {"regionCode": REGION, "currentVersionUrl": url}}})
        httpserver.expect_request(url).respond_with_data(body, content_type="application/json")
    httpserver.no_handler_status_code = 404
    result = prices.refresh(REGION, httpserver.url_for("/"))
    assert {k: v["usd"] for k, v in result.prices.items()} == {
        "ecs:fargate:x86_64:vcpu": 0.05056, "ecs:fargate:x86_64:gb": 0.00553,
        "lambda:requests": 0.2,  # per request x 1e6
        "lambda:duration:x86_64": 0.0000166667, "lambda:duration:arm64": 0.0000133334,
        "vpc:tgw:attachment": 0.07, "vpc:endpoint:interface:hour": 0.013}
    assert result.skipped["rows in another unit"] == 1  # "Quantity" is no unit of that rule: skipped, not guessed
    assert result.offers["AWSLambda"]["version"] == "20261001000000"


def test_dms_instance_and_storage_rows_are_read_by_their_attributes(tmp_path):
    """Issue 15: the DMS offer (attribute names as Infracost filters them); fixture values, not real prices."""
    def product(sku, **attributes):
        return {"sku": sku, "productFamily": "Any family", "attributes": {"regionCode": REGION, **attributes}}

    def term(sku, unit, usd):
        return {f"{sku}.T": {"sku": sku, "priceDimensions": {f"{sku}.T.D": {
            "beginRange": "0", "endRange": "Inf", "unit": unit, "pricePerUnit": {"USD": usd}}}}}

    offer = {"formatVersion": "v1.0", "offerCode": "AWSDatabaseMigrationSvc", "version": "1",
             "publicationDate": "2026-11-30T00:00:00Z",
             "products": {"I1": product("I1", instanceType="t3.small", availabilityZone="Single"),
                          "I2": product("I2", instanceType="t3.small", availabilityZone="Multiple"),
                          "S1": product("S1", storageMedia="SSD", availabilityZone="Single")},
             "terms": {"OnDemand": {"I1": term("I1", "Hrs", "0.1"), "I2": term("I2", "Hrs", "0.2"),
                                    "S1": term("S1", "GB-Mo", "0.3")}}}
    (tmp_path / "AWSDatabaseMigrationSvc.json").write_text(json.dumps(offer))
    result = prices.refresh(REGION, str(tmp_path))
    assert {key: entry["usd"] for key, entry in result.prices.items()} == {
        "dms:instance:t3.small:single-az": 0.1, "dms:instance:t3.small:multi-az": 0.2,
        "dms:storage:gp2:single-az": 0.3}


def test_glue_job_crawler_and_catalog_request_rows(tmp_path):
    """Issue 18: AWSGlue rows as the bulk offer file spells them (group, operation, usagetype, units DPU-Hour and
    Request); fixture values, not real prices. Ray sessions and other operations are not ETL job runs."""
    def product(sku, group, operation, usagetype):
        return {"sku": sku, "productFamily": "AWS Glue", "attributes": {
            "regionCode": REGION, "servicecode": "AWSGlue", "group": group, "operation": operation,
            "usagetype": usagetype}}

    def term(sku, unit, usd, begin="0"):
        return {f"{sku}.JRTCKXETXF": {"sku": sku, "offerTermCode": "JRTCKXETXF", "priceDimensions": {
            f"{sku}.JRTCKXETXF.6YS6EN2CT7": {"beginRange": begin, "endRange": "Inf", "unit": unit,
                                             "description": "", "pricePerUnit": {"USD": usd}}}}}

    rows = {
        "JOB": (("ETL Job run", "JobRun", "APS1-ETL-DPU-Hour"), ("DPU-Hour", "0.4400000000")),
        "CRAWL": (("Data catalog crawler run", "CrawlerRun", "APS1-Crawler-DPU-Hour"), ("DPU-Hour", "0.4500000000")),
        "REQ": (("Data catalog requests", "Request", "APS1-Catalog-Request"), ("Request", "0.0000010000")),
        "RAY": (("ETL Ray Interactive Session", "GlueInteractiveSession",
                 "APS1-GlueInteractiveSession-MemOptimized-DPU-Hour"), ("M-DPU-Hour", "0.4400000000")),
    }
    offer = {"formatVersion": "v1.0", "offerCode": "AWSGlue", "version": "20261101000000",
             "publicationDate": "2026-11-01T00:00:00Z",
             "products": {sku: product(sku, *attributes) for sku, (attributes, _) in rows.items()},
             "terms": {"OnDemand": {sku: term(sku, *price) for sku, (_, price) in rows.items()}}}
    (tmp_path / "AWSGlue.json").write_text(json.dumps(offer))
    result = prices.refresh(REGION, str(tmp_path))
    assert {key: entry["usd"] for key, entry in result.prices.items()} == {
        "glue:job:dpu": 0.44, "glue:crawler:dpu": 0.45, "glue:catalog:requests": 1.0}  # per request x 1e6
    assert result.prices["glue:job:dpu"]["unit"] == "DPU-hour"
    assert "SKU JOB" in result.prices["glue:job:dpu"]["source"]
    assert result.offers["AWSGlue"]["version"] == "20261101000000"

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
        "ExtendedSupport surcharge SKUs": 1,
        "tiered rows beyond the first": 1,
        "$0 reserved-instance-applied rows": 1,
        "other regions": 1,
    }
    assert result.offers["AmazonRDS"] == {"version": "20260924211011", "publicationDate": "2026-09-24T21:10:11Z"}
    entry = result.prices["rds:instance:postgres:db.t4g.small:single-az"]
    assert (entry["offer_version"], entry["as_of"], entry["unit"]) == ("20260924211011", "2026-09-24", "hour")
    assert "PGSMALL1" in entry["source"]


def test_offer_files_are_streamed_in_small_chunks():
    data = (OFFERS / "AWSQueueService.json").read_bytes()
    chunks = (data[i : i + 7] for i in range(0, len(data), 7))
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
        {"regions": {REGION: {"regionCode": REGION, "currentVersionUrl": version_url}}}
    )
    httpserver.expect_request(version_url).respond_with_data(rds, content_type="application/json")
    httpserver.expect_request("/offers/v1.0/aws/AmazonEC2/current/region_index.json").respond_with_json(
        {"regions": {"us-east-1": {"currentVersionUrl": "/x.json"}}}
    )
    httpserver.no_handler_status_code = 404
    result = prices.refresh(REGION, httpserver.url_for("/"))
    assert set(result.prices) == {
        "rds:instance:postgres:db.t4g.small:single-az",
        "rds:instance:postgres:db.t4g.small:multi-az",
        "rds:storage:gp3:single-az",
    }
    assert result.skipped["offers without ap-southeast-1 (AmazonEC2)"] == 1
    assert result.skipped["offers not published (AWSQueueService)"] == 1


def test_http_error_is_a_user_error(httpserver):
    httpserver.expect_request("/offers/v1.0/aws/AmazonEC2/current/region_index.json").respond_with_data(
        "boom", status=500
    )
    with pytest.raises(UserError, match="HTTP 500"):
        prices.refresh(REGION, httpserver.url_for("/"))


def _offer(code: str, products: dict, prices_by_sku: dict, version: str = "20261001000000") -> bytes:
    """A minimal offer file in the AWS layout: products first, then terms.OnDemand."""
    terms = {
        sku: {
            f"{sku}.JRTCKXETXF": {
                "priceDimensions": {
                    f"{sku}.JRTCKXETXF.6YS6EN2CT7": {
                        "unit": unit,
                        "beginRange": "0",
                        "description": "",
                        "pricePerUnit": {"USD": usd},
                    }
                }
            }
        }
        for sku, (unit, usd) in prices_by_sku.items()
    }
    return json.dumps(
        {
            "offerCode": code,
            "version": version,
            "publicationDate": "2026-10-01T00:00:00Z",
            "products": {
                sku: {"sku": sku, "productFamily": family, "attributes": attributes}
                for sku, (family, attributes) in products.items()
            },
            "terms": {"OnDemand": terms},
        }
    ).encode()


def test_newer_services_are_refreshed_from_the_url_layout(httpserver):
    sg = {"regionCode": REGION}
    offers = {
        "AmazonECS": _offer(
            "AmazonECS",
            {
                "VCPU": ("Compute", {**sg, "usagetype": "APS1-Fargate-vCPU-Hours:perCPU"}),
                "MEM": ("Compute", {**sg, "usagetype": "APS1-Fargate-GB-Hours"}),
            },
            {"VCPU": ("hours", "0.0505600000"), "MEM": ("hours", "0.0055300000")},
        ),
        "AWSLambda": _offer(
            "AWSLambda",
            {
                "REQ": ("Serverless", {**sg, "usagetype": "APS1-Request"}),
                "DUR": ("Serverless", {**sg, "usagetype": "APS1-Lambda-GB-Second"}),
                "ARM": ("Serverless", {**sg, "usagetype": "APS1-Lambda-GB-Second-ARM"}),
            },
            {
                "REQ": ("Requests", "0.0000002000"),
                "DUR": ("Lambda-GB-Second", "0.0000166667"),
                "ARM": ("Lambda-GB-Second", "0.0000133334"),
            },
        ),
        "AmazonVPC": _offer(
            "AmazonVPC",
            {
                "TGW": ("Transit Gateway", {**sg, "usagetype": "APS1-TransitGateway-Hours"}),
                "EPH": ("VpcEndpoint", {**sg, "usagetype": "APS1-VpcEndpoint-Hours"}),
                "ODD": ("VpcEndpoint", {**sg, "usagetype": "APS1-VpcEndpoint-Bytes"}),
            },
            {"TGW": ("Hrs", "0.0700000000"), "EPH": ("Hrs", "0.0130000000"), "ODD": ("Quantity", "0.0100000000")},
        ),
    }
    for code, body in offers.items():
        url = f"/offers/v1.0/aws/{code}/20261001000000/{REGION}/index.json"
        httpserver.expect_request(f"/offers/v1.0/aws/{code}/current/region_index.json").respond_with_json(
            {"regions": {REGION: {"regionCode": REGION, "currentVersionUrl": url}}}
        )
        httpserver.expect_request(url).respond_with_data(body, content_type="application/json")
    httpserver.no_handler_status_code = 404
    result = prices.refresh(REGION, httpserver.url_for("/"))
    assert {k: v["usd"] for k, v in result.prices.items()} == {
        "ecs:fargate:x86_64:vcpu": 0.05056,
        "ecs:fargate:x86_64:gb": 0.00553,
        "lambda:requests": 0.2,  # per request x 1e6
        "lambda:duration:x86_64": 0.0000166667,
        "lambda:duration:arm64": 0.0000133334,
        "vpc:tgw:attachment": 0.07,
        "vpc:endpoint:interface:hour": 0.013,
    }
    assert result.skipped["rows in another unit"] == 1  # "Quantity" is no unit of that rule: skipped, not guessed
    assert result.offers["AWSLambda"]["version"] == "20261001000000"


def test_dms_instance_and_storage_rows_are_read_by_their_attributes(tmp_path):
    """Issue 15: the DMS offer (attribute names as Infracost filters them); fixture values, not real prices."""

    def product(sku, **attributes):
        return {"sku": sku, "productFamily": "Any family", "attributes": {"regionCode": REGION, **attributes}}

    def term(sku, unit, usd):
        return {
            f"{sku}.T": {
                "sku": sku,
                "priceDimensions": {
                    f"{sku}.T.D": {"beginRange": "0", "endRange": "Inf", "unit": unit, "pricePerUnit": {"USD": usd}}
                },
            }
        }

    offer = {
        "formatVersion": "v1.0",
        "offerCode": "AWSDatabaseMigrationSvc",
        "version": "1",
        "publicationDate": "2026-11-30T00:00:00Z",
        "products": {
            "I1": product("I1", instanceType="t3.small", availabilityZone="Single"),
            "I2": product("I2", instanceType="t3.small", availabilityZone="Multiple"),
            "S1": product("S1", storageMedia="SSD", availabilityZone="Single"),
        },
        "terms": {
            "OnDemand": {
                "I1": term("I1", "Hrs", "0.1"),
                "I2": term("I2", "Hrs", "0.2"),
                "S1": term("S1", "GB-Mo", "0.3"),
            }
        },
    }
    (tmp_path / "AWSDatabaseMigrationSvc.json").write_text(json.dumps(offer))
    result = prices.refresh(REGION, str(tmp_path))
    assert {key: entry["usd"] for key, entry in result.prices.items()} == {
        "dms:instance:t3.small:single-az": 0.1,
        "dms:instance:t3.small:multi-az": 0.2,
        "dms:storage:gp2:single-az": 0.3,
    }


# ---------------------------------------------------------------------------------------------------------------
# Issue 18: network, CDN, storage, DNS and monitoring rules, on offer files in the real bulk-JSON shape
# (tests/rollout/data/offers-network: us-east-1 rows whose prices are the catalog's us-east-1 and global ones, plus
# rows every filter must drop: another region, a free allowance, tiers the catalog has no key for).

NETWORK = Path(__file__).parent.parent / "data" / "offers-network"
US = "us-east-1"


def test_network_rules_read_every_tier_they_have_a_key_for():
    result = prices.refresh(US, str(NETWORK))
    found = {key: entry["usd"] for key, entry in result.prices.items()}
    assert {k: v for k, v in found.items() if k.startswith("transfer:")} == {
        "transfer:out:internet": 0.09,
        "transfer:out:internet:next-40tb": 0.085,
        "transfer:out:internet:next-100tb": 0.07,
        "transfer:out:internet:over-150tb": 0.05,
    }
    assert {k: v for k, v in found.items() if k.startswith("cloudfront:data-out:asia")} == {
        "cloudfront:data-out:asia": 0.12,
        "cloudfront:data-out:asia:next-40tb": 0.1,
        "cloudfront:data-out:asia:next-100tb": 0.095,
        "cloudfront:data-out:asia:next-350tb": 0.09,
        "cloudfront:data-out:asia:next-524tb": 0.08,
        "cloudfront:data-out:asia:next-4pb": 0.07,
        "cloudfront:data-out:asia:over-5pb": 0.06,
    }
    assert found["cloudfront:requests-https:asia"] == 0.012  # per request x 1e4
    assert found["cloudfront:requests-http:asia"] == 0.009
    assert {k: v for k, v in found.items() if k.startswith("route53:queries")} == {
        "route53:queries:standard": 0.4,
        "route53:queries:standard:over-1b": 0.2,
        "route53:queries:latency": 0.6,
        "route53:queries:latency:over-1b": 0.3,
        "route53:queries:geo": 0.7,
        "route53:queries:geo:over-1b": 0.35,
    }
    # the AWS-endpoint check's priced row starts at 50 (the first 50 are free); the $0 row is not the price
    assert found["route53:health-check:aws"] == 0.5 and found["route53:health-check-feature:non-aws"] == 2.0
    assert found["cloudwatch:alarm:high-resolution"] == 0.3 and found["cloudwatch:alarm:standard"] == 0.1
    # one Requests-Tier4 row prices the transitions into Standard-IA, One Zone-IA and Intelligent-Tiering
    assert found["s3:transition:standard-ia"] == found["s3:transition:one-zone-ia"] == 0.01
    assert found["s3:transition:intelligent-tiering"] == 0.01
    assert (found["s3:transition:glacier"], found["s3:transition:deep-archive"]) == (0.03, 0.05)
    assert found["s3:storage:deep-archive"] == 0.00099  # from AmazonS3GlacierDeepArchive
    assert found["ssm:parameter:advanced"] == 0.05  # 0.05 / 730 per hour (rounded by AWS) x 730
    assert found["vpc:vpn:connection"] == 0.05  # the large-bandwidth VPN row is not the standard connection
    assert "cloudfront:data-out:south-america" not in found
    assert dict(result.skipped) == {
        "other regions": 2,  # the Singapore data transfer and alarm rows
        "tier rows not in the catalog": 2,  # the 100 GB free data transfer row, the 50 free health checks
        "tiered rows beyond the first": 4,  # S3 Standard, hosted zones, metrics, endpoint GB beyond the first tier
    }
    # the rules of earlier services on the same real-shaped rows: CloudWatch metrics, dashboards and logs (not the
    # Infrequent Access log class), NAT gateways (AmazonEC2), transit gateway and interface endpoints (AmazonVPC)
    assert {k: found[k] for k in ("cloudwatch:metric", "cloudwatch:dashboard", "cloudwatch:logs:ingest",
                                  "cloudwatch:logs:storage", "vpc:nat-gateway:gb", "vpc:tgw:gb",
                                  "vpc:endpoint:interface:hour")} == {
        "cloudwatch:metric": 0.3, "cloudwatch:dashboard": 3.0, "cloudwatch:logs:ingest": 0.5,
        "cloudwatch:logs:storage": 0.03, "vpc:nat-gateway:gb": 0.045, "vpc:tgw:gb": 0.02,
        "vpc:endpoint:interface:hour": 0.01}
    assert "ec2:public-ipv4" not in result.ambiguous  # AmazonEC2 and AmazonVPC rows agree
    assert result.offers["AWSDataTransfer"] == {"version": "20261120181241", "publicationDate": "2026-11-20T18:12:41Z"}


def test_network_fixtures_reproduce_the_catalog_prices():
    """Each refreshed key has the price the catalog holds for us-east-1 (or globally): the rules read what the
    catalog's sources say, and the catalog units are the rules' units."""
    catalog = json.loads(PACKAGED.read_text())
    entries = {**catalog["global"], **catalog["regions"][US]["prices"]}
    refreshed = prices.refresh(US, str(NETWORK)).prices
    assert len(refreshed) == 62
    for key, entry in refreshed.items():
        assert key in entries, key
        assert (entry["usd"], entry["unit"]) == (pytest.approx(entries[key]["usd"]), entries[key]["unit"]), key


def test_merge_keeps_edge_prices_global_and_the_every_region_ipv4_rate():
    catalog = json.loads(PACKAGED.read_text())
    merged = prices.merge(catalog, prices.refresh(US, str(NETWORK)))
    edge, region = merged["global"], merged["regions"][US]["prices"]
    assert "AWS offer file AmazonCloudFront" in edge["cloudfront:data-out:asia:next-40tb"]["source"]
    assert "AWS offer file AmazonRoute53" in edge["route53:queries:geo"]["source"]
    assert not any(key.startswith(("cloudfront:", "route53:")) for key in region)
    assert "AWS offer file AmazonVPC" in region["ec2:public-ipv4"]["source"]
    assert edge["ec2:public-ipv4"] == catalog["global"]["ec2:public-ipv4"]  # AWS's one rate, not a region's
    assert region["transfer:out:internet:over-150tb"]["derived"] is False  # now read from the offer file
    assert list(edge) == sorted(edge) and list(region) == sorted(region)


def test_global_offers_are_read_whole_when_their_region_index_has_no_region(httpserver):
    body = (NETWORK / "AmazonRoute53.json").read_bytes()
    httpserver.expect_request("/offers/v1.0/aws/AmazonRoute53/current/region_index.json").respond_with_json(
        {"regions": {}}
    )
    httpserver.expect_request("/offers/v1.0/aws/AmazonRoute53/current/index.json").respond_with_data(
        body, content_type="application/json"
    )
    httpserver.expect_request("/offers/v1.0/aws/AWSSystemsManager/current/region_index.json").respond_with_json(
        {"regions": {}}
    )
    httpserver.no_handler_status_code = 404
    result = prices.refresh(REGION, httpserver.url_for("/"))
    assert result.prices["route53:queries:latency:over-1b"]["usd"] == 0.3
    assert result.skipped[f"offers without {REGION} (AWSSystemsManager)"] == 1  # a regional offer: not read whole

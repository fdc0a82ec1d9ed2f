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
        "rds:extended-support:year1": 0.12,  # the RDS rate read; the Aurora Serverless v2 surcharge SKU skipped
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
        "rds:extended-support:year1",
    }
    assert result.skipped["offers without ap-southeast-1 (AmazonEC2)"] == 1
    assert result.skipped["offers not published (AWSQueueService)"] == 1


def test_http_error_is_a_user_error(httpserver):
    httpserver.expect_request("/offers/v1.0/aws/AmazonEC2/current/region_index.json").respond_with_data(
        "boom", status=500
    )
    with pytest.raises(UserError, match="HTTP 500"):
        prices.refresh(REGION, httpserver.url_for("/"))


def _offer_file(code: str, rows: list[tuple[str, str | None, dict, str, str]], version: str = "20261115000000"
                ) -> bytes:
    """An offer file in the AWS bulk layout from (sku, productFamily or None, attributes, unit, USD) rows: products
    with sku/productFamily/attributes first, then terms.OnDemand.<sku>.<sku>.JRTCKXETXF.priceDimensions. A None family
    leaves the key out, as on the RDS Extended Support SKUs."""
    products, terms = {}, {}
    for sku, family, attributes, unit, usd in rows:
        product = {"sku": sku, "attributes": {"regionCode": REGION, **attributes}}
        if family is not None:
            product["productFamily"] = family
        products[sku] = product
        terms[sku] = {
            f"{sku}.JRTCKXETXF": {
                "offerTermCode": "JRTCKXETXF",
                "sku": sku,
                "effectiveDate": "2026-11-01T00:00:00Z",
                "priceDimensions": {
                    f"{sku}.JRTCKXETXF.6YS6EN2CT7": {
                        "rateCode": f"{sku}.JRTCKXETXF.6YS6EN2CT7",
                        "description": "",
                        "beginRange": "0",
                        "endRange": "Inf",
                        "unit": unit,
                        "pricePerUnit": {"USD": usd},
                    }
                },
            }
        }
    return json.dumps(
        {
            "formatVersion": "v1.0",
            "offerCode": code,
            "version": version,
            "publicationDate": "2026-11-15T00:00:00Z",
            "products": products,
            "terms": {"OnDemand": terms},
        }
    ).encode()


def test_newer_services_are_refreshed_from_the_url_layout(httpserver):
    version = "20261001000000"
    offers = {
        "AmazonECS": _offer_file("AmazonECS", [
            ("VCPU", "Compute", {"usagetype": "APS1-Fargate-vCPU-Hours:perCPU"}, "hours", "0.0505600000"),
            ("MEM", "Compute", {"usagetype": "APS1-Fargate-GB-Hours"}, "hours", "0.0055300000"),
        ], version),
        "AWSLambda": _offer_file("AWSLambda", [
            ("REQ", "Serverless", {"usagetype": "APS1-Request"}, "Requests", "0.0000002000"),
            ("DUR", "Serverless", {"usagetype": "APS1-Lambda-GB-Second"}, "Lambda-GB-Second", "0.0000166667"),
            ("ARM", "Serverless", {"usagetype": "APS1-Lambda-GB-Second-ARM"}, "Lambda-GB-Second", "0.0000133334"),
        ], version),
        "AmazonVPC": _offer_file("AmazonVPC", [
            ("TGW", "Transit Gateway", {"usagetype": "APS1-TransitGateway-Hours"}, "Hrs", "0.0700000000"),
            ("EPH", "VpcEndpoint", {"usagetype": "APS1-VpcEndpoint-Hours"}, "Hrs", "0.0130000000"),
            ("ODD", "VpcEndpoint", {"usagetype": "APS1-VpcEndpoint-Bytes"}, "Quantity", "0.0100000000"),
        ], version),
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


def _linux(instance_type: str, **overrides: str) -> dict:
    return {
        "usagetype": f"APS1-BoxUsage:{instance_type}",
        "instanceType": instance_type,
        "operatingSystem": "Linux",
        "tenancy": "Shared",
        "preInstalledSw": "NA",
        "capacitystatus": "Used",
        "licenseModel": "No License required",
        "marketoption": "OnDemand",
        **overrides,
    }


def test_ec2_rows_of_every_family_issue_18_prices_and_nothing_else(tmp_path):
    """Shared-tenancy Linux on-demand hours for t3a, m6i, m7g, c6g, r7g (the values are the Singapore rows of the
    catalog's source [K1]); RHEL, SQL Server, dedicated and unused-reservation rows of the same types are skipped."""
    rows = [
        ("T3AMED", "Compute Instance", _linux("t3a.medium"), "Hrs", "0.0472000000"),
        ("M6ILRG", "Compute Instance", _linux("m6i.large"), "Hrs", "0.1200000000"),
        ("M7G2XL", "Compute Instance", _linux("m7g.2xlarge"), "Hrs", "0.4080000000"),
        ("C6GMED", "Compute Instance", _linux("c6g.medium"), "Hrs", "0.0392000000"),
        ("R7GLRG", "Compute Instance", _linux("r7g.large"), "Hrs", "0.1292000000"),
        ("M6IRHEL", "Compute Instance", _linux("m6i.large", operatingSystem="RHEL"), "Hrs", "0.1890000000"),
        ("M6ISQL", "Compute Instance", _linux("m6i.large", preInstalledSw="SQL Std"), "Hrs", "0.6000000000"),
        (
            "M6IDED",
            "Compute Instance",
            _linux("m6i.large", tenancy="Dedicated", usagetype="APS1-DedicatedUsage:m6i.large"),
            "Hrs",
            "0.1320000000",
        ),
        (
            "M6IUNUS",
            "Compute Instance",
            _linux("m6i.large", capacitystatus="UnusedCapacityReservation", usagetype="APS1-UnusedBox:m6i.large"),
            "Hrs",
            "0.1200000000",
        ),
    ]
    (tmp_path / "AmazonEC2.json").write_bytes(_offer_file("AmazonEC2", rows))
    result = prices.refresh(REGION, str(tmp_path))
    assert {k: v["usd"] for k, v in result.prices.items()} == {
        "ec2:instance:t3a.medium": 0.0472,
        "ec2:instance:m6i.large": 0.12,
        "ec2:instance:m7g.2xlarge": 0.408,
        "ec2:instance:c6g.medium": 0.0392,
        "ec2:instance:r7g.large": 0.1292,
    }
    assert result.prices["ec2:instance:m6i.large"]["source"] == (
        "AWS offer file AmazonEC2 version 20261115000000 (SKU M6ILRG)"
    )
    assert result.ambiguous == set()


def _rds(usagetype: str, instance_type: str, engine: str, deployment: str) -> dict:
    return {
        "usagetype": usagetype,
        "instanceType": instance_type,
        "databaseEngine": engine,
        "deploymentOption": deployment,
        "licenseModel": "No license required",
    }


def test_rds_engines_storage_iops_and_extended_support_rows(tmp_path):
    """Instance hours of the three engines in both deployments, io1 storage and IOPS in both, and the Extended Support
    years (fixture values, not real prices); an Aurora I/O-Optimized row, a Multi-AZ DB cluster row and the Aurora
    MySQL Extended Support SKU are other prices and are skipped."""
    rows = [
        (
            "MYMICRO",
            "Database Instance",
            _rds("APS1-InstanceUsage:db.t3.micro", "db.t3.micro", "MySQL", "Single-AZ"),
            "Hrs",
            "0.0260000000",
        ),
        (
            "MYMICMZ",
            "Database Instance",
            _rds("APS1-Multi-AZUsage:db.t3.micro", "db.t3.micro", "MySQL", "Multi-AZ"),
            "Hrs",
            "0.0520000000",
        ),
        (
            "MARIAM6G",
            "Database Instance",
            _rds("APS1-InstanceUsage:db.m6g.large", "db.m6g.large", "MariaDB", "Single-AZ"),
            "Hrs",
            "0.2090000000",
        ),
        (
            "PGR7GMZ",
            "Database Instance",
            _rds("APS1-Multi-AZUsage:db.r7g.large", "db.r7g.large", "PostgreSQL", "Multi-AZ"),
            "Hrs",
            "0.5200000000",
        ),
        (
            "PGCLUSTR",
            "Database Instance",
            _rds(
                "APS1-Multi-AZClusterUsage:db.r7g.large", "db.r7g.large", "PostgreSQL", "Multi-AZ (readable standbys)"
            ),
            "Hrs",
            "0.7800000000",
        ),
        (
            "AURORAIO",
            "Database Instance",
            _rds("APS1-InstanceUsageIOOptimized:db.r7g.large", "db.r7g.large", "Aurora PostgreSQL", "Single-AZ"),
            "Hrs",
            "0.3500000000",
        ),
        (
            "IO1SAZ",
            "Database Storage",
            {
                "usagetype": "APS1-RDS:PIOPS-Storage",
                "volumeType": "Provisioned IOPS",
                "databaseEngine": "Any",
                "deploymentOption": "Single-AZ",
            },
            "GB-Mo",
            "0.15",
        ),
        (
            "IO1MAZ",
            "Database Storage",
            {
                "usagetype": "APS1-RDS:Multi-AZ-PIOPS-Storage",
                "volumeType": "Provisioned IOPS",
                "databaseEngine": "Any",
                "deploymentOption": "Multi-AZ",
            },
            "GB-Mo",
            "0.30",
        ),
        (
            "PIOPS",
            "Provisioned IOPS",
            {"usagetype": "APS1-RDS:PIOPS", "databaseEngine": "Any", "deploymentOption": "Single-AZ"},
            "IOPS-Mo",
            "0.12",
        ),
        (
            "PIOPSMZ",
            "Provisioned IOPS",
            {"usagetype": "APS1-RDS:Multi-AZ-PIOPS", "databaseEngine": "Any", "deploymentOption": "Multi-AZ"},
            "IOPS-Mo",
            "0.24",
        ),
        (
            "ESMY57",
            None,
            {
                "usagetype": "APS1-ExtendedSupport:Yr3:MySQL5.7",
                "databaseEngine": "MySQL",
                "extendedSupportPricingYear": "Year 3",
            },
            "vCPU-hour",
            "0.2400000000",
        ),
        (
            "ESPG12",
            None,
            {
                "usagetype": "APS1-ExtendedSupport:Yr1-Yr2:PostgreSQL12",
                "databaseEngine": "PostgreSQL",
                "extendedSupportPricingYear": "Year 1, Year 2",
            },
            "vCPU-hour",
            "0.1200000000",
        ),
        (
            "ESPG13",
            None,
            {
                "usagetype": "APS1-ExtendedSupport:Yr1-Yr2:PostgreSQL13",
                "databaseEngine": "PostgreSQL",
                "extendedSupportPricingYear": "Year 1, Year 2",
            },
            "vCPU-hour",
            "0.1200000000",
        ),
        (
            "ESAUROR",
            None,
            {
                "usagetype": "APS1-ExtendedSupport:Yr1-Yr2:AuroraMySQL2",
                "databaseEngine": "Aurora MySQL",
                "extendedSupportPricingYear": "Year 1, Year 2",
            },
            "vCPU-hour",
            "0.1200000000",
        ),
    ]
    (tmp_path / "AmazonRDS.json").write_bytes(_offer_file("AmazonRDS", rows))
    result = prices.refresh(REGION, str(tmp_path))
    assert {k: v["usd"] for k, v in result.prices.items()} == {
        "rds:instance:mysql:db.t3.micro:single-az": 0.026,
        "rds:instance:mysql:db.t3.micro:multi-az": 0.052,
        "rds:instance:mariadb:db.m6g.large:single-az": 0.209,
        "rds:instance:postgres:db.r7g.large:multi-az": 0.52,
        "rds:storage:io1:single-az": 0.15,
        "rds:storage:io1:multi-az": 0.3,
        "rds:iops:io1:single-az": 0.12,
        "rds:iops:io1:multi-az": 0.24,
        "rds:extended-support:year1": 0.12,  # postgres 12 and 13 at one rate: not ambiguous
        "rds:extended-support:year3": 0.24,
    }
    assert result.skipped["ExtendedSupport surcharge SKUs"] == 1  # the Aurora MySQL one
    assert result.prices["rds:extended-support:year3"]["unit"] == "vCPU-hour"


def test_elasticache_node_hours_skip_the_sync_durability_add_on(tmp_path):
    """vantage-sh/ec2instances.info issue 909: Valkey cache.r7g.large in ap-southeast-1 has its node-hour SKU
    ($0.2104) and a Multi-AZ SyncDurability SKU ($0.0379) on the same node type; only the first is the node price."""

    def node(usagetype: str, engine: str, node_type: str) -> dict:
        return {"usagetype": usagetype, "cacheEngine": engine, "instanceType": node_type}

    rows = [
        (
            "VKR7G",
            "Cache Instance",
            node("APS1-NodeUsage:cache.r7g.large", "Valkey", "cache.r7g.large"),
            "Hrs",
            "0.2104000000",
        ),
        (
            "VKR7GSD",
            "Cache Instance",
            node("APS1-SyncDurability-NodeUsage:cache.r7g.large", "Valkey", "cache.r7g.large"),
            "Hrs",
            "0.0379000000",
        ),
        (
            "RDT4G",
            "Cache Instance",
            node("APS1-NodeUsage:cache.t4g.small", "Redis", "cache.t4g.small"),
            "Hrs",
            "0.0480000000",
        ),
        (
            "MEMT4G",
            "Cache Instance",
            node("APS1-NodeUsage:cache.t4g.small", "Memcached", "cache.t4g.small"),
            "Hrs",
            "0.0480000000",
        ),
    ]
    (tmp_path / "AmazonElastiCache.json").write_bytes(_offer_file("AmazonElastiCache", rows))
    result = prices.refresh(REGION, str(tmp_path))
    assert {k: v["usd"] for k, v in result.prices.items()} == {
        "elasticache:node:valkey:cache.r7g.large": 0.2104,
        "elasticache:node:redis:cache.t4g.small": 0.048,
    }
    assert result.ambiguous == set()


def test_dms_t3_and_c5_classes_in_both_deployments(tmp_path):
    """The classes the migration uses (attribute names as Infracost filters the AWSDatabaseMigrationSvc offer:
    instanceType without the dms. prefix, availabilityZone Single/Multiple; fixture values, not real prices)."""
    rows = [
        (f"{size}{az}", None, {"instanceType": size, "availabilityZone": az}, "Hrs", usd)
        for size, az, usd in (
            ("t3.micro", "Single", "0.02"),
            ("t3.medium", "Multiple", "0.16"),
            ("t3.large", "Single", "0.16"),
            ("c5.large", "Multiple", "0.34"),
        )
    ]
    rows.append(("GP2MZ", None, {"storageMedia": "SSD", "availabilityZone": "Multiple"}, "GB-Mo", "0.28"))
    (tmp_path / "AWSDatabaseMigrationSvc.json").write_bytes(_offer_file("AWSDatabaseMigrationSvc", rows))
    result = prices.refresh(REGION, str(tmp_path))
    assert {k: v["usd"] for k, v in result.prices.items()} == {
        "dms:instance:t3.micro:single-az": 0.02,
        "dms:instance:t3.medium:multi-az": 0.16,
        "dms:instance:t3.large:single-az": 0.16,
        "dms:instance:c5.large:multi-az": 0.34,
        "dms:storage:gp2:multi-az": 0.28,
    }


def test_every_issue_18_catalog_key_is_one_a_refresh_rule_can_write():
    """Each EC2, RDS, ElastiCache and DMS key of the packaged catalog has an offer-file row shape that a rule maps
    onto it, so a refresh can replace every recorded-missing price."""
    catalog = json.loads(PACKAGED.read_text())
    keys = {
        key
        for region in catalog["regions"].values()
        for key in region["prices"]
        if key.startswith(("ec2:instance:", "rds:", "elasticache:node:", "dms:"))
    }

    def row_for(key: str) -> tuple[str, str | None, dict]:
        parts = key.split(":")
        if key.startswith("ec2:instance:"):
            return "AmazonEC2", "Compute Instance", _linux(parts[2])
        if key.startswith("rds:instance:"):
            engine = {"postgres": "PostgreSQL", "mysql": "MySQL", "mariadb": "MariaDB"}[parts[2]]
            multi = parts[4] == "multi-az"
            usage = f"APS1-{'Multi-AZUsage' if multi else 'InstanceUsage'}:{parts[3]}"
            return "AmazonRDS", "Database Instance", _rds(usage, parts[3], engine, "Multi-AZ" if multi else "Single-AZ")
        deployment = {"single-az": "Single-AZ", "multi-az": "Multi-AZ"}.get(parts[-1], "")
        if key.startswith("rds:storage:"):
            volume = {"gp2": "General Purpose", "gp3": "General Purpose-GP3", "io1": "Provisioned IOPS"}[parts[2]]
            return (
                "AmazonRDS",
                "Database Storage",
                {"volumeType": volume, "databaseEngine": "Any", "deploymentOption": deployment},
            )
        if key.startswith("rds:iops:"):
            prefix = "Multi-AZ-" if parts[-1] == "multi-az" else ""
            return "AmazonRDS", "Provisioned IOPS", {"usagetype": f"APS1-RDS:{prefix}PIOPS"}
        if key.startswith("rds:extended-support:"):
            year = {"year1": "Yr1-Yr2", "year3": "Yr3"}[parts[2]]
            return "AmazonRDS", None, {"usagetype": f"APS1-ExtendedSupport:{year}:PostgreSQL12"}
        if key == "rds:backup":
            return "AmazonRDS", "Storage Snapshot", {"usagetype": "APS1-RDS:ChargedBackupUsage"}
        if key.startswith("elasticache:node:"):
            return (
                "AmazonElastiCache",
                "Cache Instance",
                {
                    "usagetype": f"APS1-NodeUsage:{parts[3]}",
                    "cacheEngine": parts[2].replace("redis", "Redis").replace("valkey", "Valkey"),
                    "instanceType": parts[3],
                },
            )
        if key.startswith("dms:instance:"):
            return (
                "AWSDatabaseMigrationSvc",
                None,
                {"instanceType": parts[2], "availabilityZone": "Multiple" if multi_az(key) else "Single"},
            )
        return (
            "AWSDatabaseMigrationSvc",
            None,
            {"storageMedia": "SSD", "availabilityZone": "Multiple" if multi_az(key) else "Single"},
        )

    def multi_az(key: str) -> bool:
        return key.endswith("multi-az")

    unmapped = []
    for key in sorted(keys):
        offer, family, attributes = row_for(key)
        rules = [rule for rule in prices.RULES if rule.offer == offer and rule.family in (None, family)]
        if not any(rule.key(attributes) == key for rule in rules):
            unmapped.append(key)
    assert unmapped == []


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


# ---------------------------------------------------------------------------------------------------------------
# Issue 18, Singapore: the rows of the sources the catalog's ap-southeast-1 prices come from, in the bulk-JSON shape
# (usage types, units and prices as [S1] aadk979/SPOH_2027 prices.json, [S2], [S3], [P1] and the bill [S11] record
# them); a refresh from them reproduces the catalog, so a refresh from AWS's files can replace every one of them.

SINGAPORE_ROWS = {
    "AmazonECR": [("ECR", "EC2 Container Registry", {"usagetype": "APS1-TimedStorage-ByteHrs"}, "GB-Mo", "0.10")],
    "AmazonCognito": [
        ("ESS", "User Pool", {"usagetype": "APS1-CognitoEssentialsMAU"}, "CognitoUserPoolsMAU", "0.0150000000"),
        ("PLUS", "User Pool", {"usagetype": "APS1-CognitoPlusMAU"}, "CognitoUserPoolsMAU", "0.0200000000"),
        ("FREE", "User Pool", {"usagetype": "Global-CognitoFreeTierMAU"}, "CognitoUserPoolsMAU", "0.0000000000"),
    ],
    "AmazonECS": [
        ("ARMCPU", "Compute", {"usagetype": "APS1-Fargate-ARM-vCPU-Hours:perCPU"}, "hours", "0.0404500000"),
        ("ARMGB", "Compute", {"usagetype": "APS1-Fargate-ARM-GB-Hours"}, "hours", "0.0044200000"),
    ],
    "AmazonApiGateway": [
        ("HTTP", "API Calls", {"usagetype": "APS1-ApiGatewayHttpRequest"}, "Requests", "0.0000012500"),
    ],
    "AWSLambda": [
        ("REQ", "Serverless", {"usagetype": "APS1-Request"}, "Requests", "0.0000002000"),
        ("DUR", "Serverless", {"usagetype": "APS1-Lambda-GB-Second"}, "Lambda-GB-Second", "0.0000166667"),
        ("ARM", "Serverless", {"usagetype": "APS1-Lambda-GB-Second-ARM"}, "Lambda-GB-Second", "0.0000133334"),
    ],
    "awskms": [("KEY", "Encryption Key", {"usagetype": "ap-southeast-1-KMS-Keys"}, "Keys", "1.0000000000")],
    "AmazonDynamoDB": [  # attribute spellings as the DynamoDB rule reads them (Infracost's group filter)
        ("WRU", "Amazon DynamoDB PayPerRequest Throughput", {"group": "DDB-WriteUnits"}, "WriteRequestUnits",
         "0.0000007100"),
        ("RRU", "Amazon DynamoDB PayPerRequest Throughput", {"group": "DDB-ReadUnits"}, "ReadRequestUnits",
         "0.0000001425"),
    ],
    "AmazonRDS": [  # the billed Multi-AZ gp2 row only: the Single-AZ one is derived from it, not read
        ("GP2MZ", "Database Storage", {"volumeType": "General Purpose", "deploymentOption": "Multi-AZ",
                                       "databaseEngine": "PostgreSQL"}, "GB-Mo", "0.2760000000"),
    ],
    "AWSGlue": [
        ("JOB", "AWS Glue", {"group": "ETL Job run", "operation": "JobRun", "usagetype": "APS1-ETL-DPU-Hour"},
         "DPU-Hour", "0.4400000000"),
        ("CRAWL", "AWS Glue", {"group": "Data catalog crawler run", "operation": "CrawlerRun",
                               "usagetype": "APS1-Crawler-DPU-Hour"}, "DPU-Hour", "0.4400000000"),
        ("REQ", "AWS Glue", {"group": "Data catalog requests", "operation": "Request",
                             "usagetype": "APS1-Catalog-Request"}, "Request", "0.0000010000"),
    ],
}


def test_singapore_rows_of_the_catalogs_sources_reproduce_its_prices(tmp_path):
    for code, rows in SINGAPORE_ROWS.items():
        (tmp_path / f"{code}.json").write_bytes(_offer_file(code, rows))
    result = prices.refresh(REGION, str(tmp_path))
    catalog = json.loads(PACKAGED.read_text())["regions"][REGION]["prices"]
    assert sorted(result.prices) == [
        "apigateway:http:requests",
        "cognito:mau:essentials",
        "cognito:mau:plus",
        "dynamodb:ondemand:read",
        "dynamodb:ondemand:write",
        "ecr:storage",
        "ecs:fargate:arm64:gb",
        "ecs:fargate:arm64:vcpu",
        "glue:catalog:requests",
        "glue:crawler:dpu",
        "glue:job:dpu",
        "kms:key",
        "lambda:duration:arm64",
        "lambda:duration:x86_64",
        "lambda:requests",
        "rds:storage:gp2:multi-az",
    ]  # not the free-tier MAU row
    for key, entry in result.prices.items():
        assert not catalog[key].get("missing"), key
        assert (entry["usd"], entry["unit"]) == (pytest.approx(catalog[key]["usd"]), catalog[key]["unit"]), key


def test_cognito_lite_keeps_its_first_tier_and_arm_fargate_is_not_x86(tmp_path):
    """Fixture values, not real prices: the Lite plan's usage type, and each Fargate row priced by one rule only."""
    rows = [("LITE", None, {"usagetype": "APS1-CognitoLiteMAU"}, "CognitoUserPoolsMAU", "0.0050000000"),
            ("X86", "Compute", {"usagetype": "APS1-Fargate-vCPU-Hours:perCPU"}, "hours", "0.0500000000"),
            ("ARM", "Compute", {"usagetype": "APS1-Fargate-ARM-vCPU-Hours:perCPU"}, "hours", "0.0400000000")]
    (tmp_path / "AmazonCognito.json").write_bytes(_offer_file("AmazonCognito", rows[:1]))
    (tmp_path / "AmazonECS.json").write_bytes(_offer_file("AmazonECS", rows[1:]))
    found = {k: v["usd"] for k, v in prices.refresh(REGION, str(tmp_path)).prices.items()}
    assert found == {"cognito:mau:lite": 0.005, "ecs:fargate:x86_64:vcpu": 0.05, "ecs:fargate:arm64:vcpu": 0.04}


def test_a_region_refresh_keeps_the_every_region_kms_key_rate_global(tmp_path):
    rows = SINGAPORE_ROWS["awskms"]
    (tmp_path / "awskms.json").write_bytes(_offer_file("awskms", rows))
    catalog = json.loads(PACKAGED.read_text())
    merged = prices.merge(catalog, prices.refresh(REGION, str(tmp_path)))
    assert merged["global"]["kms:key"] == catalog["global"]["kms:key"]  # AWS's one rate, not the region's row
    assert "AWS offer file awskms" in merged["regions"][REGION]["prices"]["kms:key"]["source"]

"""Pricing rules of rollout.analysis.cost.catalog on hand-built inventories."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from rollout.analysis.cost import HOURS_PER_MONTH, catalog_problems, load_catalog
from rollout.errors import UserError
from tests.rollout.analysis.cost.builders import SG, US


def test_packaged_catalog_is_dated_and_sourced():
    catalog = load_catalog()
    assert catalog.date == "2026-09-25"
    assert {SG, US} <= set(catalog.regions)
    for region in (SG, US):
        for key, entry in catalog.regions[region].items():
            assert entry["source"] and entry["as_of"], key
    # spot checks against the sources: derived and missing rows keep their marks
    assert catalog.price(SG, "ec2:instance:r7g.2xlarge", "hour").derived  # 2 x r7g.xlarge, not read itself
    assert not catalog.price(SG, "ec2:instance:t4g.micro", "hour").derived  # sourced since issue 18
    assert catalog.price(SG, "sqs:requests:standard", "1M requests").usd is None  # still not found for Singapore
    valkey = catalog.price(SG, "elasticache:node:valkey:cache.t4g.micro", "node-hour")
    assert valkey.derived and valkey.usd == 0.0192  # Redis OSS 0.024 x 0.8
    assert "OLD DATA" in catalog.price(SG, "elasticache:node:redis:cache.t4g.micro", "node-hour").source
    assert catalog.price(US, "rds:instance:postgres:db.t4g.small:multi-az", "hour").usd == 0.065
    assert HOURS_PER_MONTH == 730


def test_bad_catalog_file_is_a_user_error(tmp_path):
    path = tmp_path / "prices.json"
    path.write_text(
        json.dumps({"catalog_date": "2026-01-01", "regions": {"x-1": {"prices": {"k": {"unit": "hour", "usd": None}}}}})
    )
    with pytest.raises(UserError, match="regions.x-1.prices.k: has no usd price and is not marked missing"):
        load_catalog(path)
    path.write_text("{")
    with pytest.raises(UserError, match="not valid JSON"):
        load_catalog(path)


def test_every_catalog_entry_names_a_defined_source_and_a_date(tmp_path):
    data = json.loads(resources.files("rollout").joinpath("data/prices.json").read_text())
    assert catalog_problems(data) == [] and {"S1", "S4"} <= set(data["sources"])
    path = tmp_path / "prices.json"
    missing_unsourced = {"unit": "hour", "usd": None, "missing": True}
    path.write_text(
        json.dumps(
            {
                "catalog_date": "2026-01-01",
                "sources": {"S1": "an offer file"},
                "free_tiers": [{"name": "t", "keys": ["k"], "quantity": 1, "unit": "GB", "source": "[S1] offer"}],
                "regions": {
                    "x-1": {
                        "prices": {
                            "k": missing_unsourced,
                            "j": {"unit": "GB", "usd": 1.0, "source": "[S9] x", "as_of": "2026-01"},
                        }
                    }
                },
            }
        )
    )
    with pytest.raises(UserError) as error:
        load_catalog(path)
    assert list(error.value.problems) == [
        f"{path}: regions.x-1.prices.k: needs a source and an as_of date (a missing price too: where it was sought)",
        f"{path}: free_tiers[0]: needs a source and an as_of date",
        f"{path}: regions.x-1.prices.j: source [S9] is not defined in the catalog's sources",
    ]


def test_packaged_catalog_keeps_price_keys_sorted():
    """Sorted keys keep a refresh's diff (and two branches adding prices) to the lines that changed."""
    raw = json.loads(resources.files("rollout.data").joinpath("prices.json").read_text())
    for name, region in raw["regions"].items():
        assert list(region["prices"]) == sorted(region["prices"]), name
    assert list(raw["global"]) == sorted(raw["global"])


EC2_CLASSES = (
    [
        f"{family}.{size}"
        for family in ("t2", "t3", "t3a", "t4g")
        for size in ("micro", "small", "medium", "large", "xlarge", "2xlarge")
    ]
    + [
        f"{family}.{size}"
        for family in ("m6g", "m7g", "c6g", "c7g", "r6g", "r7g")
        for size in ("medium", "large", "xlarge", "2xlarge")
    ]
    + [f"{family}.{size}" for family in ("m5", "m6i") for size in ("large", "xlarge", "2xlarge")]
)
RDS_CLASSES = [
    f"db.{family}.{size}"
    for family in ("t3", "t4g")
    for size in ("micro", "small", "medium", "large", "xlarge", "2xlarge")
] + [
    f"db.{family}.{size}"
    for family in ("m5", "m6g", "m6i", "m7g", "r5", "r6g", "r6i", "r7g")
    for size in ("large", "xlarge", "2xlarge")
]
CACHE_NODES = [f"cache.{family}.{size}" for family in ("t3", "t4g") for size in ("micro", "small", "medium")] + [
    f"cache.{family}.{size}" for family in ("m5", "m6g", "m7g", "r6g", "r7g") for size in ("large", "xlarge", "2xlarge")
]


@pytest.mark.parametrize("region", [SG, US])
def test_issue_18_classes_are_priced_or_recorded_missing_in_both_regions(region):
    """Every class issue 18 names has an entry: a price (sourced or derived, with its source and date) or a recorded
    gap ("price unknown"), never an absent key."""
    prices = load_catalog().regions[region]
    keys = [f"ec2:instance:{c}" for c in EC2_CLASSES]
    keys += [
        f"rds:instance:{engine}:{c}:{az}"
        for engine in ("postgres", "mysql", "mariadb")
        for c in RDS_CLASSES
        for az in ("single-az", "multi-az")
    ]
    keys += [
        f"rds:{kind}:{az}"
        for kind in ("storage:gp2", "storage:gp3", "storage:io1", "iops:io1")
        for az in ("single-az", "multi-az")
    ]
    keys += ["rds:extended-support:year1", "rds:extended-support:year3"]
    keys += [f"elasticache:node:{engine}:{node}" for engine in ("redis", "valkey") for node in CACHE_NODES]
    keys += [
        f"dms:instance:{c}:{az}"
        for c in ("t3.micro", "t3.small", "t3.medium", "t3.large", "c5.large")
        for az in ("single-az", "multi-az")
    ]
    absent = [key for key in keys if key not in prices]
    assert absent == []
    for key in keys:
        entry = prices[key]
        assert (entry["usd"] is None) == bool(entry.get("missing")), key
        if entry.get("derived"):
            assert entry["note"].startswith("derived:"), key
    # every EC2 class is priced in both regions (sourced, or derived from a sourced size of its family)
    assert [k for k in keys if k.startswith("ec2:") and prices[k]["usd"] is None] == []


def test_old_data_and_derivations_say_so():
    catalog = load_catalog()
    rds = catalog.price(SG, "rds:instance:mysql:db.t3.micro:single-az", "hour")
    assert (rds.usd, rds.derived, rds.as_of) == (0.026, False, "2021-08-03") and "OLD DATA" in rds.source
    multi = catalog.price(SG, "rds:instance:mysql:db.t3.micro:multi-az", "hour")
    assert multi.derived and multi.usd == 0.052 and "[K8]" in multi.source  # the documented Multi-AZ rule
    valkey = catalog.price(SG, "elasticache:node:valkey:cache.r6g.large", "node-hour")
    assert valkey.derived and valkey.usd == pytest.approx(0.247 * 0.8)
    # a row of the old source that breaks its family's doubling is not used: derived from its neighbour
    broken = catalog.price(US, "elasticache:node:redis:cache.m5.xlarge", "node-hour")
    assert broken.derived and broken.usd == 0.312 and "0.119" in broken.note
    assert catalog.price(SG, "dms:instance:t3.medium:single-az", "hour").usd is None


def test_an_every_region_rate_answers_outside_the_catalog_regions_only_for_commercial_ones():
    catalog = load_catalog()
    bangkok = catalog.price("ap-southeast-7", "ec2:public-ipv4", "hour")
    assert bangkok.usd == 0.005 and "[N1]" in bangkok.source and "ap-southeast-7" in bangkok.note
    assert catalog.price("us-gov-west-1", "ec2:public-ipv4", "hour").usd is None
    assert catalog.price("ap-southeast-7", "ec2:public-ipv4", "GB").usd is None  # the unit still has to match
    assert catalog.price("ap-southeast-7", "cloudfront:data-out:asia", "GB").usd is None  # not an every-region rate
    assert catalog.price("ap-southeast-1", "ec2:public-ipv4", "hour").source.startswith("[S1]")  # regional first

"""Pricing rules of rollout.analysis.cost.catalog on hand-built inventories."""

from __future__ import annotations

import json

import pytest

from rollout.analysis.cost import HOURS_PER_MONTH, load_catalog
from rollout.errors import UserError
from tests.rollout.analysis.cost.builders import SG, US


def test_packaged_catalog_is_dated_and_sourced():
    catalog = load_catalog()
    assert catalog.date == "2026-09-25"
    assert {SG, US} <= set(catalog.regions)
    for region in (SG, US):
        for key, entry in catalog.regions[region].items():
            assert entry.get("missing") or (entry["source"] and entry["as_of"]), key
    # PRICES.md spot checks: derived and missing rows keep their marks
    assert catalog.price(SG, "ec2:instance:t4g.micro", "hour").derived
    assert catalog.price(SG, "sqs:requests:standard", "1M requests").usd is None  # still not found for Singapore
    valkey = catalog.price(SG, "elasticache:node:valkey:cache.t4g.micro", "node-hour")
    assert valkey.derived and valkey.usd == 0.0192  # Redis OSS 0.024 x 0.8
    assert "OLD DATA" in catalog.price(SG, "elasticache:node:redis:cache.t4g.micro", "node-hour").source
    assert catalog.price(US, "rds:instance:postgres:db.t4g.small:multi-az", "hour").usd == 0.065
    assert HOURS_PER_MONTH == 730


def test_bad_catalog_file_is_a_user_error(tmp_path):
    path = tmp_path / "prices.json"
    path.write_text(json.dumps({"catalog_date": "2026-01-01",
                                "regions": {"x-1": {"prices": {"k": {"unit": "hour", "usd": None}}}}}))
    with pytest.raises(UserError, match="regions.x-1.prices.k: has no usd price and is not marked missing"):
        load_catalog(path)
    path.write_text("{")
    with pytest.raises(UserError, match="not valid JSON"):
        load_catalog(path)

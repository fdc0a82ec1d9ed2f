"""What pricers share (rollout.analysis.cost.context): catalog lines, usage precedence, references."""

from __future__ import annotations

import pytest

from rollout.analysis.cost import load_catalog
from rollout.analysis.cost.context import PricingContext, flatten, is_unknown
from rollout.model.inventory import UNKNOWN
from rollout.model.settings import UsageSettings
from tests.rollout.analysis.cost.builders import SG, inv, res


def test_line_prices_known_keys_and_marks_unknown_ones():
    ctx = PricingContext(inv(), UsageSettings(), SG, load_catalog())
    known = ctx.line("NAT", "vpc:nat-gateway:hour", "hour", 730)
    assert known.price_known and known.monthly == pytest.approx(730 * known.price)
    missing = ctx.line("Nope", "no:such:key", "hour", 1)
    assert not missing.price_known and missing.monthly is None
    assert "no:such:key is not in the catalog" in missing.note
    wrong_unit = ctx.line("NAT", "vpc:nat-gateway:hour", "GB", 1)
    assert "catalog unit of vpc:nat-gateway:hour is hour" in wrong_unit.note


def test_usage_by_resource_beats_by_type_beats_profile():
    queue = res("aws:sqs/queue:Queue", "q")
    settings = UsageSettings(
        by_type={"aws:sqs/queue:Queue": {"monthlyRequests": 5}}, by_resource={queue.urn: {"monthlyRequests": 7}}
    )
    ctx = PricingContext(inv(queue), settings, SG, load_catalog())
    assert ctx.usage(queue, "monthlyRequests") == 7
    assert [a.origin for a in ctx.assumptions] == ["byResource"]


def test_referenced_by_property_dependency_or_physical_name():
    template = res("aws:ec2/launchTemplate:LaunchTemplate", "lt", {"name": "lt-1"})
    group = res("aws:autoscaling/group:Group", "g", property_dependencies={"launchTemplate": (template.urn,)})
    by_name = res("aws:autoscaling/group:Group", "h")
    ctx = PricingContext(inv(template, group, by_name), UsageSettings(), SG, load_catalog())
    lt = "aws:ec2/launchTemplate:LaunchTemplate"
    assert ctx.referenced(group, "launchTemplate", lt) is template
    assert ctx.referenced(by_name, "launchTemplate", lt, {"name": "lt-1"}) is template
    assert ctx.referenced(by_name, "launchTemplate", lt, {"name": "other"}) is None


def test_flatten_and_is_unknown():
    assert flatten({"a": [1, {"b": 2}], "c": 3}) == [1, 2, 3]
    assert is_unknown(1, UNKNOWN) and not is_unknown(1, None)


def test_tiered_lines_fill_each_tier_then_stop():
    from rollout.analysis.cost.context import INTERNET_OUT_TIERS

    ctx = PricingContext(inv(), UsageSettings(), SG, load_catalog())
    lines = ctx.tiered("Out", "transfer:out:internet", "GB", 51_200, INTERNET_OUT_TIERS)
    # exactly the first two tiers: 10,240 GB at 0.12 and 40,960 GB at 0.085; no empty third line
    assert [(c.name, c.quantity, c.price, c.price_key) for c in lines] == [
        ("Out (first 10 TB)", 10_240, 0.12, "transfer:out:internet"),
        ("Out (next 40 TB)", 40_960, 0.085, "transfer:out:internet:next-40tb"),
    ]
    assert all(c.usage_based for c in lines)
    assert [c.quantity for c in ctx.tiered("Out", "transfer:out:internet", "GB", 0, INTERNET_OUT_TIERS)] == [0]


def test_send_to_internet_records_the_usage_for_the_account_line():
    alb = res("aws:lb/loadBalancer:LoadBalancer", "web")
    ctx = PricingContext(
        inv(alb), UsageSettings(by_resource={"web": {"monthlyDataTransferOutGb": 42}}), SG, load_catalog()
    )
    assert ctx.send_to_internet(alb) == 42
    assert ctx.internet_out == [(alb, SG, 42)]
    assert ctx.assumptions[-1].origin == "byResource"

"""Pricing rules of rollout.analysis.cost.pricers.cloudflare on hand-built inventories."""

from __future__ import annotations

from rollout.model.settings import UsageSettings
from tests.rollout.analysis.cost.builders import price, res


def test_cloudflare_zone_plan_from_its_subscription_or_usage():
    zone = res("cloudflare:index/zone:Zone", "shop", {"name": "shop.example.vn"})
    subscription = res("cloudflare:index/zoneSubscription:ZoneSubscription", "shop-plan",
                       {"ratePlan": {"id": "pro"}}, property_dependencies={"zoneId": (zone.urn,)})
    assert price(zone, subscription).total_monthly == 20
    assert price(zone).total_monthly == 0
    assert price(zone, usage=UsageSettings(cloudflare_plan="business")).total_monthly == 200

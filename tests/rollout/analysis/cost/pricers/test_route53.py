"""Pricing rules of rollout.analysis.cost.pricers.route53 on hand-built inventories."""

from __future__ import annotations

import pytest

from tests.rollout.analysis.cost.builders import US, price, res


def test_health_check_of_a_site_outside_aws_with_its_optional_features():
    check = res("aws:route53/healthCheck:HealthCheck", "uptime",
                {"type": "HTTPS_STR_MATCH", "fqdn": "shop.example.vn", "requestInterval": 10})
    report = price(check)
    # non-AWS endpoint 0.75 + 3 features (HTTPS, string match, fast interval) x 2.00 = 6.75, global prices
    assert report.total_monthly == pytest.approx(6.75)
    assert report.resources[0].components[0].name == "Health check (HTTPS_STR_MATCH, NON AWS endpoint)"
    assert price(check, region=US).total_monthly == pytest.approx(6.75)


def test_health_check_of_an_aws_endpoint_and_a_plain_http_check():
    check = res("aws:route53/healthCheck:HealthCheck", "alb", {"type": "HTTP", "fqdn": "x.elb.amazonaws.com"})
    report = price(check)
    assert report.total_monthly == pytest.approx(0.50)
    assert len(report.resources[0].components) == 1


def test_hosted_zone_and_standard_queries():
    # 0.50 per zone + small profile 1M queries x 0.40
    assert price(res("aws:route53/zone:Zone", "shop")).total_monthly == pytest.approx(0.90)

"""Pricing rules of rollout.analysis.cost.pricers.route53 on hand-built inventories."""

from __future__ import annotations

import pytest

from tests.rollout.analysis.cost.builders import US, price, res


def test_health_check_of_a_site_outside_aws_with_its_optional_features():
    check = res(
        "aws:route53/healthCheck:HealthCheck",
        "uptime",
        {"type": "HTTPS_STR_MATCH", "fqdn": "shop.example.vn", "requestInterval": 10},
    )
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


def test_query_kinds_and_tiers_golden(synth):
    """Golden (Infracost route53_record_test, my_record_withUsage, plus its hosted zone)."""
    from rollout.model.settings import UsageSettings
    from tests.rollout.analysis.cost.builders import breakdown, golden

    def program() -> None:
        import pulumi_aws as aws

        aws.route53.Zone("shop", name="shop.example.vn")

    usage = UsageSettings(
        by_resource={
            "shop": {"monthlyStandardQueries": 1_100e6, "monthlyLatencyQueries": 1_200e6, "monthlyGeoQueries": 1_500e6}
        }
    )
    lines = breakdown(golden(synth, program, usage))
    assert lines == [
        ("shop", "Hosted zone", 1.0, "month", 0.5),
        ("shop", "Standard queries (first 1B)", 1000.0, "1M queries", 400.0),
        ("shop", "Standard queries (over 1B)", 100.0, "1M queries", 20.0),
        ("shop", "Latency based routing queries (first 1B)", 1000.0, "1M queries", 600.0),
        ("shop", "Latency based routing queries (over 1B)", 200.0, "1M queries", 60.0),
        ("shop", "Geo DNS queries (first 1B)", 1000.0, "1M queries", 700.0),
        ("shop", "Geo DNS queries (over 1B)", 500.0, "1M queries", 175.0),
    ]
    assert sum(row[4] for row in lines) == pytest.approx(1955.50)


def test_latency_records_without_latency_usage_are_named():
    zone = res("aws:route53/zone:Zone", "shop", {"name": "shop.example.vn"})
    record = res(
        "aws:route53/record:Record",
        "www",
        {"zoneId": "shop", "name": "www", "type": "A", "latencyRoutingPolicies": [{"region": "ap-southeast-1"}]},
    )
    report = price(zone, record)
    assert "set monthlyLatencyQueries" in report.resources[0].note
    assert len(report.resources[0].components) == 2  # zone + standard queries: no latency line at 0

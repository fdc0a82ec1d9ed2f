"""Pricing rules of rollout.analysis.cost.pricers.cloudfront on hand-built inventories."""

from __future__ import annotations

import pytest

from rollout.model.settings import UsageSettings
from tests.rollout.analysis.cost.builders import line, price, res

CF = "aws:cloudfront/distribution:Distribution"


def test_cloudfront_small_usage_fits_the_always_free_allowance():
    report = price(res(CF, "cdn"))
    data = line(report, "Data transfer out")
    # 100 GB and 1M requests (100 x 10k) are inside 1 TB + 10M requests free
    assert (data.quantity, data.free_quantity, data.monthly) == (100, 100, 0)
    assert report.total_monthly == 0
    assert report.free_tiers_used[0][1] == 100


def test_cloudfront_by_region_group_and_price_class():
    usage = UsageSettings(by_resource={"cdn": {"monthlyDataTransferGb": 3000, "monthlyHttpsRequests": 50e6}})
    # Asia edges: (3000 - 1000 free) x 0.120 = 240; (5000 - 1000 free) x 10k x 0.0120 = 48 => 288
    assert price(res(CF, "cdn"), usage=usage).total_monthly == pytest.approx(288)
    # PriceClass_100 has no Asian edges: (2000 x 0.085) + (4000 x 0.0100) = 170 + 40 = 210
    narrow = price(res(CF, "cdn", {"priceClass": "PriceClass_100"}), usage=usage)
    assert narrow.total_monthly == pytest.approx(210)
    assert "excludes asia" in narrow.resources[0].note


def test_cloudfront_flat_rate_plan_option():
    report = price(res(CF, "cdn"), usage=UsageSettings(cloudfront_plan="pro"))
    assert [(c.name, c.monthly, c.usage_based) for c in report.resources[0].components] == [
        ("Flat-rate plan (pro)", 15.0, False)
    ]


def test_cloudfront_volume_tiers_and_http_requests_golden(synth):
    """Golden (Infracost cloudfront_distribution 'Hong Kong, Philippines, Asia Pacific' prices): 200,000 GB to
    viewers in Asia (Vietnam is an Asia edge of PriceClass_200), 20M HTTPS and 10M HTTP requests."""
    from tests.rollout.analysis.cost.builders import SG, breakdown, golden

    def program() -> None:
        import pulumi_aws as aws

        origin = {
            "domain_name": "origin.shop.example.vn",
            "origin_id": "old-server",
            "custom_origin_config": {
                "http_port": 80,
                "https_port": 443,
                "origin_protocol_policy": "https-only",
                "origin_ssl_protocols": ["TLSv1.2"],
            },
        }
        aws.cloudfront.Distribution(
            "cdn",
            enabled=True,
            price_class="PriceClass_200",
            origins=[origin],
            default_cache_behavior={
                "target_origin_id": "old-server",
                "viewer_protocol_policy": "redirect-to-https",
                "allowed_methods": ["GET", "HEAD"],
                "cached_methods": ["GET", "HEAD"],
                "cache_policy_id": "658327ea-f89d-4fab-a63d-7e88639e58f6",
            },
            restrictions={"geo_restriction": {"restriction_type": "none"}},
            viewer_certificate={"cloudfront_default_certificate": True},
        )

    usage = UsageSettings(
        by_resource={
            "cdn": {"monthlyDataTransferGb": 200_000, "monthlyHttpsRequests": 20e6, "monthlyHttpRequests": 10e6}
        }
    )
    # (10,240 - 1,000 free) x 0.12 = 1,108.80; 40,960 x 0.10 = 4,096; 102,400 x 0.095 = 9,728; 46,400 x 0.09 =
    # 4,176; HTTPS (2,000 - 1,000 free) x 0.012 = 12; HTTP 1,000 x 0.009 = 9 (the free 10M went to HTTPS)
    assert breakdown(golden(synth, program, usage, region=SG)) == [
        ("cdn", "Data transfer out to viewers, asia edges (first 10 TB)", 10240.0, "GB", 1108.8),
        ("cdn", "Data transfer out to viewers, asia edges (next 40 TB)", 40960.0, "GB", 4096.0),
        ("cdn", "Data transfer out to viewers, asia edges (next 100 TB)", 102400.0, "GB", 9728.0),
        ("cdn", "Data transfer out to viewers, asia edges (next 350 TB)", 46400.0, "GB", 4176.0),
        ("cdn", "HTTPS requests (asia edges)", 2000.0, "10k requests", 12.0),
        ("cdn", "HTTP requests (asia edges)", 1000.0, "10k requests", 9.0),
    ]


def test_cloudfront_us_edges_over_5_pb():
    usage = UsageSettings(by_resource={"cdn": {"monthlyDataTransferGb": 12_340_000, "monthlyHttpsRequests": 0}})
    lines = price(res(CF, "cdn"), usage=usage, region="us-east-1").resources[0].components
    assert [c.name.split("(")[-1].rstrip(")") for c in lines][:7] == [
        "first 10 TB",
        "next 40 TB",
        "next 100 TB",
        "next 350 TB",
        "next 524 TB",
        "next 4 PB",
        "over 5 PB",
    ]
    # Infracost US, Mexico, Canada: over 5 PB at 0.02 (7,097,120 GB = $141,942.40)
    assert (lines[6].quantity, round(lines[6].monthly, 2)) == (7_097_120, 141_942.40)

"""Pricing rules of rollout.analysis.cost.pricers.vpc on hand-built inventories."""

from __future__ import annotations

import pytest

from tests.rollout.analysis.cost.builders import price, res


def test_nat_gateway_hours_and_gb():
    report = price(res("aws:ec2/natGateway:NatGateway", "nat"))
    # 730 x 0.059 = 43.07; 10 GB (small) x 0.059 = 0.59
    assert report.total_monthly == pytest.approx(43.66)


def test_interface_endpoint_per_zone_and_gateway_endpoint_free(synth):
    from tests.rollout.analysis.cost.builders import breakdown, golden

    def program() -> None:
        import pulumi_aws as aws

        aws.ec2.VpcEndpoint("ecr", vpc_id="vpc-1", service_name="com.amazonaws.us-east-1.ecr.api",
                            vpc_endpoint_type="Interface", subnet_ids=["subnet-a", "subnet-b"])
        aws.ec2.VpcEndpoint("s3", vpc_id="vpc-1", service_name="com.amazonaws.us-east-1.s3")

    report = golden(synth, program)
    # Infracost: 2 zones x 730 h x 0.01 = 14.60; small profile 10 GB x 0.01 = 0.10
    assert breakdown(report) == [
        ("ecr", "Endpoint (Interface) x 2 zones", 1460.0, "hour", 14.6),
        ("ecr", "Data processed (first 1 PB)", 10.0, "GB", 0.1),
    ]
    assert "no charge of their own" in next(r for r in report.resources if r.name == "s3").note


def test_transit_gateway_attachments(synth):
    from tests.rollout.analysis.cost.builders import breakdown, golden

    def program() -> None:
        import pulumi_aws as aws

        aws.ec2transitgateway.VpcAttachment("spoke", transit_gateway_id="tgw-1", vpc_id="vpc-1",
                                            subnet_ids=["subnet-a"])

    # Infracost: 730 h x 0.05 = 36.50; small profile 10 GB x 0.02 = 0.20
    assert breakdown(golden(synth, program)) == [
        ("spoke", "Transit gateway attachment", 730.0, "hour", 36.5),
        ("spoke", "Data processed", 10.0, "GB", 0.2),
    ]

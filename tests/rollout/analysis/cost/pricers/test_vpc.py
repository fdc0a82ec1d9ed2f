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

        aws.ec2.VpcEndpoint(
            "ecr",
            vpc_id="vpc-1",
            service_name="com.amazonaws.us-east-1.ecr.api",
            vpc_endpoint_type="Interface",
            subnet_ids=["subnet-a", "subnet-b"],
        )
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

        aws.ec2transitgateway.VpcAttachment(
            "spoke", transit_gateway_id="tgw-1", vpc_id="vpc-1", subnet_ids=["subnet-a"]
        )

    # Infracost: 730 h x 0.05 = 36.50; small profile 10 GB x 0.02 = 0.20
    assert breakdown(golden(synth, program)) == [
        ("spoke", "Transit gateway attachment", 730.0, "hour", 36.5),
        ("spoke", "Data processed", 10.0, "GB", 0.2),
    ]


def test_site_to_site_vpn_golden(synth):
    """Golden (Infracost vpn_connection_test, us-east-1): $36.50 a connection; on a transit gateway also the
    attachment ($36.50) and the GB it processes (100 GB x 0.02 = $2.00)."""
    from rollout.model.settings import UsageSettings
    from tests.rollout.analysis.cost.builders import breakdown, golden

    def program() -> None:
        import pulumi_aws as aws

        customer = aws.ec2.CustomerGateway("office", bgp_asn="65000", ip_address="203.0.113.10", type="ipsec.1")
        aws.ec2.VpnConnection(
            "old-server",
            customer_gateway_id=customer.id,
            vpn_gateway_id="vgw-1",
            type="ipsec.1",
            static_routes_only=True,
        )
        aws.ec2.VpnConnection("transit", customer_gateway_id=customer.id, transit_gateway_id="tgw-1", type="ipsec.1")

    usage = UsageSettings(by_resource={"transit": {"monthlyDataProcessedGb": 100}})
    assert breakdown(golden(synth, program, usage)) == [
        ("old-server", "VPN connection", 730.0, "hour", 36.5),
        ("transit", "VPN connection", 730.0, "hour", 36.5),
        ("transit", "Transit gateway attachment", 730.0, "hour", 36.5),
        ("transit", "Data processed", 100.0, "GB", 2.0),
    ]


def test_vpn_in_singapore_and_large_tunnels_are_unknown_not_guessed():
    from tests.rollout.analysis.cost.builders import price, res

    vpn = price(res("aws:ec2/vpnConnection:VpnConnection", "v"))
    assert not vpn.resources[0].components[0].price_known and "price unknown" in vpn.resources[0].components[0].note
    large = price(res("aws:ec2/vpnConnection:VpnConnection", "v", {"tunnelBandwidth": "large"}), region="us-east-1")
    assert "large-bandwidth" in large.resources[0].components[0].note


def test_data_out_over_a_vpn_joins_the_accounts_transfer_out():
    from rollout.model.settings import UsageSettings
    from tests.rollout.analysis.cost.builders import US, price, res

    usage = UsageSettings(by_resource={"v": {"monthlyDataTransferOutGb": 200}})
    report = price(res("aws:ec2/vpnConnection:VpnConnection", "v"), region=US, usage=usage)
    account = next(r for r in report.resources if r.name == "data transfer out to the internet")
    # 730 h x 0.05 = 36.50 for the connection; (200 - 100 free) GB x 0.09 = 9.00 on the account's line
    assert (round(report.resources[0].monthly, 2), round(account.monthly, 2)) == (36.5, 9.0)

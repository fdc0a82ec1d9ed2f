"""VPC networking: NAT gateways, interface/Gateway Load Balancer endpoints, transit gateway attachments, peering and
Site-to-Site VPN (issue 14's hosting: the old server reached over peering or a VPN)."""

from __future__ import annotations

from typing import Any

from rollout.analysis.cost.context import HOURS_PER_MONTH, Priced, PricingContext
from rollout.model.inventory import Resource


def _nat_gateway(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    if inputs.get("connectivityType") != "private":
        ctx.send_to_internet(resource)  # what leaves through a public NAT gateway is data transfer out too
    return Priced(
        [
            ctx.line("NAT gateway", "vpc:nat-gateway:hour", "hour", HOURS_PER_MONTH),
            ctx.line(
                "Data processed",
                "vpc:nat-gateway:gb",
                "GB",
                ctx.usage(resource, "monthlyDataProcessedGb"),
                usage_based=True,
            ),
        ]
    )


def _endpoint(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    kind = inputs.get("vpcEndpointType") or "Gateway"  # the EC2 API's default endpoint type
    if kind == "Gateway":
        return Priced([], note="gateway endpoints (S3, DynamoDB) have no charge of their own")
    subnets = inputs.get("subnetIds")
    if kind == "Interface":
        # Billed per endpoint per Availability Zone: one network interface per subnet.
        zones, note = (
            (len(subnets), "")
            if isinstance(subnets, list) and subnets
            else (1, "subnets unknown before apply: one zone assumed")
        )
        return Priced(
            [
                ctx.line(
                    f"Endpoint (Interface) x {zones} zones",
                    "vpc:endpoint:interface:hour",
                    "hour",
                    zones * HOURS_PER_MONTH,
                    note=note,
                ),
                ctx.line(
                    "Data processed (first 1 PB)",
                    "vpc:endpoint:interface:gb",
                    "GB",
                    ctx.usage(resource, "monthlyDataProcessedGb"),
                    usage_based=True,
                ),
            ]
        )
    return Priced([ctx.line(f"Endpoint ({kind})", "vpc:endpoint:gwlb:hour", "hour", HOURS_PER_MONTH)])


def _transit_attachment(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    return Priced(
        [
            ctx.line("Transit gateway attachment", "vpc:tgw:attachment", "hour", HOURS_PER_MONTH),
            ctx.line(
                "Data processed", "vpc:tgw:gb", "GB", ctx.usage(resource, "monthlyDataProcessedGb"), usage_based=True
            ),
        ]
    )


def _peering_attachment(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    return Priced(
        [ctx.line("Transit gateway attachment", "vpc:tgw:attachment", "hour", HOURS_PER_MONTH)],
        note="data over a peering attachment is billed as inter-region transfer, not priced here",
    )


def _no_charge_of_its_own(note: str) -> Any:
    def pricer(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
        return Priced([], note=note)

    return pricer


def _vpn_connection(resource: Resource, inputs: dict[str, Any], ctx: PricingContext) -> Priced:
    """Site-to-Site VPN: connection-hours (two tunnels each); on a transit gateway also the attachment and GB
    processed (Infracost aws_vpn_connection). Data out over the tunnels is billed as data transfer out."""
    if inputs.get("tunnelBandwidth") == "large":
        return Priced(
            [
                ctx.unknown(
                    "VPN connection (large bandwidth tunnels)",
                    "hour",
                    "no catalog price for large-bandwidth Site-to-Site VPN tunnels",
                    HOURS_PER_MONTH,
                )
            ]
        )
    ctx.send_to_internet(resource)  # what AWS sends over the tunnels is billed at data-transfer-out rates
    components = [ctx.line("VPN connection", "vpc:vpn:connection", "hour", HOURS_PER_MONTH)]
    if inputs.get("transitGatewayId"):
        components += [
            ctx.line("Transit gateway attachment", "vpc:tgw:attachment", "hour", HOURS_PER_MONTH),
            ctx.line(
                "Data processed", "vpc:tgw:gb", "GB", ctx.usage(resource, "monthlyDataProcessedGb"), usage_based=True
            ),
        ]
    return Priced(
        components,
        note="data sent from AWS over the tunnels is billed as data transfer out (usage "
        "monthlyDataTransferOutGb, priced on the account's transfer-out line)",
    )


PRICERS = {
    "aws:ec2/natGateway:NatGateway": _nat_gateway,
    "aws:ec2/vpcEndpoint:VpcEndpoint": _endpoint,
    "aws:ec2transitgateway/vpcAttachment:VpcAttachment": _transit_attachment,
    "aws:ec2transitgateway/peeringAttachment:PeeringAttachment": _peering_attachment,
    "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": _no_charge_of_its_own(
        "no charge for the connection; data across it is billed as (inter-AZ or inter-region) transfer"
    ),
    "aws:ec2/vpnGateway:VpnGateway": _no_charge_of_its_own("no charge of its own: billed per VPN connection"),
    "aws:ec2/customerGateway:CustomerGateway": _no_charge_of_its_own("no charge of its own: the on-premises side"),
    "aws:ec2/vpnConnectionRoute:VpnConnectionRoute": _no_charge_of_its_own("a route: no charge of its own"),
    "aws:ec2/vpnConnection:VpnConnection": _vpn_connection,
}

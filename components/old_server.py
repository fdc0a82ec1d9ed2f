"""The current server's way into the new VPC until the application moves onto the web tier.

- `VpcPeering`: the server is an EC2 instance in this account and region. Its VPC is peered with ours (accepted
  in the same call: same account and region), routes go both ways (our route tables → its CIDR, its route tables
  → ours), and DNS names resolve to private addresses across the peering.
- Both add their routes to our tables as separate resources (`vpc_routes`: aws.ec2.Route, or
  aws.ec2.VpnGatewayRoutePropagation), so those tables must carry no inline `routes` (components/network.py, VPC-04);
  phase 2 associates the subnets with the tables only after them (`Network.associate_subnets(after=...)`).
- `SiteToSiteVpn`: the server is elsewhere. A managed AWS Site-to-Site VPN (customer gateway = the server's
  public IP, a virtual private gateway on our VPC with route propagation into our route tables, a static-route
  connection with IKEv2, AES-256, SHA2-256 and DH group 14+ only). `swanctl_conf` renders the server side for
  strongSwan from the connection's tunnel outputs; the pre-shared keys stay secret outputs.
- `ServerPermissions`: what the app needs, attached to the server's EXISTING role as one inline policy (a
  `RolePolicy` on the role name: the instance keeps running, nothing is replaced), plus the customer-managed
  policies (e.g. the cache's connect policy) as attachments.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws
from pydantic import Field

from components._args import Args, StrInput

IKE = {
    # AWS Site-to-Site VPN tunnel options (EC2 API VpnTunnelOptionsSpecification): the strongest values each list
    # accepts that strongSwan 5.9+ negotiates; AWS's defaults also allow AES128/SHA1/DH2.
    "ike_versions": ["ikev2"],
    "phase1_encryption_algorithms": ["AES256"],
    "phase1_integrity_algorithms": ["SHA2-256"],
    "phase1_dh_group_numbers": [14],
    "phase2_encryption_algorithms": ["AES256"],
    "phase2_integrity_algorithms": ["SHA2-256"],
    "phase2_dh_group_numbers": [14],
}
CUSTOMER_GATEWAY_ASN = "65000"
"""A private ASN; with static routes it is never announced."""


class VpcPeeringArgs(Args):
    vpc_id: StrInput = Field(description="Our VPC (requester). Required.")
    vpc_cidr: str = Field(description="Our VPC's CIDR (the return route on the server's side). Required.")
    route_table_ids: list[StrInput] = Field(description="Our route tables that get the route to the server's VPC. "
                                                        "Required.")
    peer_vpc_id: str = Field(description="The server's VPC (accepter). Required.")
    peer_vpc_cidr: str = Field(description="The server's VPC CIDR. Required.")
    peer_route_table_ids: list[str] = Field(min_length=1, description="The server's route tables that get the route "
                                                                      "to our VPC. Required.")


class VpcPeering(pulumi.ComponentResource):
    """Peering with the server's VPC, and routes both ways."""

    def __init__(self, name: str, args: VpcPeeringArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sme-rollout:network:VpcPeering", name, {}, opts)
        self._name = name
        self.connection = aws.ec2.VpcPeeringConnection(
            name, vpc_id=args.vpc_id, peer_vpc_id=args.peer_vpc_id, auto_accept=True,
            requester={"allow_remote_vpc_dns_resolution": True},
            accepter={"allow_remote_vpc_dns_resolution": True},
            tags={"Name": name}, opts=pulumi.ResourceOptions(parent=self))
        self.vpc_routes = [
            aws.ec2.Route(f"{name}-to-server-{i}", route_table_id=table, destination_cidr_block=args.peer_vpc_cidr,
                          vpc_peering_connection_id=self.connection.id, opts=pulumi.ResourceOptions(parent=self))
            for i, table in enumerate(args.route_table_ids, start=1)]
        """The routes this link adds to our route tables (a subnet moves onto a table only after them)."""
        for i, table in enumerate(args.peer_route_table_ids, start=1):
            aws.ec2.Route(f"{name}-from-server-{i}", route_table_id=table, destination_cidr_block=args.vpc_cidr,
                          vpc_peering_connection_id=self.connection.id, opts=pulumi.ResourceOptions(parent=self))
        self.connection_id = self.connection.id
        self.register_outputs({"peeringConnectionId": self.connection.id})


class SiteToSiteVpnArgs(Args):
    vpc_id: StrInput = Field(description="Our VPC. Required.")
    vpc_cidr: str = Field(description="Our VPC's CIDR (the server routes it into the tunnel). Required.")
    route_table_ids: list[StrInput] = Field(description="Our route tables that learn the server's range. Required.")
    server_ip: str = Field(description="The server's public IPv4 address. Required.")
    server_cidr: str = Field(description="The server-side range the tunnel carries. Required.")


class SiteToSiteVpn(pulumi.ComponentResource):
    """Customer gateway, virtual private gateway (route propagation), static-route connection with two tunnels."""

    def __init__(self, name: str, args: SiteToSiteVpnArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sme-rollout:network:SiteToSiteVpn", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.customer_gateway = aws.ec2.CustomerGateway(
            f"{name}-server", bgp_asn=CUSTOMER_GATEWAY_ASN, ip_address=args.server_ip, type="ipsec.1",
            tags={"Name": f"{name}-server"}, opts=child)
        self.vpn_gateway = aws.ec2.VpnGateway(f"{name}-gateway", vpc_id=args.vpc_id, tags={"Name": name}, opts=child)
        self.vpc_routes = [
            aws.ec2.VpnGatewayRoutePropagation(f"{name}-propagation-{i}", vpn_gateway_id=self.vpn_gateway.id,
                                               route_table_id=table, opts=child)
            for i, table in enumerate(args.route_table_ids, start=1)]
        """The propagations into our route tables (a subnet moves onto a table only after them)."""
        tunnel_options = {f"tunnel{n}_{key}": value for n in (1, 2) for key, value in IKE.items()}
        self.connection = aws.ec2.VpnConnection(
            name, customer_gateway_id=self.customer_gateway.id, vpn_gateway_id=self.vpn_gateway.id, type="ipsec.1",
            static_routes_only=True, local_ipv4_network_cidr=args.server_cidr,
            remote_ipv4_network_cidr=args.vpc_cidr, **tunnel_options, opts=child)
        aws.ec2.VpnConnectionRoute(f"{name}-server-route", destination_cidr_block=args.server_cidr,
                                   vpn_connection_id=self.connection.id, opts=child)
        c = self.connection
        self.server_config = pulumi.Output.secret(pulumi.Output.all(
            c.tunnel1_address, c.tunnel1_preshared_key, c.tunnel2_address, c.tunnel2_preshared_key).apply(
            lambda v: swanctl_conf(args.server_ip, args.server_cidr, args.vpc_cidr,
                                   [(v[0], v[1]), (v[2], v[3])])))
        self.register_outputs({"vpnConnectionId": c.id})


def swanctl_conf(server_ip: str, server_cidr: str, vpc_cidr: str, tunnels: list[tuple[str, str]]) -> str:
    """`/etc/swanctl/conf.d/aws.conf` for strongSwan (swanctl) on the server: both AWS tunnels, IKEv2 with the
    proposals the connection accepts, the VPC's range routed through them, dead-peer detection restarting them."""
    connections, secrets = [], []
    for number, (address, _key) in enumerate(tunnels, start=1):
        connections.append(f"""  aws-tunnel{number} {{
    version = 2
    local_addrs = %any
    remote_addrs = {address}
    proposals = aes256-sha256-modp2048
    dpd_delay = 10s
    local {{
      auth = psk
      id = {server_ip}
    }}
    remote {{
      auth = psk
      id = {address}
    }}
    children {{
      aws-tunnel{number} {{
        local_ts = {server_cidr}
        remote_ts = {vpc_cidr}
        esp_proposals = aes256-sha256-modp2048
        dpd_action = restart
        start_action = start
      }}
    }}
  }}""")
        secrets.append(f"""  ike-aws-tunnel{number} {{
    id = {address}
    secret = "{_key}"
  }}""")
    return ("# Generated by sme-rollout from the VPN connection's tunnel outputs. Install strongSwan, save as\n"
            "# /etc/swanctl/conf.d/aws.conf (mode 600), then: swanctl --load-all\n"
            "connections {\n" + "\n".join(connections) + "\n}\nsecrets {\n" + "\n".join(secrets) + "\n}\n")


class ServerPermissionsArgs(Args):
    role_name: str = Field(description="The server's existing instance role. Required.")
    policy: Any = Field(None, description="The inline policy document (JSON, may be an Output). Defaults to none.")
    policy_arns: list[Any] = Field(default_factory=list, description="Customer-managed policies to attach. "
                                                                     "Defaults to none.")


class ServerPermissions(pulumi.ComponentResource):
    """Inline policy and attachments on a role this stack does not own: the role itself is never touched."""

    def __init__(self, name: str, args: ServerPermissionsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sme-rollout:iam:ServerPermissions", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        if args.policy is not None:
            aws.iam.RolePolicy(name, role=args.role_name, name=f"sme-rollout-{name}", policy=args.policy, opts=child)
        for i, arn in enumerate(args.policy_arns, start=1):
            aws.iam.RolePolicyAttachment(f"{name}-{i}", role=args.role_name, policy_arn=arn, opts=child)
        self.register_outputs({})

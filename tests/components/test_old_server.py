"""The current server's way in: peering (routes both ways), site-to-site VPN (strong IKE, generated strongSwan
config with secret keys), and permissions added to a role the stack does not own."""

import json

from components.old_server import (
    IKE,
    ServerPermissions,
    ServerPermissionsArgs,
    SiteToSiteVpn,
    SiteToSiteVpnArgs,
    VpcPeering,
    VpcPeeringArgs,
    swanctl_conf,
)


def test_peering_routes_both_ways(synth):
    built = {}

    def program():
        built["link"] = VpcPeering("p", VpcPeeringArgs(
            vpc_id="vpc-ours", vpc_cidr="10.40.0.0/16", route_table_ids=["rtb-a", "rtb-b"],
            peer_vpc_id="vpc-theirs", peer_vpc_cidr="172.31.0.0/16", peer_route_table_ids=["rtb-x"]))

    inventory = synth(program)
    (connection,) = inventory.of_type("aws:ec2/vpcPeeringConnection:VpcPeeringConnection")
    assert connection.inputs["autoAccept"] is True
    assert connection.inputs["requester"] == {"allowRemoteVpcDnsResolution": True}
    routes = sorted((r.inputs["routeTableId"], r.inputs["destinationCidrBlock"])
                    for r in inventory.of_type("aws:ec2/route:Route"))
    assert routes == [("rtb-a", "172.31.0.0/16"), ("rtb-b", "172.31.0.0/16"), ("rtb-x", "10.40.0.0/16")]
    # separate Route resources (never inline on our tables: VPC-04), and the ones on OUR tables are what
    # Network.associate_subnets waits for
    ours = {r.name: r for r in inventory.of_type("aws:ec2/route:Route")}
    assert [ours[n].inputs["routeTableId"] for n in ("p-to-server-1", "p-to-server-2")] == ["rtb-a", "rtb-b"]
    assert [type(r).__name__ for r in built["link"].vpc_routes] == ["Route", "Route"]
    assert {r._name for r in built["link"].vpc_routes} == {"p-to-server-1", "p-to-server-2"}


def test_vpn_uses_only_strong_proposals_and_keeps_the_config_secret(synth):
    built = {}

    def program():
        built["link"] = SiteToSiteVpn("v", SiteToSiteVpnArgs(
            vpc_id="vpc-ours", vpc_cidr="10.40.0.0/16", route_table_ids=["rtb-a"], server_ip="198.51.100.20",
            server_cidr="198.51.100.20/32"))

    inventory = synth(program)
    (connection,) = inventory.of_type("aws:ec2/vpnConnection:VpnConnection")
    assert connection.inputs["localIpv4NetworkCidr"] == "198.51.100.20/32"
    assert connection.inputs["remoteIpv4NetworkCidr"] == "10.40.0.0/16"
    assert connection.inputs["tunnel2Phase1IntegrityAlgorithms"] == IKE["phase1_integrity_algorithms"] == ["SHA2-256"]
    (propagation,) = inventory.of_type("aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation")
    assert propagation.inputs["routeTableId"] == "rtb-a"
    assert [r._name for r in built["link"].vpc_routes] == [propagation.name]  # what the subnets wait for


def test_swanctl_conf_keeps_keys_in_the_secrets_section():
    text = swanctl_conf("198.51.100.20", "198.51.100.20/32", "10.40.0.0/16", [("192.0.2.1", "s1"), ("192.0.2.2", "s2")])
    connections, secrets = text.split("\nsecrets {")
    assert "s1" not in connections and 'secret = "s1"' in secrets and 'secret = "s2"' in secrets
    assert connections.count("start_action = start") == 2 and "dpd_action = restart" in connections


def test_permissions_on_an_existing_role_touch_only_inline_policy_and_attachments(synth):
    document = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:ap-southeast-1:1:q"}]})
    inventory = synth(lambda: ServerPermissions("s", ServerPermissionsArgs(
        role_name="shop-server", policy=document, policy_arns=["arn:aws:iam::1:policy/cache-connect"])))
    assert not inventory.of_type("aws:iam/role:Role")
    (policy,) = inventory.of_type("aws:iam/rolePolicy:RolePolicy")
    assert policy.inputs["role"] == "shop-server" and policy.inputs["policy"] == document
    (attachment,) = inventory.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    assert attachment.inputs["policyArn"] == "arn:aws:iam::1:policy/cache-connect"

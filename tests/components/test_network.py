"""Network: subnets over the AZs, NAT layout, routing (separate routes only, subnets associated after every route of
their table), flow logs to an encrypted group, closed groups."""

import json

import pytest
from pydantic import ValidationError

from components.network import Network, NetworkArgs

KEY = "arn:aws:kms:ap-southeast-1:123456789012:key/flow"
TABLE = "aws:ec2/routeTable:RouteTable"
ROUTE = "aws:ec2/route:Route"
ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"


def _build(synth, **args):
    return synth(lambda: Network("net", NetworkArgs(**args)))


@pytest.fixture(scope="module")
def three_azs():
    from rollout.runtime.synth import synthesize_function

    return synthesize_function(lambda: Network("net", NetworkArgs(
        cidr="10.60.0.0/16", availability_zones=3, nat_gateways=3, flow_log_kms_key_arn=KEY)))


def test_children_are_parented_and_named_after_the_component(three_azs):
    (component,) = three_azs.of_type("sme-rollout:network:Network")
    children = [r for r in three_azs if r.custom]
    assert {r.parent for r in children} == {component.urn}
    assert all(r.name.startswith("net") for r in children)


def test_subnets_span_distinct_azs_and_never_assign_public_ips(three_azs):
    subnets = {r.name: r.inputs for r in three_azs.of_type("aws:ec2/subnet:Subnet")}
    assert sorted(subnets) == ["net-private-1", "net-private-2", "net-private-3",
                               "net-public-1", "net-public-2", "net-public-3"]
    for tier in ("public", "private"):
        zones = {s["availabilityZone"] for n, s in subnets.items() if f"-{tier}-" in n}
        assert zones == {"ap-southeast-1a", "ap-southeast-1b", "ap-southeast-1c"}
    assert all(s["mapPublicIpOnLaunch"] is False for s in subnets.values())
    assert subnets["net-private-1"]["cidrBlock"] == "10.60.128.0/19"


def _by_name(inventory, kind):
    return {r.name: r for r in inventory.of_type(kind)}


def test_route_tables_hold_no_inline_routes_and_every_route_is_a_resource(three_azs):
    """VPC-04: a table with inline `routes` overwrites the Route resources others put on it (the old server's
    peering routes); so no table sets `routes` at all, not even an empty list."""
    tables = _by_name(three_azs, TABLE)
    assert sorted(tables) == ["net-private-routes-1", "net-private-routes-2", "net-private-routes-3",
                              "net-public-routes"]
    assert all("routes" not in t.inputs and "propagatingVgws" not in t.inputs for t in tables.values())
    routes = _by_name(three_azs, ROUTE)
    assert sorted(routes) == ["net-private-1-default", "net-private-2-default", "net-private-3-default",
                              "net-public-default"]
    assert all(r.inputs["destinationCidrBlock"] == "0.0.0.0/0" for r in routes.values())
    (igw,) = three_azs.of_type("aws:ec2/internetGateway:InternetGateway")
    public = routes["net-public-default"]
    assert public.property_dependencies["routeTableId"] == (tables["net-public-routes"].urn,)
    assert public.property_dependencies["gatewayId"] == (igw.urn,) and "natGatewayId" not in public.inputs


def test_one_nat_per_az_and_each_private_table_uses_its_own(three_azs):
    nats = {r.name: r.urn for r in three_azs.of_type("aws:ec2/natGateway:NatGateway")}
    assert len(nats) == 3
    tables, routes = _by_name(three_azs, TABLE), _by_name(three_azs, ROUTE)
    for i in (1, 2, 3):
        route = routes[f"net-private-{i}-default"]
        assert route.property_dependencies["routeTableId"] == (tables[f"net-private-routes-{i}"].urn,)
        assert route.property_dependencies["natGatewayId"] == (nats[f"net-nat-{i}"],)


def test_each_subnet_moves_onto_its_table_only_after_the_tables_routes(three_azs):
    """An association names its table (route_table_id updates in place) and depends on every route the table gets
    from the component: the default route, and the S3 endpoint for the private tables."""
    associations, tables = _by_name(three_azs, ASSOCIATION), _by_name(three_azs, TABLE)
    routes, subnets = _by_name(three_azs, ROUTE), _by_name(three_azs, "aws:ec2/subnet:Subnet")
    (endpoint,) = three_azs.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
    assert sorted(associations) == sorted(f"net-{tier}-{i}" for tier in ("public", "private") for i in (1, 2, 3))
    for i in (1, 2, 3):
        public, private = associations[f"net-public-{i}"], associations[f"net-private-{i}"]
        assert public.property_dependencies["subnetId"] == (subnets[f"net-public-{i}"].urn,)
        assert public.property_dependencies["routeTableId"] == (tables["net-public-routes"].urn,)
        assert routes["net-public-default"].urn in public.dependencies
        assert private.property_dependencies["routeTableId"] == (tables[f"net-private-routes-{i}"].urn,)
        assert {routes[f"net-private-{i}-default"].urn, endpoint.urn} <= set(private.dependencies)
        assert routes["net-private-1-default"].urn not in public.dependencies
    assert set(endpoint.property_dependencies["routeTableIds"]) == {
        tables[f"net-private-routes-{i}"].urn for i in (1, 2, 3)}


def test_deferred_associations_wait_for_the_callers_routes(synth):
    """With defer_associations the constructor associates nothing; `associate_subnets(after=...)` does, after the
    routes the caller put on the tables (phase 2: the old server's peering routes or VPN propagations)."""
    import pulumi_aws as aws

    created = {}

    def program():
        network = Network("net", NetworkArgs(defer_associations=True, internet_egress=False))
        created["before"] = list(network.route_table_associations)
        peer = [aws.ec2.Route(f"peer-{i}", route_table_id=table.id, destination_cidr_block="172.31.0.0/16",
                              vpc_peering_connection_id="pcx-0123456789abcdef0")
                for i, table in enumerate(network.private_route_tables, start=1)]
        network.associate_subnets(after=peer)
        with pytest.raises(RuntimeError, match="already associated"):
            network.associate_subnets()

    inventory = synth(program)
    assert created["before"] == []
    peer = {r.urn for r in inventory.of_type(ROUTE) if r.name.startswith("peer-")}
    associations = inventory.of_type(ASSOCIATION)
    assert len(peer) == 2 and len(associations) == 4
    assert all(peer <= set(a.dependencies) for a in associations)
    assert {r.name for r in inventory.of_type(ROUTE)} == {"net-public-default", "peer-1", "peer-2"}


def test_shared_nat_serves_every_private_subnet(synth):
    inventory = _build(synth)
    (nat,) = inventory.of_type("aws:ec2/natGateway:NatGateway")
    private = [r for r in inventory.of_type(ROUTE) if r.name.startswith("net-private-")]
    assert len(private) == 2 and all(r.property_dependencies["natGatewayId"] == (nat.urn,) for r in private)
    (endpoint,) = inventory.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
    assert endpoint.name == "net-s3-gateway" and endpoint.inputs["vpcEndpointType"] == "Gateway"
    assert endpoint.inputs["serviceName"] == "com.amazonaws.ap-southeast-1.s3"
    assert len(endpoint.inputs["routeTableIds"]) == 2


def test_without_internet_egress_there_is_no_nat_and_no_default_route(synth):
    inventory = _build(synth, availability_zones=3, nat_gateways=3, internet_egress=False)
    assert inventory.of_type("aws:ec2/natGateway:NatGateway") == [] and inventory.of_type("aws:ec2/eip:Eip") == []
    assert [r.name for r in inventory.of_type(ROUTE)] == ["net-public-default"]  # the public subnets keep the IGW
    assert len(inventory.of_type(TABLE)) == 4 and all("routes" not in t.inputs for t in inventory.of_type(TABLE))
    (endpoint,) = inventory.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
    assert len(endpoint.inputs["routeTableIds"]) == 3  # S3 stays reachable from the private subnets
    assert len(inventory.of_type(ASSOCIATION)) == 6


def test_egress_turned_on_later_adds_the_nat_under_the_names_it_always_had(synth):
    before = {r.urn for r in _build(synth, internet_egress=False)}
    after = _build(synth)
    added = sorted((r.type, r.name) for r in after if r.urn not in before)
    # the Elastic IP and the NAT gateway, and each private table's default route to it; nothing else is new
    assert added == [("aws:ec2/eip:Eip", "net-nat-1"), ("aws:ec2/natGateway:NatGateway", "net-nat-1"),
                     (ROUTE, "net-private-1-default"), (ROUTE, "net-private-2-default")]


def test_flow_logs_go_to_an_encrypted_group_through_a_scoped_role(three_azs):
    (group,) = three_azs.of_type("aws:cloudwatch/logGroup:LogGroup")
    assert group.inputs["kmsKeyId"] == KEY and group.inputs["retentionInDays"] == 365
    (flow,) = three_azs.of_type("aws:ec2/flowLog:FlowLog")
    assert flow.inputs["trafficType"] == "ALL" and flow.inputs["logDestinationType"] == "cloud-watch-logs"
    (role,) = three_azs.of_type("aws:iam/role:Role")
    trust = json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}
    (policy,) = three_azs.of_type("aws:iam/rolePolicy:RolePolicy")
    (statement,) = json.loads(policy.inputs["policy"])["Statement"]
    assert "*" not in statement["Resource"] and all(":flow-logs" in arn or "net-flow-logs" in arn
                                                    for arn in statement["Resource"])


def test_default_group_is_emptied_and_app_group_has_no_ingress(three_azs):
    (default,) = three_azs.of_type("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
    assert default.inputs["ingress"] == [] and default.inputs["egress"] == []
    assert three_azs.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") == []
    (app,) = three_azs.of_type("aws:ec2/securityGroup:SecurityGroup")
    assert "ingress" not in app.inputs or app.inputs["ingress"] == []


@pytest.mark.parametrize("bad", [
    {"cidr": "8.8.0.0/16"},
    {"cidr": "10.0.0.0/8"},
    {"cidr": "not-a-cidr"},
    {"availability_zones": 1},
    {"availability_zones": 2, "nat_gateways": 3},
    {"nat_gateways": 0},
    {"flow_log_retention_days": 100},
    {"vpc_name": "x"},
])
def test_bad_args_are_rejected(bad):
    with pytest.raises(ValidationError):
        NetworkArgs(**bad)

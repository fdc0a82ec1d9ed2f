"""Network: subnets over the AZs, NAT layout, private routing, flow logs to an encrypted group, closed groups."""

import json

import pytest
from pydantic import ValidationError

from components.network import Network, NetworkArgs

KEY = "arn:aws:kms:ap-southeast-1:123456789012:key/flow"


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


def test_one_nat_per_az_and_each_private_table_uses_its_own(three_azs):
    nats = three_azs.of_type("aws:ec2/natGateway:NatGateway")
    assert len(nats) == 3
    tables = {r.name: r.inputs for r in three_azs.of_type("aws:ec2/routeTable:RouteTable")}
    private = [tables[f"net-private-{i}"]["routes"][0]["natGatewayId"] for i in (1, 2, 3)]
    assert len(set(private)) == 3
    assert "gatewayId" in tables["net-public"]["routes"][0]


def test_shared_nat_serves_every_private_subnet(synth):
    inventory = _build(synth)
    assert len(inventory.of_type("aws:ec2/natGateway:NatGateway")) == 1
    tables = [r.inputs for r in inventory.of_type("aws:ec2/routeTable:RouteTable") if "private" in r.name]
    assert len(tables) == 2 and len({t["routes"][0]["natGatewayId"] for t in tables}) == 1
    (endpoint,) = inventory.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
    assert endpoint.inputs["serviceName"] == "com.amazonaws.ap-southeast-1.s3"
    assert len(endpoint.inputs["routeTableIds"]) == 2


def test_without_internet_egress_there_is_no_nat_and_no_default_route(synth):
    inventory = _build(synth, availability_zones=3, nat_gateways=3, internet_egress=False)
    assert inventory.of_type("aws:ec2/natGateway:NatGateway") == [] and inventory.of_type("aws:ec2/eip:Eip") == []
    tables = {r.name: r.inputs for r in inventory.of_type("aws:ec2/routeTable:RouteTable")}
    assert [tables[f"net-private-{i}"]["routes"] for i in (1, 2, 3)] == [[], [], []]
    assert "gatewayId" in tables["net-public"]["routes"][0]  # the public subnets keep the internet gateway
    (endpoint,) = inventory.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
    assert len(endpoint.inputs["routeTableIds"]) == 3  # S3 stays reachable from the private subnets


def test_egress_turned_on_later_adds_the_nat_under_the_names_it_always_had(synth):
    before = {r.urn for r in _build(synth, internet_egress=False)}
    after = _build(synth)
    added = sorted(r.name for r in after if r.urn not in before)
    assert added == ["net-nat-1", "net-nat-1"]  # the Elastic IP and the NAT gateway; nothing else is new
    assert {r.type for r in after if r.urn not in before} == {"aws:ec2/eip:Eip", "aws:ec2/natGateway:NatGateway"}


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

from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE as UB
from pulumi_policy.proxy import UNKNOWN_NUMBER_VALUE as UN

from policies.core import UNKNOWN_STRING_VALUE as U
from policies.vpc import (
    DEFAULT_SECURITY_GROUP,
    FLOW_LOG,
    INGRESS_RULE,
    LISTENER,
    LOAD_BALANCER,
    SECURITY_GROUP,
    SECURITY_GROUP_RULE,
    SUBNET,
    VPC,
)


def ingress(port, to=None, cidrs=("0.0.0.0/0",), protocol="tcp", v6=()):
    return {"protocol": protocol, "fromPort": port, "toPort": port if to is None else to, "cidrBlocks": list(cidrs),
            "ipv6CidrBlocks": list(v6)}


def group(res, name, *rules):
    return res(SECURITY_GROUP, name, {"vpcId": "vpc-1", "ingress": list(rules)})


def test_sg01_no_world_admin_ports(res, assert_exact):
    fixtures = {
        "pass_https_to_world": group(res, "a", ingress(443)),
        "pass_ssh_from_office": group(res, "a2", ingress(22, cidrs=["203.0.113.10/32"])),
        "pass_icmp_from_world": group(res, "a3", ingress(8, 0, protocol="icmp")),
        "pass_ingress_rule_db_from_vpc": res(
            INGRESS_RULE,
            "a4",
            {
                "securityGroupId": "sg-1",
                "ipProtocol": "tcp",
                "fromPort": 5432,
                "toPort": 5432,
                "cidrIpv4": "10.0.0.0/16",
            },
        ),
        "pass_egress_rule_all": res(
            SECURITY_GROUP_RULE,
            "a5",
            {
                "type": "egress",
                "protocol": "-1",
                "fromPort": 0,
                "toPort": 0,
                "cidrBlocks": ["0.0.0.0/0"],
                "securityGroupId": "sg-1",
            },
        ),
        "fail_ssh_to_world": group(res, "b", ingress(22)),
        "fail_rdp_to_world_v6": group(res, "c", ingress(3389, cidrs=(), v6=["::/0"])),
        "fail_range_covering_postgres": group(res, "d", ingress(5000, 6000)),
        "fail_all_protocols": group(res, "e", ingress(0, 0, protocol="-1")),
        "fail_all_tcp_ports": group(res, "f", ingress(0, 65535)),
        "fail_tcp_minus_one": group(res, "f2", ingress(-1, -1)),
        "fail_tcp_zero_zero_mistyped_all_ports": group(res, "f3", ingress(0, 0)),
        "fail_udp_zero_zero_v6": group(res, "f4", ingress(0, 0, cidrs=(), protocol="udp", v6=["::/0"])),
        "pass_tcp_zero_zero_from_vpc": group(res, "a6", ingress(0, 0, cidrs=["10.0.0.0/16"])),
        "fail_rule_redis": res(
            SECURITY_GROUP_RULE,
            "g",
            {
                "type": "ingress",
                "protocol": "tcp",
                "fromPort": 6379,
                "toPort": 6379,
                "cidrBlocks": ["0.0.0.0/0"],
                "securityGroupId": "sg-1",
            },
        ),
        "fail_ingress_rule_mysql": res(
            INGRESS_RULE,
            "h",
            {"securityGroupId": "sg-1", "ipProtocol": "tcp", "fromPort": 3306, "toPort": 3306, "cidrIpv4": "0.0.0.0/0"},
        ),
        "fail_ingress_rule_everything": res(
            INGRESS_RULE, "i", {"securityGroupId": "sg-1", "ipProtocol": "-1", "cidrIpv6": "::/0"}
        ),
        "fail_default_group_ssh": res(DEFAULT_SECURITY_GROUP, "j", {"vpcId": "vpc-1", "ingress": [ingress(22)]}),
        "unknown_port": group(res, "k", {**ingress(22), "fromPort": UN}),
        "unknown_cidr": res(
            INGRESS_RULE,
            "l",
            {"securityGroupId": "sg-1", "ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "cidrIpv4": U},
        ),
    }
    assert_exact("SG-01", fixtures)
    assert_exact("SG-01", {"pass_ssh_not_listed": fixtures["fail_ssh_to_world"],
                           "fail_https_listed": fixtures["pass_https_to_world"]}, {"ports": [443]})


def test_sg02_default_group_closed(res, assert_exact):
    def vpc_with(name, default_props=None):
        vpc = res(VPC, name, {"cidrBlock": "10.0.0.0/16"})
        if default_props is None:
            return [vpc]
        return [
            vpc,
            res(DEFAULT_SECURITY_GROUP, f"{name}-default", {"vpcId": "mock", **default_props}, {"vpcId": [vpc.urn]}),
        ]

    closed = vpc_with("a", {"ingress": [], "egress": []})
    open_default = vpc_with("c", {"ingress": [ingress(443, cidrs=["10.0.0.0/16"])], "egress": []})
    assert_exact("SG-02", {
        "pass_adopted_and_closed": closed,
        "pass_default_group_without_rules": [closed[1], closed[0]],
        "fail_not_adopted": vpc_with("b"),
        "fail_default_group_with_ingress": [open_default[1], open_default[0]],
        "fail_default_group_with_egress": [res(DEFAULT_SECURITY_GROUP, "d", {"vpcId": "vpc-9", "egress": [
            {"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]}]})],
        "unknown_rules": [res(DEFAULT_SECURITY_GROUP, "e", {"vpcId": "vpc-9", "ingress": U})],
    })


def test_sg03_port_80_redirects(res, assert_exact):
    def fronted(name, actions, port=80):
        sg = group(res, name, ingress(80), ingress(443))
        lb = res(LOAD_BALANCER, f"{name}-lb", {"securityGroups": ["mock"], "internal": False},
                 {"securityGroups": [sg.urn]})
        listener = res(LISTENER, f"{name}-http", {"loadBalancerArn": "mock", "port": port, "protocol": "HTTP",
                                                  "defaultActions": actions}, {"loadBalancerArn": [lb.urn]})
        return [sg, lb, listener]

    redirect = [{"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}]
    forward = [{"type": "forward", "targetGroupArn": "arn:tg"}]
    redirected = fronted("a", redirect)
    rule_on_redirected = res(
        INGRESS_RULE,
        "a-rule",
        {"securityGroupId": "mock", "ipProtocol": "tcp", "fromPort": 80, "toPort": 80, "cidrIpv6": "::/0"},
        {"securityGroupId": [redirected[0].urn]},
    )
    assert_exact("SG-03", {
        "pass_alb_redirects": redirected,
        "pass_rule_on_redirecting_group": [rule_on_redirected, *redirected],
        "pass_only_https": group(res, "a3", ingress(443)),
        "fail_alb_forwards_http": fronted("b", forward),
        "fail_no_port_80_listener": fronted("c", redirect, port=8080),
        "fail_instance_group": group(res, "d", ingress(80)),
        "fail_all_ports_instance_group": group(res, "d2", ingress(0, 0, protocol="-1")),
        "fail_tcp_zero_zero_instance_group": group(res, "d3", ingress(0, 0)),
        "pass_tcp_zero_zero_from_vpc": group(res, "a4", ingress(0, 0, cidrs=["10.0.0.0/16"])),
        "fail_rule_without_group": res(INGRESS_RULE, "e", {"securityGroupId": "sg-1", "ipProtocol": "tcp",
                                                           "fromPort": 80, "toPort": 80, "cidrIpv4": "0.0.0.0/0"}),
        "unknown_port": group(res, "f", {**ingress(80), "toPort": UN}),
    })


def test_vpc01_flow_logs(res, assert_exact):
    vpc = res(VPC, "a", {"cidrBlock": "10.0.0.0/16"})
    assert_exact("VPC-01", {
        "pass_flow_log": [vpc, res(FLOW_LOG, "a-fl", {"vpcId": "mock", "trafficType": "ALL"}, {"vpcId": [vpc.urn]})],
        "fail_no_flow_log": [res(VPC, "b", {"cidrBlock": "10.1.0.0/16"})],
        "fail_flow_log_of_other_vpc": [res(VPC, "c", {"cidrBlock": "10.2.0.0/16"}),
                                       res(FLOW_LOG, "c-fl", {"vpcId": "mock"}, {"vpcId": [vpc.urn]})],
    })


def test_vpc02_no_public_ip_on_launch(res, assert_exact):
    assert_exact("VPC-02", {
        "pass_default": res(SUBNET, "a", {"vpcId": "v", "cidrBlock": "10.0.1.0/24"}),
        "pass_false": res(SUBNET, "a2", {"vpcId": "v", "cidrBlock": "10.0.2.0/24", "mapPublicIpOnLaunch": False}),
        "fail_true": res(SUBNET, "b", {"vpcId": "v", "cidrBlock": "10.0.3.0/24", "mapPublicIpOnLaunch": True}),
        "unknown_flag": res(SUBNET, "c", {"vpcId": "v", "cidrBlock": "10.0.4.0/24", "mapPublicIpOnLaunch": UB}),
    })


def test_sg04_described(res, assert_exact):
    described_rule = {**ingress(443), "description": "HTTPS from the CDN"}
    assert_exact("SG-04", {
        "pass_all_described": res(SECURITY_GROUP, "a", {"description": "ALB", "ingress": [described_rule]}),
        "pass_rule_resource": res(INGRESS_RULE, "a2", {"securityGroupId": "sg", "ipProtocol": "tcp", "fromPort": 443,
                                                       "toPort": 443, "cidrIpv4": "10.0.0.0/8", "description": "app"}),
        "fail_group_without_description": res(SECURITY_GROUP, "b", {"ingress": [described_rule]}),
        "fail_rule_without_description": res(SECURITY_GROUP, "c", {"description": "x", "ingress": [ingress(443)]}),
        "fail_rule_resource_without_description": res(SECURITY_GROUP_RULE, "d", {"type": "ingress", "protocol": "tcp",
                                                                                 "fromPort": 443, "toPort": 443}),
        "unknown_description": res(INGRESS_RULE, "e", {"securityGroupId": "sg", "description": U}),
    })


def test_sg05_groups_attached(res, assert_exact):
    from policies.core import Subject
    from policies.vpc import EGRESS_RULE

    def attached(name, holder_type, prop, props):
        sg = group(res, name)
        return [sg, res(holder_type, f"{name}-user", props, {prop: [sg.urn]})]

    referenced = group(res, "referenced")
    other = group(res, "other")
    assert_exact("SG-05", {
        "pass_launch_template": attached("a", "aws:ec2/launchTemplate:LaunchTemplate", "networkInterfaces",
                                         {"networkInterfaces": [{"securityGroups": [U]}]}),
        "pass_database": attached("a2", "aws:rds/instance:Instance", "vpcSecurityGroupIds",
                                  {"vpcSecurityGroupIds": [U]}),
        "pass_grafana_workspace": attached("a3", "aws:grafana/workspace:Workspace", "vpcConfiguration",
                                           {"vpcConfiguration": {"securityGroupIds": [U]}}),
        "fail_unused": group(res, "b"),
        "fail_only_rules_reference_it": [
            referenced,
            res(INGRESS_RULE, "r", {"securityGroupId": "sg-1", "referencedSecurityGroupId": U},
                {"referencedSecurityGroupId": [referenced.urn]}),
            res(EGRESS_RULE, "e", {"securityGroupId": U}, {"securityGroupId": [referenced.urn]}),
            res(SECURITY_GROUP, "peer", {"ingress": [{"securityGroups": [U]}]}, {"ingress": [referenced.urn]}),
        ],
        "fail_another_group_attached": [
            group(res, "c"), other, res("aws:lb/loadBalancer:LoadBalancer", "lb", {}, {"securityGroups": [other.urn]})],
        "pass_read_from_a_live_account": Subject.of(SECURITY_GROUP, "sg-0abc (web)",
                                                    "arn:aws:ec2:ap-southeast-1:1:security-group/sg-0abc", {}),
    })


def test_vpc03_acls_attached(res, assert_exact):
    from policies.vpc import NETWORK_ACL, NETWORK_ACL_ASSOCIATION

    acl = res(NETWORK_ACL, "assoc", {"vpcId": "vpc-1"})
    subnet = res(SUBNET, "s", {"vpcId": "vpc-1", "cidrBlock": "10.0.0.0/24"})
    other = res(NETWORK_ACL, "other", {"vpcId": "vpc-1"})
    assert_exact("VPC-03", {
        "pass_subnet_ids": res(NETWORK_ACL, "a", {"vpcId": "vpc-1", "subnetIds": ["subnet-1"]}),
        "pass_computed_subnet_ids": [res(NETWORK_ACL, "a2", {"vpcId": "vpc-1", "subnetIds": [U]},
                                         {"subnetIds": [subnet.urn]}), subnet],
        "pass_association": [acl, res(NETWORK_ACL_ASSOCIATION, "x", {"networkAclId": U, "subnetId": "subnet-1"},
                                      {"networkAclId": [acl.urn]})],
        "fail_no_subnet": res(NETWORK_ACL, "b", {"vpcId": "vpc-1", "ingress": [{"ruleNo": 100, "action": "deny"}]}),
        "fail_association_of_another_acl": [res(NETWORK_ACL, "c", {"vpcId": "vpc-1"}), other,
                                            res(NETWORK_ACL_ASSOCIATION, "y", {"networkAclId": U},
                                                {"networkAclId": [other.urn]})],
        "unknown_subnet_ids": res(NETWORK_ACL, "d", {"vpcId": "vpc-1", "subnetIds": U}),
    })


def test_vpc04_routes_one_way(res, assert_exact):
    from policies.vpc import ROUTE, ROUTE_TABLE

    default_route = {"cidrBlock": "0.0.0.0/0", "gatewayId": "igw-1"}
    inline = res(ROUTE_TABLE, "inline", {"vpcId": "vpc-1", "routes": [default_route]})
    emptied = res(ROUTE_TABLE, "emptied", {"vpcId": "vpc-1", "routes": []})
    bare = res(ROUTE_TABLE, "bare", {"vpcId": "vpc-1"})

    def route(name, table):
        return res(ROUTE, name, {"routeTableId": U, "destinationCidrBlock": "10.9.0.0/16",
                                 "vpcPeeringConnectionId": "pcx-1"}, {"routeTableId": [table.urn]})

    assert_exact("VPC-04", {
        "pass_inline_only": inline,
        "pass_separate_only": [bare, route("to-server", bare)],
        "pass_route_on_another_table": [inline, bare, route("elsewhere", bare)],
        "fail_inline_and_separate": [inline, route("peer", inline)],
        "fail_empty_inline_list_and_separate": [emptied, route("peer2", emptied)],
    })

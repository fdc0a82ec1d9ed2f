"""NET-01 and NET-02 on small programs, and the reachability engine they run on."""

import pytest

from policies import network

SG = network.SECURITY_GROUP
RDS = "aws:rds/instance:Instance"
LB = "aws:lb/loadBalancer:LoadBalancer"
DIST = "aws:cloudfront/distribution:Distribution"


def _group(res, name, **props):
    return res(SG, name, {"vpcId": "vpc-1", **props})


def _db(res, name, public, group):
    return res(RDS, name, {"publiclyAccessible": public, "vpcSecurityGroupIds": ["id"]},
               {"vpcSecurityGroupIds": [group.urn]})


def _rule(res, name, group, **props):
    deps = {"securityGroupId": [group.urn]}
    if "ref" in props:
        deps["referencedSecurityGroupId"] = [props.pop("ref").urn]
        props["referencedSecurityGroupId"] = "id"
    return res(network.INGRESS_RULE, name, {"securityGroupId": "id", "ipProtocol": "tcp", "fromPort": 5432,
                                            "toPort": 5432, **props}, deps)


def test_net01_no_internet_path_to_a_data_store(res, assert_exact):
    app = _group(res, "app")
    closed, open_, flag_only = (_group(res, n) for n in ("closed", "open", "flag"))
    world = _group(res, "world", ingress=[{"protocol": "tcp", "fromPort": 5432, "toPort": 5432,
                                            "cidrBlocks": ["0.0.0.0/0"]}])
    assert_exact("NET-01", {
        "pass_private_db_admits_the_app_group": [_db(res, "a", False, closed), closed, app,
                                                  _rule(res, "a-r", closed, ref=app)],
        "pass_public_flag_but_only_the_app_group": [_db(res, "b", True, flag_only), flag_only, app,
                                                     _rule(res, "b-r", flag_only, ref=app)],
        "pass_open_rule_but_private": [_db(res, "c", False, world), world],
        "fail_public_and_open_to_the_world": [_db(res, "d", True, world), world],
        "fail_public_with_an_open_rule_resource": [_db(res, "e", True, open_), open_,
                                                   _rule(res, "e-r", open_, cidrIpv4="0.0.0.0/0")],
    })


def _lb(res, name, group, internal=False):
    return res(LB, name, {"internal": internal, "securityGroups": ["id"]}, {"securityGroups": [group.urn]})


def test_net02_origin_only_from_the_cdn(res, assert_exact):
    https = {"protocol": "tcp", "fromPort": 443, "toPort": 443}
    open_ = _group(res, "open", ingress=[{**https, "cidrBlocks": ["0.0.0.0/0"]}])
    cdn_only = _group(res, "cdn", ingress=[{**https, "prefixListIds": ["pl-82a045eb"]}])
    cloudflare = _group(res, "cloudflare", ingress=[{**https, "cidrBlocks": ["173.245.48.0/20", "104.16.0.0/13"]}])
    cdn = res(DIST, "site", {"enabled": True})
    assert_exact("NET-02", {
        "pass_prefix_list_only": [_lb(res, "a", cdn_only), cdn_only, cdn],
        "pass_cloudflare_ranges_only": [_lb(res, "e", cloudflare), cloudflare, cdn],
        "pass_no_cdn_in_front": [_lb(res, "b", open_), open_],
        "pass_internal": [_lb(res, "c", open_, internal=True), open_, cdn],
        "fail_open_to_the_world_behind_a_cdn": [_lb(res, "d", open_), open_, cdn],
    })


def test_engine_follows_references_egress_and_links(res):
    app = _group(res, "app", egress=[{"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]}])
    mute = _group(res, "mute")
    db_group = _group(res, "db")
    lt = res(network.LAUNCH_TEMPLATE, "web", {"networkInterfaces": [{"associatePublicIpAddress": "false"}],
                                              "tagSpecifications": [{"tags": {"Service": "web"}}]},
             {"networkInterfaces": [app.urn]})
    silent = res(network.LAUNCH_TEMPLATE, "quiet", {"networkInterfaces": [{}]}, {"networkInterfaces": [mute.urn]})
    db = _db(res, "db", False, db_group)
    peering = res(network.PEERING, "p", {"peerVpcId": "vpc-peer"})
    route = res(network.ROUTE, "p-to", {"destinationCidrBlock": "172.31.0.0/16", "vpcPeeringConnectionId": "pcx"},
                {"vpcPeeringConnectionId": [peering.urn]})
    subjects = [app, mute, db_group, lt, silent, db, peering, route,
                _rule(res, "from-app", db_group, ref=app), _rule(res, "from-mute", db_group, ref=mute),
                _rule(res, "from-server", db_group, referencedSecurityGroupId="sg-0123456789abcdef0")]
    graph = network.reach(subjects)
    assert graph.sources_of(db.urn) == {lt.urn, "old-server:p"}  # `quiet` has no egress at all
    assert graph.nodes[lt.urn].label == "instances of web"
    unlinked = network.reach([s for s in subjects if s is not route])
    assert unlinked.sources_of(db.urn) == {lt.urn}  # no route to the peer: the peering carries nothing


def _tables(res, layout, igw):
    """A public table routing 0.0.0.0/0 to the internet gateway and a private one routing it to a NAT: inline
    `routes`, or (components/network.py) tables without routes and one aws.ec2.Route each."""
    if layout == "inline":
        public = res(network.ROUTE_TABLE, "public", {"routes": [{"cidrBlock": "0.0.0.0/0", "gatewayId": "igw"}]},
                     {"routes": [igw.urn]})
        private = res(network.ROUTE_TABLE, "private", {"routes": [{"cidrBlock": "0.0.0.0/0", "natGatewayId": "n"}]})
        return public, private, []
    public, private = (res(network.ROUTE_TABLE, n, {"vpcId": "vpc-1"}) for n in ("public", "private"))
    routes = [res(network.ROUTE, "public-default", {"routeTableId": "t", "destinationCidrBlock": "0.0.0.0/0",
                                                    "gatewayId": "igw"},
                  {"routeTableId": [public.urn], "gatewayId": [igw.urn]}),
              res(network.ROUTE, "private-default", {"routeTableId": "t", "destinationCidrBlock": "0.0.0.0/0",
                                                     "natGatewayId": "n"}, {"routeTableId": [private.urn]})]
    return public, private, routes


@pytest.mark.parametrize("layout", ["inline", "separate"])
def test_an_internet_facing_balancer_in_private_subnets_is_not_reached(res, layout):
    igw = res(network.INTERNET_GATEWAY, "igw", {"vpcId": "vpc-1"})
    public_table, private_table, routes = _tables(res, layout, igw)
    subnets = {n: res(network.SUBNET, n, {"cidrBlock": "10.0.0.0/24"}) for n in ("pub", "priv")}
    associations = [res(network.ROUTE_TABLE_ASSOCIATION, f"{n}-a", {"subnetId": "s", "routeTableId": "t"},
                        {"subnetId": [subnets[n].urn], "routeTableId": [table.urn]})
                    for n, table in (("pub", public_table), ("priv", private_table))]
    group = _group(res, "open", ingress=[{"protocol": "tcp", "fromPort": 443, "toPort": 443,
                                          "cidrBlocks": ["0.0.0.0/0"]}])
    base = [igw, public_table, private_table, *routes, *subnets.values(), *associations, group]

    def lb(subnet):
        return res(LB, f"lb-{subnet}", {"internal": False, "securityGroups": ["id"], "subnets": ["s"]},
                   {"securityGroups": [group.urn], "subnets": [subnets[subnet].urn]})

    assert network.public_subnets(base, {s.urn: s for s in base}) == {subnets["pub"].urn}
    exposed, hidden = lb("pub"), lb("priv")
    graph = network.reach([*base, exposed, hidden])
    assert graph.targets_of("internet") == {exposed.urn}
    if routes:  # without the route resource, the public table reaches nothing either
        without = [s for s in base if s is not routes[0]]
        assert network.public_subnets(without, {s.urn: s for s in without}) == set()

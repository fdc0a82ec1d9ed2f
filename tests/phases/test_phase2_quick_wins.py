"""Phase 2 adds the network, the cache and the CDN (Cloudflare or CloudFront) on top of phase 1."""

from pathlib import Path
from types import SimpleNamespace

import pytest

from phases import build, phase2_quick_wins
from phases.config import StackConfig

SITE = {"domain": "shop.example.vn", "origin": "origin.example.vn"}
ZONE_FILE = str(Path(__file__).resolve().parents[1] / "data" / "example.vn.zone")
CLOUDFLARE = {"provider": "cloudflare", "cloudflareAccountId": "0123456789abcdef0123456789abcdef",
              "zoneFile": ZONE_FILE}
CLOUDFRONT = {"provider": "cloudfront", "route53ZoneId": "Z123"}


VPN = {"hosting": "external", "privateAccess": "vpn", "serverIp": "198.51.100.20", "roundTripMs": 30}
PEERING = {"hosting": "ec2-in-account", "vpcId": "vpc-0123456789abcdef0", "vpcCidr": "172.31.0.0/16",
           "routeTableIds": ["rtb-0123456789abcdef0"], "securityGroupId": "sg-0123456789abcdef0",
           "instanceRoleName": "shop-server"}


def _config(**overrides):
    return StackConfig.model_validate({"phase": 2, "site": SITE, "cdn": CLOUDFLARE, "app": VPN, **overrides})


def _program(config, up_to=2):
    def program():
        import pulumi

        ctx = build(config, up_to=up_to)
        for name, value in ctx.outputs.items():
            pulumi.export(name, value)

    return program


def _components(inventory):
    return {r.type: r for r in inventory if not r.custom and not r.type.startswith("sme-rollout:phases:")}


@pytest.fixture(scope="module")
def cloudflare():
    from rollout.runtime.synth import synthesize_function

    return synthesize_function(_program(_config()), stack="example")


def test_declares_itself():
    assert phase2_quick_wins.NUMBER == 2 and phase2_quick_wins.TITLE == "Quick wins"
    assert "cache hit ratio" in phase2_quick_wins.KPIS and phase2_quick_wins.GOAL


def test_phase_2_adds_network_cache_and_cdn_under_its_phase(cloudflare):
    phases = {r.inputs["phase"]: r.urn for r in cloudflare.of_type("sme-rollout:phases:Phase")}
    components = _components(cloudflare)
    assert set(components) == {"sme-rollout:baseline:Baseline", "sme-rollout:network:Network",
                               "sme-rollout:cache:Cache", "sme-rollout:cdn:CloudflareCdn",
                               "sme-rollout:network:SiteToSiteVpn"}
    for type_ in ("sme-rollout:network:Network", "sme-rollout:cache:Cache", "sme-rollout:cdn:CloudflareCdn"):
        assert components[type_].parent == phases[2] and components[type_].phase == 2
    # 43 (no NAT gateway and Elastic IP: nothing in the private subnets needs the internet at phase 2; the public
    # table's default route is its own aws.ec2.Route), plus MX, SPF, the apex A and the origin's A imported from
    # the zone file, plus the VPN (customer gateway, VPN gateway, 2 propagations, connection, route) and its cache
    # rule
    assert len([r for r in cloudflare.custom_resources() if r.phase == 2]) == 54


def test_dev_defaults_are_the_cheap_ones(cloudflare):
    assert cloudflare.of_type("aws:ec2/natGateway:NatGateway") == []
    (group,) = cloudflare.of_type("aws:elasticache/replicationGroup:ReplicationGroup")
    assert group.inputs["numCacheClusters"] == 1 and group.inputs["nodeType"] == "cache.t4g.small"
    assert group.protect is False


def test_cache_admits_the_app_group_and_flow_logs_use_the_baseline_key(cloudflare):
    (rule,) = [r for r in cloudflare.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
               if r.name.startswith("cache-from-client")]
    app = next(r for r in cloudflare.of_type("aws:ec2/securityGroup:SecurityGroup") if r.name == "network-app")
    assert app.urn in rule.property_dependencies["referencedSecurityGroupId"]
    (group,) = cloudflare.of_type("aws:cloudwatch/logGroup:LogGroup")
    (key,) = [k for k in cloudflare.of_type("aws:kms/key:Key") if k.name == "baseline-key"]
    assert key.urn in group.property_dependencies["kmsKeyId"]


def test_cdn_points_at_the_current_origin_dns_only_until_the_switch(cloudflare, synth):
    (record,) = [r for r in cloudflare.of_type("cloudflare:index/dnsRecord:DnsRecord") if r.name == "cdn-site"]
    assert record.inputs["content"] == "origin.example.vn" and record.inputs["proxied"] is False
    switched = synth(_program(_config(switches={"dnsAuthority": True})), stack="example")
    (record,) = [r for r in switched.of_type("cloudflare:index/dnsRecord:DnsRecord") if r.name == "cdn-site"]
    assert record.inputs["proxied"] is True
    (rules,) = [r for r in cloudflare.of_type("cloudflare:index/ruleset:Ruleset")
                if r.inputs["phase"] == "http_request_cache_settings"]
    assert "starts_with" not in rules.inputs["rules"][0]["expression"]  # no asset bucket before phase 3


def test_outputs_are_endpoints_not_secrets(cloudflare):
    outputs = cloudflare.outputs
    assert {"cdnUrl", "cachePrimaryEndpoint", "cacheReaderEndpoint", "cachePort", "cacheUser", "vpcId",
            "cacheConnectPolicyArn", "cloudflareZoneId", "nameservers", "phase"} <= set(outputs)
    assert outputs["cdnUrl"] == "https://shop.example.vn" and outputs["phase"] == 2
    assert not any("password" in k.lower() or "token" in k.lower() for k in outputs)


def test_no_nat_before_anything_needs_the_internet(cloudflare):
    """The cache and the VPN need no way out: no NAT gateway, no Elastic IP, no default route in the private
    tables (no inline routes at all: the VPN's propagations live beside the separate routes)."""
    assert cloudflare.of_type("aws:ec2/eip:Eip") == []
    private = [r for r in cloudflare.of_type("aws:ec2/routeTable:RouteTable") if "-private-" in r.name]
    assert len(private) == 2 and all("routes" not in r.inputs for r in private)
    assert [r.name for r in cloudflare.of_type("aws:ec2/route:Route")] == ["network-public-default"]
    (endpoint,) = [r for r in cloudflare.of_type("aws:ec2/vpcEndpoint:VpcEndpoint") if r.name == "network-s3-gateway"]
    assert len(endpoint.inputs["routeTableIds"]) == 2


def test_production_gets_a_failover_cache_and_no_nat_yet(synth):
    config = _config(environment="prod", size="medium", network={"availabilityZones": 3})
    inventory = synth(_program(config), stack="prod")
    assert inventory.of_type("aws:ec2/natGateway:NatGateway") == []
    (group,) = inventory.of_type("aws:elasticache/replicationGroup:ReplicationGroup")
    assert group.inputs["numCacheClusters"] == 2 and group.inputs["automaticFailoverEnabled"] is True
    assert group.inputs["nodeType"] == "cache.t4g.medium" and group.protect is True


def test_cloudfront_variant(synth):
    inventory = synth(_program(_config(cdn=CLOUDFRONT)), stack="example")
    components = _components(inventory)
    assert "sme-rollout:cdn:CloudFrontCdn" in components and "sme-rollout:cdn:CloudflareCdn" not in components
    (acl,) = inventory.of_type("aws:wafv2/webAcl:WebAcl")
    assert "aws-us-east-1" in acl.provider
    (distribution,) = inventory.of_type("aws:cloudfront/distribution:Distribution")
    assert distribution.inputs["origins"][0]["domainName"] == "origin.example.vn"
    assert len(distribution.inputs["origins"]) == 1
    assert "cdnDomainName" in inventory.outputs


ON = {"dnsAuthority": True, "originToLoadBalancer": True}


@pytest.mark.parametrize(("components", "switches", "expected"), [
    ({}, {}, "origin.example.vn"),
    ({}, ON, "origin.example.vn"),
    # regression: the origin moved to the load balancer as soon as it existed, in the same `pulumi up`
    ({"web_tier": SimpleNamespace(alb_dns_name="alb-123.elb.amazonaws.com")}, {}, "origin.example.vn"),
    ({"web_tier": SimpleNamespace(alb_dns_name="alb-123.elb.amazonaws.com")}, ON, "alb-123.elb.amazonaws.com"),
    ({"web_tier": SimpleNamespace(alb_dns_name=None)}, ON, "origin.example.vn"),
])
def test_origin_is_the_load_balancer_only_once_switched(components, switches, expected):
    ctx = SimpleNamespace(components=components, config=_config(switches=switches))
    assert phase2_quick_wins.origin(ctx) == expected


def test_manual_steps_walk_the_dns_authority_switch_per_cdn():
    cloudflare = " ".join(phase2_quick_wins.manual_steps(_config()))
    assert "zone file" in cloudflare and "nameservers" in cloudflare and "switches.dnsAuthority" in cloudflare
    route53 = " ".join(phase2_quick_wins.manual_steps(_config(cdn=CLOUDFRONT)))
    assert "aliases of the distribution" in route53 and "rollout gate" in route53
    elsewhere = " ".join(phase2_quick_wins.manual_steps(_config(cdn={"provider": "cloudfront"})))
    assert "certificateValidationRecord" in elsewhere and "--certificate-arn" in elsewhere
def _ingress(inventory, prefix):
    return [r.inputs for r in inventory.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
            if r.name.startswith(prefix)]


def test_an_external_server_without_vpn_gets_no_cache_until_the_app_moves(synth):
    inventory = synth(_program(_config(app={"hosting": "external"})), stack="example")
    assert not inventory.of_type("aws:elasticache/replicationGroup:ReplicationGroup")
    assert not inventory.of_type("aws:ec2/vpnConnection:VpnConnection")
    plan = inventory.outputs["hosting"]
    assert plan["movesToWebTierAtPhase"] == 6
    assert plan["phases"]["2"]["services"]["cache"]["path"] == "deferred"


def test_vpn_admits_the_server_range_and_generates_its_config(cloudflare):
    (connection,) = cloudflare.of_type("aws:ec2/vpnConnection:VpnConnection")
    assert connection.inputs["staticRoutesOnly"] is True and connection.inputs["type"] == "ipsec.1"
    for tunnel in (1, 2):
        assert connection.inputs[f"tunnel{tunnel}IkeVersions"] == ["ikev2"]
        assert connection.inputs[f"tunnel{tunnel}Phase1EncryptionAlgorithms"] == ["AES256"]
        assert connection.inputs[f"tunnel{tunnel}Phase2DhGroupNumbers"] == [14]
    (gateway,) = cloudflare.of_type("aws:ec2/customerGateway:CustomerGateway")
    assert gateway.inputs["ipAddress"] == "198.51.100.20"
    (route,) = cloudflare.of_type("aws:ec2/vpnConnectionRoute:VpnConnectionRoute")
    assert route.inputs["destinationCidrBlock"] == "198.51.100.20/32"
    assert len(cloudflare.of_type("aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation")) == 2
    (rule,) = _ingress(cloudflare, "cache-from-range")
    assert rule["cidrIpv4"] == "198.51.100.20/32" and rule["fromPort"] == 6379
    assert "serverVpnConfig" in cloudflare.outputs
    access = cloudflare.outputs["hosting"]["phases"]["2"]["services"]["cache"]
    assert access["path"] == "vpn" and "30 ms" in access["note"]


def _waits_for(inventory, kind, prefix):
    """Every subnet association depends on every resource of `kind` named `prefix*` (a route on our tables)."""
    links = {r.urn for r in inventory.of_type(kind) if r.name.startswith(prefix)}
    associations = inventory.of_type("aws:ec2/routeTableAssociation:RouteTableAssociation")
    return len(links) == 2 and len(associations) == 4 and all(links <= set(a.dependencies) for a in associations)


def test_subnets_move_onto_their_tables_after_the_servers_routes(cloudflare, synth):
    """No window without a route: on an applied stack the subnets move onto new tables (components/network.py),
    so each association waits for the VPN's propagations or the peering's routes into those tables."""
    assert _waits_for(cloudflare, "aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation",
                      "server-vpn-propagation-")
    peered = synth(_program(_config(app=PEERING)), stack="example")
    assert _waits_for(peered, "aws:ec2/route:Route", "server-peering-to-server-")
    (back,) = [r.urn for r in peered.of_type("aws:ec2/route:Route") if r.name.startswith("server-peering-from-")]
    assert not any(back in a.dependencies  # the route back is on the server's own table: nothing moves there
                   for a in peered.of_type("aws:ec2/routeTableAssociation:RouteTableAssociation"))


def test_an_ec2_server_in_the_account_is_peered_and_admitted(synth):
    inventory = synth(_program(_config(app=PEERING)), stack="example")
    (peering,) = inventory.of_type("aws:ec2/vpcPeeringConnection:VpcPeeringConnection")
    assert peering.inputs["peerVpcId"] == "vpc-0123456789abcdef0" and peering.inputs["autoAccept"] is True
    routes = {r.name: r.inputs for r in inventory.of_type("aws:ec2/route:Route")}
    to_server = [r for n, r in routes.items() if n.startswith("server-peering-to-server")]
    from_server = [r for n, r in routes.items() if n.startswith("server-peering-from-server")]
    assert len(to_server) == 2 and {r["destinationCidrBlock"] for r in to_server} == {"172.31.0.0/16"}
    assert from_server == [{**from_server[0], "routeTableId": "rtb-0123456789abcdef0",
                            "destinationCidrBlock": "10.40.0.0/16"}]
    admitted = {r["referencedSecurityGroupId"] for r in _ingress(inventory, "cache-from-client")}
    assert "sg-0123456789abcdef0" in admitted and len(admitted) == 2
    (attachment,) = [r for r in inventory.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                     if r.name.startswith("server-permissions")]
    assert attachment.inputs["role"] == "shop-server"
    assert not inventory.of_type("aws:iam/role:Role") or all(
        r.inputs.get("name") != "shop-server" for r in inventory.of_type("aws:iam/role:Role"))


def test_swanctl_config_names_both_tunnels_and_the_ranges():
    from components.old_server import swanctl_conf

    text = swanctl_conf("198.51.100.20", "198.51.100.20/32", "10.40.0.0/16",
                        [("203.0.113.1", "k1"), ("203.0.113.2", "k2")])
    assert text.count("version = 2") == 2 and "remote_addrs = 203.0.113.2" in text
    assert "local_ts = 198.51.100.20/32" in text and "remote_ts = 10.40.0.0/16" in text
    assert 'secret = "k1"' in text and "aes256-sha256-modp2048" in text


@pytest.mark.parametrize(("environment", "protected"), [("prod", True), ("dev", False)])
def test_the_zone_and_the_distribution_are_protected_in_production(synth, environment, protected):
    zone_stack = synth(_program(_config(environment=environment)), stack=environment)
    (zone,) = zone_stack.of_type("cloudflare:index/zone:Zone")
    front = synth(_program(_config(environment=environment, cdn=CLOUDFRONT)), stack=environment)
    (distribution,) = front.of_type("aws:cloudfront/distribution:Distribution")
    assert zone.protect is protected and distribution.protect is protected

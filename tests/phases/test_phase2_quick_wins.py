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


def _config(**overrides):
    return StackConfig.model_validate({"phase": 2, "site": SITE, "cdn": CLOUDFLARE, **overrides})


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
                               "sme-rollout:cache:Cache", "sme-rollout:cdn:CloudflareCdn"}
    for type_ in ("sme-rollout:network:Network", "sme-rollout:cache:Cache", "sme-rollout:cdn:CloudflareCdn"):
        assert components[type_].parent == phases[2] and components[type_].phase == 2
    # 44 before: + MX, SPF, the apex A and the origin's A imported from the zone file
    assert len([r for r in cloudflare.custom_resources() if r.phase == 2]) == 48


def test_dev_defaults_are_the_cheap_ones(cloudflare):
    assert len(cloudflare.of_type("aws:ec2/natGateway:NatGateway")) == 1
    (group,) = cloudflare.of_type("aws:elasticache/replicationGroup:ReplicationGroup")
    assert group.inputs["numCacheClusters"] == 1 and group.inputs["nodeType"] == "cache.t4g.small"
    assert group.protect is False


def test_cache_admits_the_app_group_and_flow_logs_use_the_baseline_key(cloudflare):
    (rule,) = cloudflare.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
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


def test_production_gets_nat_per_az_and_a_failover_cache(synth):
    config = _config(environment="prod", size="medium", network={"availabilityZones": 3})
    inventory = synth(_program(config), stack="prod")
    assert len(inventory.of_type("aws:ec2/natGateway:NatGateway")) == 3
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

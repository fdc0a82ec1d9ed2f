"""Web tier: ALB hardening, WAF, routing, launch templates, autoscaling groups, scaling and least privilege."""

import json

import pytest

from components.web_tier import (
    CLOUDFRONT_ORIGIN_FACING,
    DIRECT_ACCESS_PRIORITY,
    ORIGIN_VERIFY_HEADER,
    TLS_POLICY,
    ServiceSpec,
    WebTier,
    WebTierArgs,
    architecture,
    instance_distribution,
    instance_policy,
    cloudflare_ranges,
    routing,
    rule_chunks,
)

CERTIFICATE = "arn:aws:acm:ap-southeast-1:123456789012:certificate/0f0e0d0c-1111-2222-3333-444455556666"

SERVICES = [ServiceSpec(name="web"), ServiceSpec(name="api", path_patterns=["/api/*"], spot_percent=50)]


@pytest.fixture(scope="module")
def inventory():
    from rollout.runtime.synth import synthesize_function

    def program():
        tier = WebTier("web", WebTierArgs(
            vpc_id="vpc-1", public_subnet_ids=["pub-a", "pub-b"], private_subnet_ids=["priv-a", "priv-b"],
            services=SERVICES, domain="shop.example.vn", access_log_bucket="logs",
            secret_arns=["arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:db"],
            assumable_role_arns=["arn:aws:iam::123456789012:role/orders-producer"],
            log_group_arn="arn:aws:logs:ap-southeast-1:123456789012:log-group:app"))
        tier.serve_https(CERTIFICATE)

    return synthesize_function(program)


@pytest.fixture(scope="module")
def behind_cloudflare():
    from rollout.runtime.synth import synthesize_function

    return synthesize_function(lambda: WebTier("web", WebTierArgs(
        vpc_id="vpc-1", public_subnet_ids=["pub-a", "pub-b"], private_subnet_ids=["priv-a", "priv-b"],
        services=SERVICES, domain="shop.example.vn", access_log_bucket="logs", cdn_provider="cloudflare",
        waf_mode="enforce", upload_paths=["/admin/upload"])))


def _of(inventory, kind):
    return [r.inputs for r in inventory.of_type(kind)]


def test_alb_is_hardened_and_logged(inventory):
    (alb,) = _of(inventory, "aws:lb/loadBalancer:LoadBalancer")
    assert alb["internal"] is False and alb["dropInvalidHeaderFields"] is True
    assert alb["enableDeletionProtection"] is True and alb["desyncMitigationMode"] == "defensive"
    assert alb["accessLogs"] == {"bucket": "logs", "enabled": True, "prefix": "alb/web"}
    assert alb["subnets"] == ["pub-a", "pub-b"]


def test_http_redirects_and_https_uses_tls13_policy(inventory):
    listeners = {r["port"]: r for r in _of(inventory, "aws:lb/listener:Listener")}
    (redirect,) = listeners[80]["defaultActions"]
    assert redirect["type"] == "redirect" and redirect["redirect"]["protocol"] == "HTTPS"
    assert listeners[443]["protocol"] == "HTTPS" and listeners[443]["sslPolicy"] == TLS_POLICY
    assert listeners[443]["certificateArn"] == CERTIFICATE
    # behind CloudFront, a request without the secret origin header is not from our distribution
    assert listeners[443]["defaultActions"][0]["fixedResponse"]["statusCode"] == "403"


def test_path_rules_route_to_each_service_only_with_the_origin_header(inventory):
    rules = {r["priority"]: r for r in _of(inventory, "aws:lb/listenerRule:ListenerRule")}
    assert sorted(rules) == [20, DIRECT_ACCESS_PRIORITY]
    api, default = rules[20], rules[DIRECT_ACCESS_PRIORITY]
    assert api["conditions"][0] == {"pathPattern": {"values": ["/api/*"]}}
    assert api["conditions"][1]["httpHeader"]["httpHeaderName"] == ORIGIN_VERIFY_HEADER
    assert [c for c in default["conditions"] if "httpHeader" in c] == default["conditions"]
    assert default["actions"][0]["type"] == "forward"


def test_no_https_listener_before_a_validated_certificate(behind_cloudflare):
    ports = [r.inputs["port"] for r in behind_cloudflare.of_type("aws:lb/listener:Listener")]
    assert ports == [80]
    assert not behind_cloudflare.of_type("aws:lb/listenerRule:ListenerRule")


def test_alb_admits_only_cloudfront_origin_facing_addresses(inventory):
    (group,) = [r for r in inventory.of_type("aws:ec2/securityGroup:SecurityGroup") if r.name == "web-alb"]
    assert "ingress" not in group.inputs and "egress" not in group.inputs  # rule resources only
    rules = [r.inputs for r in inventory.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
             if r.name.startswith("web-alb-")]
    assert len(rules) == 1 and rules[0]["fromPort"] == rules[0]["toPort"] == 443
    assert "cidrIpv4" not in rules[0] and "cidrIpv6" not in rules[0] and rules[0]["prefixListId"].startswith("pl-")
    assert CLOUDFRONT_ORIGIN_FACING == "com.amazonaws.global.cloudfront.origin-facing"


def test_alb_behind_cloudflare_admits_only_cloudflare_ranges(behind_cloudflare):
    rules = [r.inputs for r in behind_cloudflare.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
             if r.name.startswith("web-alb-")]
    ranges = cloudflare_ranges()
    assert {r.get("cidrIpv4") or r.get("cidrIpv6") for r in rules} == set(ranges["ipv4"] + ranges["ipv6"])
    assert all(r["fromPort"] == 443 for r in rules)
    assert not any(r.get("cidrIpv4") == "0.0.0.0/0" or r.get("cidrIpv6") == "::/0" for r in rules)


def test_no_security_group_mixes_inline_rules_with_rule_resources(inventory, behind_cloudflare):
    for inv in (inventory, behind_cloudflare):
        for group in inv.of_type("aws:ec2/securityGroup:SecurityGroup"):
            assert "ingress" not in group.inputs and "egress" not in group.inputs, group.name


def test_rate_limit_counts_the_forwarded_visitor_address(inventory, behind_cloudflare):
    for inv, header in ((inventory, "X-Forwarded-For"), (behind_cloudflare, "CF-Connecting-IP")):
        (acl,) = _of(inv, "aws:wafv2/webAcl:WebAcl")
        rate = next(r for r in acl["rules"] if "rateBasedStatement" in r["statement"])
        statement = rate["statement"]["rateBasedStatement"]
        assert statement["aggregateKeyType"] == "FORWARDED_IP"
        assert statement["forwardedIpConfig"]["headerName"] == header


def test_rule_chunks_keep_five_condition_values():
    assert rule_chunks(["/a/*", "/b/*", "/c/*", "/d/*", "/e/*"], header=True) == [
        ["/a/*", "/b/*", "/c/*", "/d/*"], ["/e/*"]]
    assert rule_chunks(["/a/*", "/b/*", "/c/*", "/d/*", "/e/*"], header=False) == [
        ["/a/*", "/b/*", "/c/*", "/d/*", "/e/*"]]


def test_waf_is_regional_with_managed_rules_and_rate_limit_and_associated(inventory):
    (acl,) = _of(inventory, "aws:wafv2/webAcl:WebAcl")
    assert acl["scope"] == "REGIONAL"
    names = [r["name"] for r in acl["rules"]]
    assert "AWSManagedRulesCommonRuleSet" in names and "rate-limit-per-visitor" in names
    rate = next(r for r in acl["rules"] if r["name"] == "rate-limit-per-visitor")
    assert rate["statement"]["rateBasedStatement"]["limit"] == 3000 and rate["action"] == {"block": {}}
    managed = [r for r in acl["rules"] if "managedRuleGroupStatement" in r["statement"]]
    assert managed and all(r["overrideAction"] == {"count": {}} for r in managed)  # count mode by default
    (association,) = inventory.of_type("aws:wafv2/webAclAssociation:WebAclAssociation")
    alb_urn = inventory.of_type("aws:lb/loadBalancer:LoadBalancer")[0].urn
    assert alb_urn in association.property_dependencies["resourceArn"]


def test_launch_templates_require_imdsv2_encrypt_disks_and_have_no_public_ip(inventory):
    templates = _of(inventory, "aws:ec2/launchTemplate:LaunchTemplate")
    assert len(templates) == 2
    for template in templates:
        assert template["metadataOptions"]["httpTokens"] == "required"
        assert template["metadataOptions"]["httpPutResponseHopLimit"] == 1
        assert template["blockDeviceMappings"][0]["ebs"]["encrypted"] == "true"
        assert template["networkInterfaces"][0]["associatePublicIpAddress"] == "false"
        assert template["iamInstanceProfile"]["arn"]


def test_groups_use_elb_health_checks_private_subnets_and_rolling_refresh_with_rollback(inventory):
    groups = {g["name"] if "name" in g else i: g for i, g in enumerate(_of(inventory, "aws:autoscaling/group:Group"))}
    assert len(groups) == 2
    for group in groups.values():
        assert group["healthCheckType"] == "ELB" and group["vpcZoneIdentifiers"] == ["priv-a", "priv-b"]
        assert group["capacityRebalance"] is True
        preferences = group["instanceRefresh"]["preferences"]
        assert group["instanceRefresh"]["strategy"] == "Rolling"
        assert preferences["autoRollback"] is True and preferences["minHealthyPercentage"] == 90
    with_spot = [g for g in groups.values() if "mixedInstancesPolicy" in g]
    assert len(with_spot) == 1
    distribution = with_spot[0]["mixedInstancesPolicy"]["instancesDistribution"]
    assert distribution["onDemandBaseCapacity"] == 2 and distribution["onDemandPercentageAboveBaseCapacity"] == 50


def test_target_tracking_on_cpu_and_requests_per_target(inventory):
    metrics = sorted(p["targetTrackingConfiguration"]["predefinedMetricSpecification"]["predefinedMetricType"]
                     for p in _of(inventory, "aws:autoscaling/policy:Policy"))
    assert metrics == ["ALBRequestCountPerTarget"] * 2 + ["ASGAverageCPUUtilization"] * 2


def test_instance_policy_is_least_privilege(inventory):
    (policy,) = _of(inventory, "aws:iam/rolePolicy:RolePolicy")
    statements = {s["Sid"]: s for s in json.loads(policy["policy"])["Statement"]}
    assert statements["ReadAppSecrets"]["Resource"] == [
        "arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:db"]
    assert statements["AssumeWorkloadRoles"]["Action"] == ["sts:AssumeRole"]
    assert statements["WriteAppLogs"]["Resource"] == "arn:aws:logs:ap-southeast-1:123456789012:log-group:app:log-stream:*"
    assert all(s["Resource"] != "*" for s in statements.values())


@pytest.mark.parametrize("instance_type, expected", [
    ("t4g.small", "arm64"), ("m7g.large", "arm64"), ("c7gn.xlarge", "arm64"), ("t3.small", "x86_64"),
    ("m5.large", "x86_64"), ("m7i.large", "x86_64"),
])
def test_architecture(instance_type, expected):
    assert architecture(instance_type) == expected


def test_routing_default_and_rules():
    assert routing(SERVICES) == ("web", [("api", 20, ["/api/*"])])
    assert routing([ServiceSpec(name="api", path_patterns=["/api/*"])]) == (None, [("api", 10, ["/api/*"])])


def test_no_spot_means_no_mixed_policy():
    assert instance_distribution(ServiceSpec(name="web")) is None


def test_instance_policy_without_grants_is_none():
    assert instance_policy([], [], None) is None


def test_args_need_a_service():
    with pytest.raises(ValueError):
        WebTierArgs(vpc_id="v", public_subnet_ids=[], private_subnet_ids=[], services=[], domain="a.vn",
                    access_log_bucket="logs")

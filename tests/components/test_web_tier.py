"""Web tier: ALB hardening, WAF, routing, launch templates, autoscaling groups, scaling and least privilege."""

import json
import re

import pytest

from components.web_tier import (
    CLOUDFRONT_ORIGIN_FACING,
    DIRECT_ACCESS_PRIORITY,
    GROUP_IGNORE_CHANGES,
    MAX_HEALTHY_PERCENT,
    MIN_HEALTHY_PERCENT,
    ORIGIN_VERIFY_HEADER,
    TLS_POLICY,
    ServiceSpec,
    WebTier,
    WebTierArgs,
    app_role_name,
    architecture,
    cloudflare_ranges,
    database_user_arn,
    ecr_lifecycle_policy,
    instance_distribution,
    instance_policy,
    refresh_preferences,
    routing,
    rule_chunks,
    sizes,
)

CERTIFICATE = "arn:aws:acm:ap-southeast-1:123456789012:certificate/0f0e0d0c-1111-2222-3333-444455556666"
AMI = "ami-0a1b2c3d4e5f60718"
SERVICES = [ServiceSpec(name="web", image_id=AMI, image="1.2.3"),
            ServiceSpec(name="api", path_patterns=["/api/*"], spot_percent=50, image_id=AMI,
                        image="sha256:" + "a" * 64)]
SECRET = "arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:payments"
SECRET_KEY = "arn:aws:kms:ap-southeast-1:123456789012:key/payments"


def _args(**overrides):
    return WebTierArgs(
        **{
            "vpc_id": "vpc-1",
            "public_subnet_ids": ["pub-a", "pub-b"],
            "private_subnet_ids": ["priv-a", "priv-b"],
            "services": SERVICES,
            "domain": "shop.example.vn",
            "access_log_bucket": "logs",
            "app_secrets": {"PAYMENT_API_KEY": SECRET},
            "secret_kms_key_arns": [SECRET_KEY],
            "assumable_role_arns": ["arn:aws:iam::123456789012:role/orders-producer"],
            "log_group_arn": "arn:aws:logs:ap-southeast-1:123456789012:log-group:app",
            "log_group_name": "/sme-rollout/dev/app",
            "database_resource_id": "db-ABC",
            "uploads_bucket_arn": "arn:aws:s3:::uploads",
            "uploads_key_arn": "arn:aws:kms:ap-southeast-1:123456789012:key/u",
            "app_env": {"CACHE_HOST": "cache.internal", "DATABASE_WRITE_HOST": "db.internal"},
            "alert_topic_arn": "arn:aws:sns:ap-southeast-1:123456789012:alerts",
            **overrides,
        }
    )


@pytest.fixture(scope="module")
def inventory():
    from rollout.runtime.synth import synthesize_function

    def program():
        tier = WebTier("web", _args())
        tier.serve_https(CERTIFICATE)
        tier.create_scaling()

    return synthesize_function(program)


@pytest.fixture(scope="module")
def behind_cloudflare():
    from rollout.runtime.synth import synthesize_function

    return synthesize_function(lambda: WebTier("web", _args(cdn_provider="cloudflare", waf_mode="enforce",
                                                            upload_paths=["/admin/upload"])))


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
        assert preferences["autoRollback"] is True and preferences["minHealthyPercentage"] == 100
        assert preferences["maxHealthyPercentage"] == 200 and preferences["checkpointPercentages"] == [50, 100]
    with_spot = [g for g in groups.values() if "mixedInstancesPolicy" in g]
    assert len(with_spot) == 1
    distribution = with_spot[0]["mixedInstancesPolicy"]["instancesDistribution"]
    assert distribution["onDemandBaseCapacity"] == 2 and distribution["onDemandPercentageAboveBaseCapacity"] == 50


def test_target_tracking_on_cpu_and_requests_per_target(inventory):
    metrics = sorted(
        p["targetTrackingConfiguration"]["predefinedMetricSpecification"]["predefinedMetricType"]
        for p in _of(inventory, "aws:autoscaling/policy:Policy")
    )
    assert metrics == ["ALBRequestCountPerTarget"] * 2 + ["ASGAverageCPUUtilization"] * 2


def test_one_least_privilege_role_per_service(inventory):
    roles = {r.name: r.inputs for r in inventory.of_type("aws:iam/role:Role")}
    assert set(roles) == {"web-web-instance", "web-api-instance"}
    assert {r["name"] for r in roles.values()} == {app_role_name("test", "web"), app_role_name("test", "api")}
    policies = {r.name: json.loads(r.inputs["policy"]) for r in inventory.of_type("aws:iam/rolePolicy:RolePolicy")}
    assert set(policies) == {"web-web-instance", "web-api-instance"}
    statements = {s["Sid"]: s for s in policies["web-web-instance"]["Statement"]}
    assert statements["ReadAppSecrets"]["Resource"] == [SECRET]
    assert statements["DecryptAppSecrets"]["Resource"] == [SECRET_KEY]
    assert statements["DecryptAppSecrets"]["Condition"] == {
        "StringEquals": {"kms:ViaService": "secretsmanager.ap-southeast-1.amazonaws.com"}
    }
    assert statements["AssumeWorkloadRoles"]["Action"] == ["sts:AssumeRole"]
    assert (
        statements["WriteAppLogs"]["Resource"] == "arn:aws:logs:ap-southeast-1:123456789012:log-group:app:log-stream:*"
    )
    assert statements["DatabaseIamAuth"]["Resource"] == "arn:aws:rds-db:ap-southeast-1:123456789012:dbuser:db-ABC/app"
    assert statements["Uploads"]["Resource"] == "arn:aws:s3:::uploads/*"
    assert statements["ReadAppEnvironment"]["Resource"].endswith("/sme-rollout/test/web/env")
    wildcard = [s["Sid"] for s in statements.values() if s["Resource"] == "*"]
    assert wildcard == ["EcrLogin"]  # ecr:GetAuthorizationToken has no resource-level permissions
    api = {s["Sid"]: s for s in policies["web-api-instance"]["Statement"]}
    assert api["PullImage"]["Resource"] != statements["PullImage"]["Resource"]


def test_repository_per_service_scans_on_push_with_immutable_tags_and_a_lifecycle(inventory):
    repositories = {r.inputs["name"]: r.inputs for r in inventory.of_type("aws:ecr/repository:Repository")}
    assert set(repositories) == {"test/web", "test/api"}
    for repository in repositories.values():
        assert repository["imageScanningConfiguration"] == {"scanOnPush": True}
        assert repository["imageTagMutability"] == "IMMUTABLE"
    lifecycles = inventory.of_type("aws:ecr/lifecyclePolicy:LifecyclePolicy")
    assert len(lifecycles) == 2
    rules = json.loads(ecr_lifecycle_policy())["rules"]
    # ECR: the rule with tagStatus any must have the highest rulePriority
    assert max(rules, key=lambda r: r["rulePriority"])["selection"]["tagStatus"] == "any"


def test_environment_parameter_holds_plain_values_and_secret_references_only(inventory):
    from rollout.model.inventory import Secret

    raw = {r.inputs["name"]: r.inputs["value"] for r in inventory.of_type("aws:ssm/parameter:Parameter")}
    parameters = {n: json.loads(v.value if isinstance(v, Secret) else v) for n, v in raw.items()}
    assert {r.inputs["type"] for r in inventory.of_type("aws:ssm/parameter:Parameter")} == {"String"}
    web = parameters["/sme-rollout/test/web/env"]
    assert web["env"]["CACHE_HOST"] == "cache.internal" and web["env"]["PORT"] == "8080"
    assert web["secrets"] == {"PAYMENT_API_KEY": SECRET}


def test_launch_template_boots_the_pinned_image(inventory):
    import base64

    templates = {r.name: r.inputs for r in inventory.of_type("aws:ec2/launchTemplate:LaunchTemplate")}
    assert {t["imageId"] for t in templates.values()} == {AMI}
    script = base64.b64decode(templates["web-web"]["userData"]).decode()
    assert "123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/test/web:1.2.3" in script
    assert "-p 8080:8080" in script and "http://127.0.0.1:8080/healthz" in script
    api = base64.b64decode(templates["web-api"]["userData"]).decode()
    assert "test/api@sha256:" + "a" * 64 in api


def test_refresh_rolls_back_on_the_services_canary_alarms(inventory):
    alarms = {r.name: r for r in inventory.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
    assert set(alarms) == {"web-web-5xx", "web-web-p95", "web-api-5xx", "web-api-p95"}
    groups = {r.name: r.inputs for r in inventory.of_type("aws:autoscaling/group:Group")}
    watched = groups["web-web"]["instanceRefresh"]["preferences"]["alarmSpecification"]["alarms"]
    assert len(watched) == 2 and all(isinstance(name, str) and name for name in watched)
    group_urn = inventory.of_type("aws:autoscaling/group:Group")[0].urn
    assert any(a.urn in inventory.by_urn[group_urn].dependencies for a in alarms.values())


@pytest.mark.parametrize("minimum, maximum", [(MIN_HEALTHY_PERCENT, MAX_HEALTHY_PERCENT)])
def test_refresh_healthy_percentages_are_valid_for_the_api(minimum, maximum):
    # Auto Scaling API (RefreshPreferences, InstanceMaintenancePolicy): min 0-100, max 100-200, max - min <= 100
    assert 0 <= minimum <= 100 and 100 <= maximum <= 200 and maximum - minimum <= 100
    preferences = refresh_preferences(["a"] * 12)
    assert len(preferences["alarm_specification"]["alarms"]) == 10
    assert "alarm_specification" not in refresh_preferences([])


def test_desired_capacity_is_left_to_scaling():
    assert GROUP_IGNORE_CHANGES == ["desiredCapacity"]


def test_groups_ignore_desired_capacity_changes(monkeypatch):
    import pulumi_aws as aws

    from rollout.runtime.synth import synthesize_function

    seen = []
    original = aws.autoscaling.Group.__init__

    def record(self, name, *args, opts=None, **kwargs):
        seen.append(list(opts.ignore_changes or []))
        original(self, name, *args, opts=opts, **kwargs)

    monkeypatch.setattr(aws.autoscaling.Group, "__init__", record)
    synthesize_function(lambda: WebTier("web", _args(services=SERVICES[:1])))
    assert seen == [["desiredCapacity"]]


def test_fixed_size_before_phase_6():
    service = ServiceSpec(name="web", image_id=AMI, image="1", min_size=2, max_size=6, desired_capacity=3)
    assert sizes(service, fixed=True) == (2, 2, 2)
    assert sizes(service, fixed=False) == (2, 6, 3)


def test_database_user_arn():
    assert database_user_arn("ap-southeast-1", "1", "db-X", "app") == "arn:aws:rds-db:ap-southeast-1:1:dbuser:db-X/app"


def test_a_changed_image_updates_the_launch_template_not_the_group():
    import base64

    from rollout.analysis.diff import diff_inventories
    from rollout.runtime.synth import synthesize_function

    def program(image):
        return lambda: WebTier("web", _args(services=[ServiceSpec(name="web", image_id=AMI, image=image)]))

    before, after = synthesize_function(program("1.2.3")), synthesize_function(program("1.2.4"))
    (old,), (new,) = (i.of_type("aws:ec2/launchTemplate:LaunchTemplate") for i in (before, after))
    assert old.urn == new.urn
    assert b":1.2.4" in base64.b64decode(new.inputs["userData"])
    changes = diff_inventories(before, after)
    assert not changes.replaced and not changes.removed and not changes.added
    assert {e.name for e in changes.updated} == {"web-web"}  # the template's user data; a new version follows
    assert {e.type for e in changes.updated} == {"aws:ec2/launchTemplate:LaunchTemplate"}


@pytest.mark.parametrize(
    "instance_type, expected",
    [
        ("t4g.small", "arm64"),
        ("m7g.large", "arm64"),
        ("c7gn.xlarge", "arm64"),
        ("t3.small", "x86_64"),
        ("m5.large", "x86_64"),
        ("m7i.large", "x86_64"),
    ],
)
def test_architecture(instance_type, expected):
    assert architecture(instance_type) == expected


def test_routing_default_and_rules():
    assert routing(SERVICES) == ("web", [("api", 20, ["/api/*"])])
    assert routing([ServiceSpec(name="api", path_patterns=["/api/*"], image_id=AMI)]) == (
        None,
        [("api", 10, ["/api/*"])],
    )


def test_no_spot_means_no_mixed_policy():
    assert instance_distribution(ServiceSpec(name="web", image_id=AMI)) is None


def test_instance_policy_without_grants_is_none():
    assert instance_policy([], [], None) is None


def test_args_need_a_service():
    with pytest.raises(ValueError):
        WebTierArgs(
            vpc_id="v",
            public_subnet_ids=[],
            private_subnet_ids=[],
            services=[],
            domain="a.vn",
            access_log_bucket="logs",
        )


@pytest.mark.parametrize("service", ["web", "api", "a" * 20, "checkout-and-payments-1", "x" * 24])
def test_target_group_auto_names_fit_in_32_characters(service):
    """Pulumi appends `-` and 7 random characters; ELB refuses target group names over 32 characters."""
    from components.web_tier import target_group_resource_name

    name = target_group_resource_name("web", service)
    assert len(name) + 8 <= 32 and re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?", name)
    if len(f"web-{service}") <= 24:
        assert name == f"web-{service}"  # unchanged for existing stacks: no new URN, no replacement


def test_long_service_names_keep_distinct_target_groups():
    from components.web_tier import target_group_resource_name

    names = {target_group_resource_name("web", f"checkout-and-payments-{n}") for n in range(5)}
    assert len(names) == 5

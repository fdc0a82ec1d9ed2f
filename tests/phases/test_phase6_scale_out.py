"""Phase 6: the web tier per service, its alarms, and the dashboards growing to show it."""

import json

import phases.phase6_scale_out as phase6
from tests.phases.phase_standins import run


def test_declares_what_it_is():
    assert phase6.NUMBER == 6 and phase6.TITLE and phase6.GOAL and phase6.KPIS and phase6.ADDS


def test_web_tier_per_service_with_alarms_and_alb_output(synth):
    inventory = run(synth, 6)
    groups = inventory.of_type("aws:autoscaling/group:Group")
    assert len(groups) == 2 and all(g.phase == 6 for g in groups)
    templates = inventory.of_type("aws:ec2/launchTemplate:LaunchTemplate")
    assert {t.inputs["instanceType"] for t in templates} == {"t4g.small"}
    assert all("sg-app" in t.inputs["networkInterfaces"][0]["securityGroups"] for t in templates)
    web_alarms = sorted(a.name for a in inventory.of_type("aws:cloudwatch/metricAlarm:MetricAlarm") if a.phase == 6)
    assert web_alarms == ["web-api-5xx", "web-api-p95", "web-slo-alb-5xx", "web-slo-alb-errors", "web-slo-alb-p95",
                          "web-slo-api-unhealthy", "web-slo-web-unhealthy", "web-web-5xx", "web-web-p95"]
    scaling = inventory.of_type("aws:autoscaling/policy:Policy")
    assert len(scaling) == 4 and all(p.phase == 6 for p in scaling)
    assert inventory.outputs["albDnsName"]
    (dashboard,) = inventory.of_type("aws:cloudwatch/dashboard:Dashboard")
    titles = [w["properties"]["title"] for w in json.loads(dashboard.inputs["dashboardBody"])["widgets"]]
    assert "ALB target response time p95 (s)" in titles


def test_each_service_assumes_the_queue_roles_and_signs_in_to_the_database_as_app(synth):
    inventory = run(synth, 6)
    policies = {r.name: json.loads(r.inputs["policy"]) for r in inventory.of_type("aws:iam/rolePolicy:RolePolicy")
                if r.name in ("web-web-instance", "web-api-instance")}
    assert set(policies) == {"web-web-instance", "web-api-instance"}
    statements = {s["Sid"]: s for s in policies["web-web-instance"]["Statement"]}
    assert "ReadAppSecrets" not in statements  # the master secret is for admins; the app uses IAM auth
    assert statements["DatabaseIamAuth"]["Action"] == ["rds-db:connect"]
    assert len(statements["AssumeWorkloadRoles"]["Resource"]) == 4
    attached = {r.inputs["policyArn"] for r in inventory.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")}
    assert "arn:aws:iam::123456789012:policy/cache-connect" in attached


def test_services_take_the_size_preset():
    from phases.config import parse_config
    from tests.phases.phase_standins import BASE

    config = parse_config({**BASE, "size": "large"})
    assert [s.instance_type for s in phase6.services(config)] == ["m7g.large", "m7g.large"]


def test_https_listener_waits_for_a_certificate_validated_in_the_managed_zone(synth):
    """Regression: the listener used an ACM certificate that was never validated (UnsupportedCertificate)."""
    inventory = run(synth, 6)
    (validation,) = [r for r in inventory.of_type("aws:acm/certificateValidation:CertificateValidation")
                     if r.name == "web-certificate"]
    (record,) = [r for r in inventory.of_type("aws:route53/record:Record") if r.name == "web-certificate-validation"]
    assert record.inputs["zoneId"] == "Z0123456789ABCDEFGHIJ"
    assert record.urn in validation.property_dependencies["validationRecordFqdns"]
    (https,) = [r for r in inventory.of_type("aws:lb/listener:Listener") if r.inputs["port"] == 443]
    assert validation.urn in https.property_dependencies["certificateArn"]
    assert "loadBalancerCertificateValidationRecord" in inventory.outputs


def test_an_issued_certificate_from_config_is_used_as_is(synth):
    arn = "arn:aws:acm:ap-southeast-1:123456789012:certificate/0f0e0d0c-1111-2222-3333-444455556666"
    inventory = run(synth, 6, {"cdn": {"provider": "cloudfront"}, "loadBalancer": {"certificateArn": arn}})
    assert not inventory.of_type("aws:acm/certificateValidation:CertificateValidation")
    (https,) = [r for r in inventory.of_type("aws:lb/listener:Listener") if r.inputs["port"] == 443]
    assert https.inputs["certificateArn"] == arn


def test_phase_6_without_a_managed_zone_or_issued_certificate_is_bad_input():
    import pytest

    from phases.config import ConfigError, parse_config
    from tests.phases.phase_standins import BASE

    with pytest.raises(ConfigError, match="loadBalancer.certificateArn"):
        parse_config({**BASE, "phase": 6, "cdn": {"provider": "cloudfront"}})
def test_queue_roles_trust_only_the_roles_that_use_them(synth):
    inventory = run(synth, 6)
    roles = [r for r in inventory.of_type("aws:iam/role:Role") if r.name.endswith(("-producer", "-consumer"))]
    assert len(roles) == 4
    for role in roles:
        (statement,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
        assert statement["Condition"]["ArnEquals"]["aws:PrincipalArn"] == [
            "arn:aws:iam::123456789012:role/dev-api-app", "arn:aws:iam::123456789012:role/dev-web-app",
            "arn:aws:iam::123456789012:role/shop-server"]


def test_boot_environment_has_sessions_database_uploads_and_queues(synth):
    inventory = run(synth, 6)
    (parameter, _api) = sorted(inventory.of_type("aws:ssm/parameter:Parameter"), key=lambda r: r.name != "web-web-env")
    value = parameter.inputs["value"]
    env = json.loads(getattr(value, "value", value))["env"]
    assert env["SESSION_STORE"] == "cache" and env["CACHE_AUTH"] == "iam" and env["DATABASE_AUTH"] == "iam"
    assert env["DATABASE_USER"] == "app" and env["QUEUE_ORDERS_URL"].endswith("dev-orders.fifo")
    assert set(json.loads(env["FLOWS_JSON"])) == {"checkout", "catalog"}

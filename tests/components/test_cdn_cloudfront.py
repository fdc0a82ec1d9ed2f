"""CloudFront CDN: HTTPS-only distribution with a modern TLS policy, HSTS, WAF in us-east-1, logs, OAC origin."""

import pytest
from pydantic import ValidationError

from components.cdn_cloudfront import (
    LOAD_BALANCER_ORIGIN_ID,
    ORIGIN_VERIFY_HEADER,
    STATIC_FAILOVER_CODES,
    STATIC_GROUP_ID,
    CloudFrontCdn,
    CloudFrontCdnArgs,
    waf_rules,
)

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000"
BASE = {"domain": "www.shop.example.com", "origin": "origin.shop.example.com"}


def _program(**args):
    def program():
        import pulumi
        import pulumi_aws as aws

        us_east_1 = aws.Provider("aws-us-east-1", region="us-east-1")
        cdn = CloudFrontCdn("cdn", CloudFrontCdnArgs(**{**BASE, **args}), us_east_1)
        pulumi.export("url", cdn.url)
        pulumi.export("domain", cdn.distribution_domain_name)

    return program


def _one(inventory, type_):
    (resource,) = inventory.of_type(type_)
    return resource


@pytest.fixture(scope="module")
def full():
    """Issued certificate validated in Route 53, access logs, and the phase 3 asset bucket origin."""
    from rollout.runtime.synth import synthesize_function

    return synthesize_function(_program(
        hosted_zone_id="Z123", log_bucket_arn="arn:aws:s3:::logs", rate_limit_per_minute=1200,
        static_bucket_domain_name="assets.s3.ap-southeast-1.amazonaws.com", static_path_pattern="/assets/*"))


SWITCHED = {"alias": True, "serve_static_from_bucket": True, "load_balancer_origin": "web-alb.elb.example",
            "origin_verify_secret": "0123456789abcdef0123456789abcdef"}


@pytest.fixture(scope="module")
def switched():
    """The same, after the dnsAuthority, staticPath and originToLoadBalancer switches."""
    from rollout.runtime.synth import synthesize_function

    return synthesize_function(_program(
        hosted_zone_id="Z123", log_bucket_arn="arn:aws:s3:::logs", rate_limit_per_minute=1200,
        static_bucket_domain_name="assets.s3.ap-southeast-1.amazonaws.com", static_path_pattern="/assets/*",
        **SWITCHED))


def test_viewers_get_https_with_a_modern_tls_policy(full):
    distribution = _one(full, DISTRIBUTION).inputs
    certificate = distribution["viewerCertificate"]
    assert certificate["minimumProtocolVersion"] == "TLSv1.2_2021" and certificate["sslSupportMethod"] == "sni-only"
    assert certificate["acmCertificateArn"].startswith("arn:aws:acm:")
    assert "cloudfrontDefaultCertificate" not in certificate
    behaviors = [distribution["defaultCacheBehavior"], *distribution.get("orderedCacheBehaviors", [])]
    assert all(b["viewerProtocolPolicy"] == "redirect-to-https" and b["compress"] is True for b in behaviors)
    assert distribution["httpVersion"] == "http2and3" and distribution["aliases"] == ["www.shop.example.com"]


def test_home_page_goes_to_the_origin_as_slash(full, switched):
    """Regression: default_root_object="index.html" made / fetch /index.html (a 404 on a dynamic site)."""
    for inventory in (full, switched):
        assert "defaultRootObject" not in _one(inventory, DISTRIBUTION).inputs


def test_origin_is_reached_over_tls_1_2_only(full):
    origins = {o["originId"]: o for o in _one(full, DISTRIBUTION).inputs["origins"]}
    web = origins["web"]["customOriginConfig"]
    assert web["originProtocolPolicy"] == "https-only" and web["originSslProtocols"] == ["TLSv1.2"]
    assert origins["web"]["domainName"] == "origin.shop.example.com"


def test_every_behavior_sends_the_hsts_policy(full):
    policy = _one(full, "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy")
    hsts = policy.inputs["securityHeadersConfig"]["strictTransportSecurity"]
    assert hsts == {"accessControlMaxAgeSec": 31_536_000, "includeSubdomains": True, "override": True,
                    "preload": False}
    distribution = _one(full, DISTRIBUTION)
    behaviors = [distribution.inputs["defaultCacheBehavior"], *distribution.inputs["orderedCacheBehaviors"]]
    assert len({b["responseHeadersPolicyId"] for b in behaviors}) == 1
    assert policy.urn in distribution.dependencies


def test_asset_bucket_is_an_oac_origin_that_serves_nothing_before_the_switch(full):
    """Regression: /static/* went to the new, empty bucket in the same apply (403 on CSS, JS and images)."""
    distribution = _one(full, DISTRIBUTION).inputs
    (static,) = [o for o in distribution["origins"] if o["originId"] == "static-assets"]
    assert static["originAccessControlId"] and "customOriginConfig" not in static
    assert not distribution.get("orderedCacheBehaviors") and not distribution.get("originGroups")
    assert distribution["defaultCacheBehavior"]["targetOriginId"] == "web"


def test_static_switch_serves_the_path_from_the_bucket_failing_over_to_the_old_server(switched):
    distribution = _one(switched, DISTRIBUTION).inputs
    (behavior,) = distribution["orderedCacheBehaviors"]
    assert behavior["pathPattern"] == "/assets/*" and behavior["targetOriginId"] == STATIC_GROUP_ID
    assert behavior["allowedMethods"] == ["GET", "HEAD"]
    (group,) = distribution["originGroups"]
    assert group["originId"] == STATIC_GROUP_ID
    assert [m["originId"] for m in group["members"]] == ["static-assets", "web"]
    assert group["failoverCriteria"]["statusCodes"] == STATIC_FAILOVER_CODES
    assert {403, 404, 500, 502, 503, 504} <= set(STATIC_FAILOVER_CODES)
    oac = _one(switched, "aws:cloudfront/originAccessControl:OriginAccessControl").inputs
    assert (oac["originAccessControlOriginType"], oac["signingBehavior"], oac["signingProtocol"]) == (
        "s3", "always", "sigv4")


def test_waf_is_cloudfront_scoped_in_us_east_1_with_managed_rules_and_rate_limit(full):
    acl = _one(full, "aws:wafv2/webAcl:WebAcl")
    assert acl.inputs["scope"] == "CLOUDFRONT" and "aws-us-east-1" in acl.provider
    names = [r["name"] for r in acl.inputs["rules"]]
    assert names == ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet",
                     "AWSManagedRulesAmazonIpReputationList", "body-size-outside-upload-paths",
                     "rate-limit-per-visitor"]
    rate = acl.inputs["rules"][-1]["statement"]["rateBasedStatement"]
    # at the edge WAF sees the viewer's own address
    assert rate == {"limit": 1200, "evaluationWindowSec": 60, "aggregateKeyType": "IP"}
    managed = acl.inputs["rules"][:3]
    assert all(r["overrideAction"] == {"count": {}} for r in managed)  # regression: they blocked from minute one
    assert _one(full, DISTRIBUTION).inputs["webAclId"].startswith("arn:aws:wafv2:")


def test_certificate_is_issued_in_us_east_1_and_validated_in_route53(full):
    certificate = _one(full, "aws:acm/certificate:Certificate")
    assert certificate.inputs["validationMethod"] == "DNS" and "aws-us-east-1" in certificate.provider
    validation = _one(full, "aws:acm/certificateValidation:CertificateValidation")
    assert "aws-us-east-1" in validation.provider and len(validation.inputs["validationRecordFqdns"]) == 1
    records = {r.name: r.inputs for r in full.of_type("aws:route53/record:Record")}
    assert sorted(records) == ["cdn-certificate-validation"]  # no alias before the dnsAuthority switch


def test_dns_authority_switch_points_the_domain_with_allow_overwrite(switched):
    """Regression: alias records for names that already exist failed without allow_overwrite."""
    records = {r.name: r.inputs for r in switched.of_type("aws:route53/record:Record")}
    assert sorted(records) == ["cdn-alias-a", "cdn-alias-aaaa", "cdn-certificate-validation"]
    assert all(records[n]["zoneId"] == "Z123" and records[n]["allowOverwrite"] is True for n in records)
    assert records["cdn-alias-a"]["aliases"][0]["name"].startswith("cdn-distribution")
    # a rollback never leaves the domain without an answer
    assert all(r.retain_on_delete for r in switched.of_type("aws:route53/record:Record") if "alias" in r.name)


def test_origin_switch_sends_the_default_behavior_to_the_load_balancer_with_the_secret(full, switched):
    assert _one(full, DISTRIBUTION).inputs["defaultCacheBehavior"]["targetOriginId"] == "web"
    distribution = _one(switched, DISTRIBUTION).inputs
    assert distribution["defaultCacheBehavior"]["targetOriginId"] == LOAD_BALANCER_ORIGIN_ID
    origins = {o["originId"]: o for o in distribution["origins"]}
    assert origins["web"]["domainName"] == "origin.shop.example.com"  # the way back stays configured
    alb = origins[LOAD_BALANCER_ORIGIN_ID]
    assert alb["domainName"] == "web-alb.elb.example"
    assert alb["customHeaders"] == [{"name": ORIGIN_VERIFY_HEADER, "value": SWITCHED["origin_verify_secret"]}]
    assert alb["customOriginConfig"]["originProtocolPolicy"] == "https-only"


def test_without_route53_the_update_does_not_wait_for_validation(synth):
    """Regression: with DNS elsewhere the update waited on validation while the record was shown only after it."""
    inventory = synth(_program())
    assert inventory.of_type("aws:acm/certificateValidation:CertificateValidation") == []
    assert len(inventory.of_type("aws:acm/certificate:Certificate")) == 1
    distribution = _one(inventory, DISTRIBUTION).inputs
    assert distribution["aliases"] == [] and distribution["viewerCertificate"] == {"cloudfrontDefaultCertificate": True}
    switched = synth(_program(alias=True))
    assert len(switched.of_type("aws:acm/certificateValidation:CertificateValidation")) == 1
    assert _one(switched, DISTRIBUTION).inputs["aliases"] == ["www.shop.example.com"]


def test_access_logs_are_delivered_to_the_log_bucket(full):
    destination = _one(full, "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination")
    assert destination.inputs["deliveryDestinationConfiguration"] == {"destinationResourceArn": "arn:aws:s3:::logs"}
    source = _one(full, "aws:cloudwatch/logDeliverySource:LogDeliverySource")
    assert source.inputs["logType"] == "ACCESS_LOGS" and source.inputs["resourceArn"].startswith("arn:aws:cloudfront")
    delivery = _one(full, "aws:cloudwatch/logDelivery:LogDelivery")
    assert all("aws-us-east-1" in r.provider for r in (source, destination, delivery))
    # Unique per account and region: scoped to the stack, so two stacks in one account do not collide.
    stack = source.urn.split("::")[0].removeprefix("urn:pulumi:")
    assert source.inputs["name"] == destination.inputs["name"] == f"{stack}-cdn-access-logs"


def test_additional_metrics_publish_origin_latency(full):
    subscription = _one(full, "aws:cloudfront/monitoringSubscription:MonitoringSubscription")
    distribution = _one(full, "aws:cloudfront/distribution:Distribution")
    assert subscription.inputs["monitoringSubscription"] == {
        "realtimeMetricsSubscriptionConfig": {"realtimeMetricsSubscriptionStatus": "Enabled"}}
    assert subscription.property_dependencies["distributionId"] == (distribution.urn,)


def test_children_are_parented_to_the_component(full):
    (component,) = full.of_type("sme-rollout:cdn:CloudFrontCdn")
    assert {r.parent for r in full.custom_resources()} == {component.urn}
    assert full.outputs["url"] == "https://www.shop.example.com"


def test_a_given_certificate_is_used_as_is(synth):
    inventory = synth(_program(certificate_arn=CERT))
    assert inventory.of_type("aws:acm/certificate:Certificate") == []
    assert inventory.of_type("aws:route53/record:Record") == []
    distribution = _one(inventory, DISTRIBUTION).inputs
    assert distribution["viewerCertificate"]["acmCertificateArn"] == CERT
    assert not distribution.get("orderedCacheBehaviors") and len(distribution["origins"]) == 1
    assert inventory.of_type("aws:cloudwatch/logDelivery:LogDelivery") == []


def test_waf_rules_have_unique_priorities_and_visibility():
    rules = waf_rules(50)
    assert [r["priority"] for r in rules] == list(range(len(rules)))
    assert all(r["visibility_config"]["cloudwatch_metrics_enabled"] for r in rules)
    assert rules[-1]["statement"]["rate_based_statement"]["limit"] == 50


@pytest.mark.parametrize("bad", [
    {"certificate_arn": "arn:aws:acm:ap-southeast-1:123456789012:certificate/abc"},
    {"price_class": "PriceClass_300"},
    {"rate_limit_per_minute": 1},
    {"default_ttl_seconds": -1},
    {"viewer_protocol_policy": "allow-all"},
    {"default_root_object": "index.html"},
    {"load_balancer_origin": "alb.example"},
    {"waf_mode": "block"},
])
def test_bad_args_are_rejected(bad):
    with pytest.raises(ValidationError):
        CloudFrontCdnArgs(**{**BASE, **bad})

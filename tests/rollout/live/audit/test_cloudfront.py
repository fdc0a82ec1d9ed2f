"""The CloudFront collector: distributions (lists unwrapped from {Quantity, Items}) and headers policies."""

from __future__ import annotations

from rollout.live.audit import cloudfront
from tests.rollout import audit_fixtures as fx


def test_viewer_http_allowed_is_found(aws):
    def drift(account):
        client = account.client("cloudfront")
        current = client.get_distribution_config(Id=account.distribution_id)
        config = current["DistributionConfig"]
        config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] = "allow-all"
        client.update_distribution(Id=account.distribution_id, IfMatch=current["ETag"], DistributionConfig=config)

    added, account = fx.drift_adds((fx.build_cdn,), drift)
    assert added == {("CFD-01", account.distribution_id)}


def test_headers_policy_arns_are_global():
    assert cloudfront.rhp_arn("1", "p") == "arn:aws:cloudfront::1:response-headers-policy/p"


def test_origin_failover_and_geo_restriction_are_read():
    """moto 5.2.5 refuses a behavior targeting an origin group, so the collector's shaping is read directly."""
    from policies.core import evaluate
    from policies.registry import BY_ID

    origin = {"Id": "origin", "DomainName": "origin.shop.example.vn"}
    config = {
        "Enabled": True, "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "https-only"},
        "Origins": {"Quantity": 2, "Items": [origin, {"Id": "standby", "DomainName": "standby.shop.example.vn"}]},
        "OriginGroups": {"Quantity": 1, "Items": [{
            "Id": "site", "FailoverCriteria": {"StatusCodes": {"Quantity": 2, "Items": [502, 503]}},
            "Members": {"Quantity": 2, "Items": [{"OriginId": "origin"}, {"OriginId": "standby"}]}}]},
        "Restrictions": {"GeoRestriction": {"RestrictionType": "blacklist", "Quantity": 1, "Items": ["KP"]}},
    }
    plain = {**config, "DefaultCacheBehavior": {**config["DefaultCacheBehavior"], "TargetOriginId": "origin"},
             "Origins": {"Quantity": 1, "Items": [origin]}, "OriginGroups": {"Quantity": 0},
             "Restrictions": {"GeoRestriction": {"RestrictionType": "none", "Quantity": 0}}}
    subjects = [cloudfront.normalize_distribution(name, f"arn:aws:cloudfront::1:distribution/{name}", c, "1")
                for name, c in (("guarded", config), ("plain", plain))]
    assert subjects[0].props["originGroups"][0]["members"][1]["originId"] == "standby"
    findings = evaluate([BY_ID["CFD-10"], BY_ID["CFD-11"]], subjects)
    assert {(f.control, f.name) for f in findings} == {("CFD-10", "plain"), ("CFD-11", "plain")}


def test_a_wafv2_web_acl_is_joined_to_its_distribution_by_arn(aws):
    """WAF-04 finds the distribution's web ACL through webAclId: remove the known-bad-inputs group from it and the
    distribution is reported."""
    from tests.rollout.live.audit.test_wafv2 import _acl

    def drift(account):
        cloudfront = account.client("cloudfront")
        _, bare = _acl(account, "shop-cdn-bare", scope="CLOUDFRONT", rules=fx.web_acl_rules()[:1])
        config = cloudfront.get_distribution_config(Id=account.distribution_id)
        cloudfront.update_distribution(Id=account.distribution_id, IfMatch=config["ETag"],
                                       DistributionConfig={**config["DistributionConfig"], "WebACLId": bare["ARN"]})

    added, account = fx.drift_adds((fx.build_cdn,), drift)
    # the new ACL only counts, does not log and has no known-bad-inputs group (WAF-01..03); the distribution now
    # sits behind it (WAF-04)
    assert added == {("WAF-01", "shop-cdn-bare"), ("WAF-02", "shop-cdn-bare"), ("WAF-03", "shop-cdn-bare"),
                     ("WAF-04", account.distribution_id)}


def test_a_hand_made_distribution_is_found(aws):
    """Disabled, the default certificate, TLS 1.0 to its custom origin, a legacy origin access identity on its S3
    origin, no web ACL, no logs, no root object; its geo restriction passes CFD-11 (which the shop's fails)."""
    def drift(account):
        account.client("cloudfront").create_distribution(DistributionConfig={
            "CallerReference": "legacy", "Comment": "legacy", "Enabled": False,
            "Origins": {"Quantity": 2, "Items": [
                {"Id": "files", "DomainName": "legacy-files.s3.ap-southeast-1.amazonaws.com",
                 "S3OriginConfig": {"OriginAccessIdentity": "origin-access-identity/cloudfront/E1LEGACY"}},
                {"Id": "app", "DomainName": "old.shop.example.vn",
                 "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "match-viewer",
                                        "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1"]}}}]},
            "DefaultCacheBehavior": {"TargetOriginId": "files", "ViewerProtocolPolicy": "redirect-to-https",
                                     "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
            "Restrictions": {"GeoRestriction": {"RestrictionType": "whitelist", "Quantity": 1, "Items": ["VN"]}},
        })

    added, account = fx.drift_adds((fx.build_cdn,), drift)
    legacy = next(d["Id"] for d in account.client("cloudfront").list_distributions()["DistributionList"]["Items"]
                  if d["Comment"] == "legacy")
    assert added == {(c, legacy) for c in ("CFD-02", "CFD-03", "CFD-04", "CFD-05", "CFD-06", "CFD-08", "CFD-09",
                                            "CFD-10")}


def _distribution(reference: str, policy_id: str) -> dict:
    return {
        "CallerReference": reference, "Comment": reference, "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{"Id": "app", "DomainName": f"{reference}.shop.example.vn",
                                              "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                                                     "OriginProtocolPolicy": "https-only"}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "app", "ViewerProtocolPolicy": "redirect-to-https",
                                 "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
                                 "ResponseHeadersPolicyId": policy_id},
    }


def _headers_policy(policy_id: str, max_age: int, subdomains: bool) -> dict:
    return {"ResponseHeadersPolicy": {"Id": policy_id, "LastModifiedTime": "2026-01-01T00:00:00Z",
                                      "ResponseHeadersPolicyConfig": {"Name": policy_id, "SecurityHeadersConfig": {
                                          "StrictTransportSecurity": {
                                              "Override": True, "AccessControlMaxAgeSec": max_age,
                                              "IncludeSubdomains": subdomains}}}}}


def test_hsts_of_each_behavior_is_read_from_its_response_headers_policy(aws):
    """moto 5.2.5 has no GetResponseHeadersPolicy: a `before-call` handler answers that one operation (as a
    Stubber does, its answer validated against the operation's output shape); distributions are moto's."""
    from botocore.awsrequest import AWSResponse
    from botocore.validate import ParamValidator

    from rollout.live.session import open_session

    account = fx.account_with()
    client = account.client("cloudfront")
    ids = {}
    for reference, policy_id in (("strong", "rhp-strong"), ("weak", "rhp-weak")):
        ids[reference] = client.create_distribution(DistributionConfig=_distribution(reference, policy_id))[
            "Distribution"]["Id"]
    answers = {"rhp-strong": _headers_policy("rhp-strong", 63072000, True),
               "rhp-weak": _headers_policy("rhp-weak", 300, False)}
    session = open_session()

    def answer(model, params, **_):
        response = answers[params["url_path"].rsplit("/", 1)[-1]]  # the serialized request: .../{Id}
        report = ParamValidator().validate(response, model.output_shape)
        assert not report.has_errors(), report.generate_report()
        return AWSResponse(None, 200, {}, None), response

    session.events.register("before-call.cloudfront.GetResponseHeadersPolicy", answer)
    result = fx.run(session)
    assert "CFD-07" not in result.skipped_controls
    assert {(f.control, f.name) for f in result.findings if f.control == "CFD-07"} == {("CFD-07", ids["weak"])}


def test_a_distribution_failing_over_to_a_standby_origin_passes_cfd10(aws):
    """moto 5.2.5 refuses a behavior that targets an origin group, so the shop's distribution is created without one
    and an `after-call` hook answers GetDistributionConfig as AWS would for the same distribution with its origin
    group (a standby origin, failover on 5xx, the default behavior targeting the group)."""
    from rollout.live.session import open_session

    account = fx.account_with(fx.build_cdn)
    assert ("CFD-10", account.distribution_id) in fx.violations(fx.run())
    session = open_session()

    def with_origin_group(parsed, **_):
        config = parsed["DistributionConfig"]
        config["Origins"]["Items"].append({**config["Origins"]["Items"][0], "Id": "standby",
                                           "DomainName": "standby.shop.example.vn"})
        config["Origins"]["Quantity"] = 2
        config["OriginGroups"] = {"Quantity": 1, "Items": [{
            "Id": "site", "FailoverCriteria": {"StatusCodes": {"Quantity": 3, "Items": [500, 502, 503]}},
            "Members": {"Quantity": 2, "Items": [{"OriginId": "origin"}, {"OriginId": "standby"}]}}]}
        config["DefaultCacheBehavior"]["TargetOriginId"] = "site"

    session.events.register("after-call.cloudfront.GetDistributionConfig", with_origin_group)
    assert ("CFD-10", account.distribution_id) not in fx.violations(fx.run(session))

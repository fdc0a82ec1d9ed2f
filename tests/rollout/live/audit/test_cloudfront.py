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

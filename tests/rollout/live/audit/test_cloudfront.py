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

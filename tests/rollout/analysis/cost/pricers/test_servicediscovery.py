"""Golden breakdowns for rollout.analysis.cost.pricers.servicediscovery."""

from __future__ import annotations

from rollout.model.settings import UsageSettings
from tests.rollout.analysis.cost.builders import breakdown, golden


def test_a_dns_namespace_is_billed_as_the_hosted_zone_it_creates(synth):
    def program() -> None:
        import pulumi_aws as aws

        aws.servicediscovery.PrivateDnsNamespace("internal", name="svc.local", vpc="vpc-123")
        aws.servicediscovery.PublicDnsNamespace("public", name="example.com")

    usage = UsageSettings(by_resource={"internal": {"monthlyStandardQueries": 2e6},
                                       "public": {"monthlyStandardQueries": 0}})
    # Route 53: a hosted zone 0.50 a month; 2M queries x 0.40 = 0.80
    assert breakdown(golden(synth, program, usage)) == [
        ("internal", "Hosted zone (private, created by the namespace)", 1.0, "month", 0.5),
        ("internal", "Standard queries (first 1B)", 2.0, "1M queries", 0.8),
        ("public", "Hosted zone (public, created by the namespace)", 1.0, "month", 0.5),
        ("public", "Standard queries (first 1B)", 0.0, "1M queries", 0.0),
    ]

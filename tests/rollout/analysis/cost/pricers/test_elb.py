"""Pricing rules of rollout.analysis.cost.pricers.elb on hand-built inventories."""

from __future__ import annotations

import pytest

from tests.rollout.analysis.cost.builders import price, res


def test_alb_hours_lcus_and_public_ipv4_per_zone():
    report = price(res("aws:lb/loadBalancer:LoadBalancer", "alb", {"subnets": ["a", "b"]}))
    # 730 x 0.0252 = 18.396; 1 LCU x 730 x 0.008 = 5.84; 2 IPs x 730 x 0.005 = 7.30 => 31.536
    assert report.total_monthly == pytest.approx(31.536)
    internal = price(res("aws:lb/loadBalancer:LoadBalancer", "alb", {"internal": True}))
    assert internal.total_monthly == pytest.approx(18.396 + 5.84)


def test_network_load_balancer_and_the_alb_alias_are_usage_keyed(synth):
    from rollout.model.settings import UsageSettings
    from tests.rollout.analysis.cost.builders import breakdown, golden

    def program() -> None:
        import pulumi_aws as aws

        aws.lb.LoadBalancer("nlb", load_balancer_type="network", subnets=["subnet-a", "subnet-b"])
        aws.alb.LoadBalancer("web", internal=True, subnets=["subnet-a", "subnet-b"])

    usage = UsageSettings(by_type={"aws:alb/loadBalancer:LoadBalancer": {"averageLcus": 2}})
    lines = breakdown(golden(synth, program, usage))
    # Infracost: NLB 730 h = 16.43, 1 NLCU x 730 x 0.006 = 4.38; alb alias: 2 LCU x 730 x 0.008 = 11.68
    assert ("nlb", "Network load balancer", 730, "hour", 16.43) in lines
    assert ("nlb", "Load balancer capacity units (NLCU)", 730, "LCU-hour", 4.38) in lines
    assert ("web", "Load balancer capacity units", 1460.0, "LCU-hour", 11.68) in lines

"""The load balancer collector: ALBs, their listeners, and WAF associations."""

from __future__ import annotations

from tests.rollout import audit_fixtures as fx


def test_a_weakened_load_balancer_is_found(aws):
    def drift(account):
        elbv2 = account.client("elbv2")
        group = elbv2.describe_target_groups()["TargetGroups"][0]["TargetGroupArn"]
        elbv2.modify_listener(ListenerArn=account.listener_arns["http"],
                              DefaultActions=[{"Type": "forward", "TargetGroupArn": group}])
        elbv2.modify_load_balancer_attributes(LoadBalancerArn=account.load_balancer_arn, Attributes=[
            {"Key": "deletion_protection.enabled", "Value": "false"}])
        account.client("wafv2").disassociate_web_acl(ResourceArn=account.load_balancer_arn)

    added, _ = fx.drift_adds((fx.build_web_tier,), drift)
    assert added == {("ALB-01", "shop-web:HTTP:80"), ("ALB-05", "shop-web"), ("ALB-06", "shop-web")}

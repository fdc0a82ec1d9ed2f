"""The load balancer collector: ALBs, their listeners, listener rules and target groups, and WAF associations."""

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
    # the HTTP target group is now reached through the plain-HTTP listener too (TG-01, joined by its forward action)
    assert added == {("ALB-01", "shop-web:HTTP:80"), ("ALB-05", "shop-web"), ("ALB-06", "shop-web"),
                     ("TG-01", "shop-web")}


def test_a_listener_rule_forwarding_plain_http_is_joined_to_its_listener_and_target_group(aws):
    def drift(account):
        elbv2 = account.client("elbv2")
        vpc = elbv2.describe_target_groups()["TargetGroups"][0]["VpcId"]
        api = elbv2.create_target_group(Name="shop-api", Protocol="HTTP", Port=8081, VpcId=vpc)["TargetGroups"][0]
        elbv2.create_rule(ListenerArn=account.listener_arns["http"], Priority=10, Conditions=[
            {"Field": "path-pattern", "Values": ["/api/*"]}], Actions=[
            {"Type": "forward", "TargetGroupArn": api["TargetGroupArn"]}])
        # an HTTP target group no load balancer uses carries no traffic and is not judged
        elbv2.create_target_group(Name="shop-spare", Protocol="HTTP", Port=8082, VpcId=vpc)

    added, _ = fx.drift_adds((fx.build_web_tier,), drift)
    assert added == {("TG-01", "shop-api")}


def test_weighted_forwards_name_every_target_group():
    from rollout.live.audit import lb

    listener = lb.normalize_listener({
        "ListenerArn": "arn:l", "LoadBalancerArn": "arn:lb", "Port": 443, "Protocol": "HTTPS", "DefaultActions": [
            {"Type": "forward", "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": "arn:tg-b", "Weight": 1},
                                                                   {"TargetGroupArn": "arn:tg-a", "Weight": 9}]}}]},
        "shop")
    assert listener.property_dependencies == {"loadBalancerArn": ["arn:lb"], "defaultActions": ["arn:tg-a", "arn:tg-b"]}


def test_a_target_group_keeps_its_health_check():
    from rollout.live.audit import lb

    group = lb.normalize_target_group({
        "TargetGroupName": "web", "TargetGroupArn": "arn:tg", "Protocol": "HTTP", "Port": 8080,
        "HealthCheckEnabled": True, "HealthCheckPath": "/healthz", "HealthCheckProtocol": "HTTP",
        "Matcher": {"HttpCode": "200-399"}, "HealthyThresholdCount": 2})
    assert dict(group.props["healthCheck"]) == {"enabled": True, "path": "/healthz", "protocol": "HTTP",
                                                "matcher": "200-399", "healthyThreshold": 2}


def test_a_disabled_health_check_is_found(aws):
    def drift(account):
        elbv2 = account.client("elbv2")
        group = elbv2.describe_target_groups(Names=["shop-web"])["TargetGroups"][0]["TargetGroupArn"]
        elbv2.modify_target_group(TargetGroupArn=group, HealthCheckEnabled=False)

    added, _ = fx.drift_adds((fx.build_web_tier,), drift)
    assert added == {("TG-02", "shop-web")}

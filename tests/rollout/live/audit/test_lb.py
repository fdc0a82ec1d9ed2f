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


def test_a_hand_made_load_balancer_behind_the_cdn_is_found(aws):
    """Behind the CDN (build_cdn), a second ALB whose group admits the whole internet on 80 and 443 (NET-02), whose
    port 80 forwards instead of redirecting (SG-03, ALB-01), with an old TLS policy (ALB-02), invalid headers kept
    (ALB-03), no access logs (ALB-04) nor deletion protection (ALB-05) nor WAF (ALB-06); and a network load
    balancer without cross-zone balancing (ALB-07), access logs or deletion protection."""
    found = {}

    def drift(account):
        ec2, elbv2 = account.client("ec2"), account.client("elbv2")
        subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"] if s["VpcId"] == account.vpc_id]
        group = ec2.create_security_group(GroupName="legacy-web", Description="legacy web",
                                          VpcId=account.vpc_id)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": port, "ToPort": port,
             "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "web"}]} for port in (80, 443)])
        lb = elbv2.create_load_balancer(Name="legacy-web", Subnets=subnets, SecurityGroups=[group],
                                        Scheme="internet-facing", Type="application")["LoadBalancers"][0]
        target = elbv2.create_target_group(Name="legacy-web", Protocol="HTTP", Port=8080, VpcId=account.vpc_id,
                                           HealthCheckPath="/healthz")["TargetGroups"][0]["TargetGroupArn"]
        forward = [{"Type": "forward", "TargetGroupArn": target}]
        elbv2.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTP", Port=80, DefaultActions=forward)
        certificate = account.client("acm").request_certificate(DomainName="old.shop.example.vn")["CertificateArn"]
        elbv2.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="HTTPS", Port=443,
                              SslPolicy="ELBSecurityPolicy-2016-08", Certificates=[{"CertificateArn": certificate}],
                              DefaultActions=forward)
        elbv2.create_load_balancer(Name="legacy-tcp", Subnets=subnets, Scheme="internal", Type="network")
        found["group"] = f"legacy-web ({group})"

    added, _ = fx.drift_adds((fx.build_cdn, fx.build_web_tier), drift)
    assert added == {
        ("ALB-01", "legacy-web:HTTP:80"), ("ALB-02", "legacy-web:HTTPS:443"), ("ALB-03", "legacy-web"),
        ("ALB-04", "legacy-web"), ("ALB-05", "legacy-web"), ("ALB-06", "legacy-web"), ("NET-02", "legacy-web"),
        ("SG-03", found["group"]), ("TG-01", "legacy-web"), ("ALB-07", "legacy-tcp"), ("ALB-05", "legacy-tcp"),
        ("ALB-04", "legacy-tcp"),
        ("SG-04", found["group"]),
    }

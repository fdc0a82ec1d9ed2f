from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE as UB

from policies.core import UNKNOWN_STRING_VALUE as U
from policies.lb import WEB_ACL_ASSOCIATION

LISTENER = "aws:lb/listener:Listener"
ALB_LISTENER = "aws:alb/listener:Listener"
LB = "aws:lb/loadBalancer:LoadBalancer"
REDIRECT = {"protocol": "HTTP", "port": 80, "defaultActions": [
    {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}]}
HTTPS = {"protocol": "HTTPS", "port": 443, "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
         "certificateArn": "arn:acm", "defaultActions": [{"type": "forward", "targetGroupArn": "arn:tg"}]}
GOOD_LB = {"loadBalancerType": "application", "internal": False, "dropInvalidHeaderFields": True,
           "desyncMitigationMode": "strictest", "enableDeletionProtection": True,
           "accessLogs": {"enabled": True, "bucket": "logs"}}


def test_alb01_http_redirects(res, variant, assert_exact):
    assert_exact("ALB-01", {
        "pass_redirect": res(LISTENER, "a", REDIRECT),
        "pass_alias_type": res(ALB_LISTENER, "a2", REDIRECT),
        "pass_https_listener": res(LISTENER, "a3", HTTPS),
        "fail_forward": res(LISTENER, "b", variant(REDIRECT, {"defaultActions": HTTPS["defaultActions"]})),
        "fail_two_actions": res(LISTENER, "c", variant(REDIRECT, {"defaultActions": REDIRECT["defaultActions"] * 2})),
        "fail_redirect_to_http": res(LISTENER, "d", variant(REDIRECT, {"defaultActions.0.redirect.protocol": "HTTP"})),
        "unknown_action_type": res(LISTENER, "e", variant(REDIRECT, {"defaultActions.0.type": U})),
    })


def test_alb02_tls_policy(res, variant, assert_exact):
    assert_exact("ALB-02", {
        "pass_tls13": res(LISTENER, "a", HTTPS),
        "pass_http_listener": res(LISTENER, "a2", REDIRECT),
        "fail_old_policy": res(LISTENER, "b", variant(HTTPS, {"sslPolicy": "ELBSecurityPolicy-2016-08"})),
        "fail_unset_policy": res(LISTENER, "c", variant(HTTPS, {"sslPolicy": variant.DELETE})),
        "unknown_policy": res(LISTENER, "d", variant(HTTPS, {"sslPolicy": U})),
    })


def test_alb03_header_hygiene(res, variant, assert_exact):
    assert_exact("ALB-03", {
        "pass_strict": res(LB, "a", GOOD_LB),
        "pass_network_lb": res(LB, "a2", {"loadBalancerType": "network"}),
        "fail_keeps_invalid_headers": res(LB, "b", variant(GOOD_LB, {"dropInvalidHeaderFields": False})),
        "fail_monitor_mode": res(LB, "c", variant(GOOD_LB, {"desyncMitigationMode": "monitor"})),
        "unknown_drop": res(LB, "d", variant(GOOD_LB, {"dropInvalidHeaderFields": UB})),
    })


def test_alb04_access_logs(res, variant, assert_exact):
    assert_exact("ALB-04", {
        "pass_logs": res(LB, "a", GOOD_LB),
        "fail_disabled": res(LB, "b", variant(GOOD_LB, {"accessLogs.enabled": False})),
        "fail_no_bucket": res(LB, "c", variant(GOOD_LB, {"accessLogs.bucket": variant.DELETE})),
        "unknown_bucket": res(LB, "d", variant(GOOD_LB, {"accessLogs.bucket": U})),
    })


def test_alb05_deletion_protection(res, variant, assert_exact):
    assert_exact("ALB-05", {
        "pass_protected": res(LB, "a", GOOD_LB),
        "fail_unprotected": res(LB, "b", variant(GOOD_LB, {"enableDeletionProtection": variant.DELETE})),
        "unknown_protection": res(LB, "c", variant(GOOD_LB, {"enableDeletionProtection": UB})),
    })


def test_alb06_waf(res, variant, assert_exact):
    def with_waf(name, changes=None, associate=True):
        lb = res(LB, name, variant(GOOD_LB, changes or {}))
        if not associate:
            return [lb]
        return [lb, res(WEB_ACL_ASSOCIATION, f"{name}-waf", {"resourceArn": "arn:lb", "webAclArn": "arn:acl"},
                        {"resourceArn": [lb.urn]})]

    other = res(LB, "other", GOOD_LB)
    assert_exact(
        "ALB-06",
        {
            "pass_associated": with_waf("a"),
            "pass_internal": with_waf("a2", {"internal": True}, associate=False),
            "fail_no_association": with_waf("b", associate=False),
            "fail_association_for_another_lb": [
                res(LB, "c", GOOD_LB),
                other,
                res(WEB_ACL_ASSOCIATION, "c-waf", {"resourceArn": "x"}, {"resourceArn": [other.urn]}),
            ],
            "unknown_internal": with_waf("d", {"internal": UB}, associate=False),
        },
    )


def test_classic_load_balancers(res, assert_exact):
    from policies.lb import CLASSIC

    https = {"lbPort": 443, "lbProtocol": "https", "instancePort": 8080, "instanceProtocol": "http",
             "sslCertificateId": "arn:aws:acm:ap-southeast-1:1:certificate/c"}
    plain = {"lbPort": 80, "lbProtocol": "http", "instancePort": 8080, "instanceProtocol": "http"}

    def elb(name, *listeners, **props):
        return res(CLASSIC, name, {"availabilityZones": ["ap-southeast-1a"], "listeners": list(listeners), **props})

    assert_exact("ALB-01", {
        "pass_https_only": elb("a", https),
        "pass_internal_http": elb("a2", plain, internal=True),
        "fail_public_http": elb("b", https, plain),
        "fail_public_tcp": elb("c", {**plain, "lbProtocol": "tcp"}),
        "unknown_protocol": elb("d", {**plain, "lbProtocol": U}),
    })
    assert_exact("ALB-03", {
        "pass_default_desync": elb("a", https),
        "fail_monitor_desync": elb("b", https, desyncMitigationMode="monitor"),
    })
    assert_exact("ALB-04", {
        "pass_logs_block": elb("a", https, accessLogs={"bucket": "logs", "interval": 60}),
        "fail_no_logs": elb("b", https),
        "fail_logs_disabled": elb("c", https, accessLogs={"bucket": "logs", "enabled": False}),
    })


def test_tg01_tls_to_targets(res, assert_exact):
    from policies.lb import CLASSIC

    def path(name, listener_protocol="HTTPS", group_protocol="HTTP", via_rule=False, target_type="instance"):
        group = res("aws:lb/targetGroup:TargetGroup", name, {"protocol": group_protocol, "port": 8080,
                                                            "targetType": target_type, "vpcId": "v"})
        forward = [{"type": "forward", "targetGroupArn": "mock"}]
        if via_rule:
            listener = res("aws:lb/listener:Listener", f"{name}-l", {"protocol": listener_protocol, "port": 443,
                                                                    "defaultActions": [{"type": "fixed-response"}]})
            rule = res("aws:lb/listenerRule:ListenerRule", f"{name}-r", {"listenerArn": "mock", "actions": forward},
                       {"listenerArn": [listener.urn], "actions": [group.urn]})
            return [group, listener, rule]
        listener = res(
            "aws:lb/listener:Listener",
            f"{name}-l",
            {"protocol": listener_protocol, "port": 443, "defaultActions": forward},
            {"defaultActions": [group.urn]},
        )
        return [group, listener]

    assert_exact(
        "TG-01",
        {
            "pass_behind_https": path("a"),
            "pass_behind_https_rule": path("a2", via_rule=True),
            "pass_https_target_group": path("a3", listener_protocol="HTTP", group_protocol="HTTPS"),
            "pass_lambda_targets": [res("aws:lb/targetGroup:TargetGroup", "a4", {"targetType": "lambda"})],
            "fail_behind_http": path("b", listener_protocol="HTTP"),
            "fail_unattached": [
                res("aws:lb/targetGroup:TargetGroup", "c", {"protocol": "HTTP", "port": 80, "vpcId": "v"})
            ],
            "fail_classic_plain_both_sides": [
                res(
                    CLASSIC,
                    "d",
                    {
                        "listeners": [
                            {"lbPort": 80, "lbProtocol": "http", "instancePort": 80, "instanceProtocol": "http"}
                        ]
                    },
                )
            ],
            "pass_classic_https_front": [
                res(
                    CLASSIC,
                    "e",
                    {
                        "listeners": [
                            {
                                "lbPort": 443,
                                "lbProtocol": "https",
                                "instancePort": 80,
                                "instanceProtocol": "http",
                                "sslCertificateId": "c",
                            }
                        ]
                    },
                )
            ],
            "unknown_protocol": [res("aws:lb/targetGroup:TargetGroup", "f", {"protocol": U})],
        },
    )


def test_alb07_cross_zone(res, assert_exact):
    from policies.lb import CLASSIC

    assert_exact("ALB-07", {
        "pass_application": res(LB, "a", GOOD_LB),
        "pass_application_default_type": res(LB, "a2", {"internal": False}),
        "pass_network_cross_zone": res(LB, "b", {"loadBalancerType": "network", "enableCrossZoneLoadBalancing": True}),
        "fail_network_default": res(LB, "c", {"loadBalancerType": "network"}),
        "fail_gateway_off": res("aws:alb/loadBalancer:LoadBalancer", "c2", {
            "loadBalancerType": "gateway", "enableCrossZoneLoadBalancing": False}),
        "pass_classic_default": res(CLASSIC, "d", {"listeners": []}),
        "fail_classic_off": res(CLASSIC, "e", {"crossZoneLoadBalancing": False}),
        "unknown_network": res(LB, "f", {"loadBalancerType": "network", "enableCrossZoneLoadBalancing": UB}),
    })


def test_tg02_health_check(res, assert_exact):
    tg = "aws:lb/targetGroup:TargetGroup"
    check = {"path": "/healthz", "matcher": "200-399", "interval": 15}
    assert_exact("TG-02", {
        "pass_http_path": res(tg, "a", {"protocol": "HTTP", "port": 8080, "healthCheck": check}),
        "pass_https_alias_type": res("aws:alb/targetGroup:TargetGroup", "a2", {"protocol": "HTTPS",
                                                                               "healthCheck": check}),
        "fail_http_no_health_check": res(tg, "b", {"protocol": "HTTP", "port": 80}),
        "fail_health_check_without_path": res(tg, "b2", {"protocol": "HTTP", "healthCheck": {"interval": 30}}),
        "fail_disabled": res(tg, "b3", {"protocol": "HTTPS", "healthCheck": {**check, "enabled": False}}),
        "pass_tcp": res(tg, "c", {"protocol": "TCP", "port": 443}),
        "pass_lambda": res(tg, "c2", {"targetType": "lambda"}),
        "unknown_path": res(tg, "d", {"protocol": "HTTP", "healthCheck": {"path": U}}),
    })

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

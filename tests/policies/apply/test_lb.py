import json

from pulumi_policy.proxy import UNKNOWN_STRING_VALUE as U

from policies.apply.lb import (
    BUCKET,
    BUCKET_POLICY,
    BUCKET_SSE,
    CERTIFICATE,
    CERTIFICATE_VALIDATION,
    LISTENER,
    LOAD_BALANCER,
    TARGET_GROUP,
)
from tests.policies.conftest import urn_of

HC = {"healthCheck": {"interval": 15, "timeout": 5, "healthyThreshold": 2, "unhealthyThreshold": 3},
      "deregistrationDelay": 30, "slowStart": 30}


def test_apl_alb_01_target_group_names(res, assert_exact):
    assert_exact("APL-ALB-01", {
        "pass_auto_name": res(TARGET_GROUP, "web-api", {}),
        "pass_short_name": res(TARGET_GROUP, "x", {"name": "web-api-tg"}),
        "fail_auto_name_overflows": res(TARGET_GROUP, "web-checkout-and-payments1", {}),
        "fail_long_prefix": res(TARGET_GROUP, "y", {"namePrefix": "webtier-"}),
        "fail_trailing_hyphen": res(TARGET_GROUP, "z", {"name": "web-"}),
        "unknown_name": res(TARGET_GROUP, "u", {"name": U}),
    })


def test_apl_alb_02_load_balancer_names(res, assert_exact):
    assert_exact("APL-ALB-02", {
        "pass_auto_name": res(LOAD_BALANCER, "web-alb", {}),
        "fail_internal_prefix": res(LOAD_BALANCER, "a", {"name": "internal-web"}),
        "fail_too_long": res(LOAD_BALANCER, "b", {"name": "w" * 33}),
    })


def test_apl_alb_03_health_checks(res, variant, assert_exact):
    assert_exact("APL-ALB-03", {
        "pass_bounds": res(TARGET_GROUP, "a", HC),
        "fail_timeout_not_below_interval": res(TARGET_GROUP, "b", variant(HC, {"healthCheck.timeout": 15})),
        "fail_threshold": res(TARGET_GROUP, "c", variant(HC, {"healthCheck.healthyThreshold": 1})),
        "fail_slow_start": res(TARGET_GROUP, "d", variant(HC, {"slowStart": 10})),
    })


def test_apl_alb_04_listener_certificate_validated(res, assert_exact):
    cert = res(CERTIFICATE, "cert", {"validationMethod": "DNS", "arn": "arn:aws:acm:x:1:certificate/c"})
    validation = res(CERTIFICATE_VALIDATION, "cert-validation", {"certificateArn": "arn:aws:acm:x:1:certificate/c"},
                     {"certificateArn": [cert.urn]})
    https = {"protocol": "HTTPS", "certificateArn": "arn:aws:acm:x:1:certificate/c"}
    assert_exact("APL-ALB-04", {
        "pass_validated": [res(LISTENER, "a", https, {"certificateArn": [validation.urn]}), cert, validation],
        "pass_http": [res(LISTENER, "b", {"protocol": "HTTP"}), cert],
        "fail_pending_certificate": [res(LISTENER, "c", https, {"certificateArn": [cert.urn]}), cert],
        "fail_no_certificate": [res(LISTENER, "d", {"protocol": "HTTPS"})],
    })


def _policy(principal):
    return json.dumps({"Statement": [{"Effect": "Allow", "Principal": principal, "Action": "s3:PutObject",
                                      "Resource": "arn:aws:s3:::logs/alb/*"}]})


def test_apl_alb_05_access_log_delivery(res, assert_exact):
    bucket = res(BUCKET, "logs", {"bucket": "logs"})
    lb = {"accessLogs": {"bucket": "logs", "enabled": True, "prefix": "alb"}}
    good = res(BUCKET_POLICY, "p1", {"bucket": "logs", "policy": _policy({"Service": "logdelivery.elasticloadbalancing.amazonaws.com"})})
    bad = res(BUCKET_POLICY, "p2", {"bucket": "logs", "policy": _policy({"Service": "logging.s3.amazonaws.com"})})
    kms = res(BUCKET_SSE, "sse", {"bucket": "logs", "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}]})
    assert_exact("APL-ALB-05", {
        "pass_delivery_allowed": [res(LOAD_BALANCER, "a", lb), bucket, good],
        "pass_elb_account": [res(LOAD_BALANCER, "a2", lb), bucket,
                             res(BUCKET_POLICY, "p3", {"bucket": "logs", "policy": _policy({"AWS": "arn:aws:iam::114774131450:root"})})],
        "pass_logs_off": [res(LOAD_BALANCER, "b", {"accessLogs": {"bucket": "logs", "enabled": False}}), bucket],
        "fail_policy_does_not_admit": [res(LOAD_BALANCER, "c", lb), bucket, bad],
        "fail_kms_bucket": [res(LOAD_BALANCER, "d", lb), bucket, good, kms],
    })
    assert urn_of(LOAD_BALANCER, "a")

from pulumi_policy.proxy import UNKNOWN_NUMBER_VALUE as UN

from policies.core import UNKNOWN_STRING_VALUE as U
from policies.secretsmanager import ROTATION, SECRET, schedule_interval_days


def test_sec01_rotation(res, assert_exact):
    def stack(name, rules=None, rotate=True):
        secret = res(SECRET, name, {"name": f"{name}-secret", "kmsKeyId": "k"})
        if not rotate:
            return [secret]
        return [secret, res(ROTATION, f"{name}-rot", {"secretId": "mock-arn", "rotationLambdaArn": "arn:l",
                                                       "rotationRules": rules or {"automaticallyAfterDays": 30}},
                            {"secretId": [secret.urn]})]

    assert_exact("SEC-01", {
        "pass_thirty_days": stack("a"),
        "pass_schedule_expression": stack("a2", {"scheduleExpression": "rate(30 days)"}),
        "fail_no_rotation": stack("b", rotate=False),
        "fail_rotation_too_slow": stack("c", {"automaticallyAfterDays": 180}),
        "unknown_days": stack("d", {"automaticallyAfterDays": UN}),
        "pass_rate_hours": stack("e", {"scheduleExpression": "rate(12 hours)"}),
        "pass_cron_monthly": stack("f", {"scheduleExpression": "cron(0 16 1 * ? *)"}),
        "pass_cron_every_other_month": stack("g", {"scheduleExpression": "cron(0 8 1 */2 ? *)"}),
        "fail_rate_too_slow": stack("h", {"scheduleExpression": "rate(120 days)"}),
        "fail_cron_quarterly": stack("i", {"scheduleExpression": "cron(0 0 1 1,4,7,10 ? *)"}),
        "fail_cron_yearly": stack("j", {"scheduleExpression": "cron(0 0 1 JAN ? *)"}),
        "fail_unreadable_expression": stack("k", {"scheduleExpression": "every monday"}),
        "unknown_expression": stack("l", {"scheduleExpression": U}),
    })


def test_schedule_interval_days():
    assert schedule_interval_days("rate(1 day)") == 1 and schedule_interval_days("rate(4 hours)") == 4 / 24
    assert schedule_interval_days("cron(0 0 ? * MON *)") == 31 and schedule_interval_days("cron(0 0 1 JUN-AUG ? *)") == 31 * 10
    assert schedule_interval_days("cron(0 0 1 13 ? *)") is None and schedule_interval_days("cron(0 0 1 *)") is None


def test_sec02_kms_and_recovery(res, assert_exact):
    assert_exact("SEC-02", {
        "pass_cmk_default_window": res(SECRET, "a", {"kmsKeyId": "arn:aws:kms:k"}),
        "fail_no_cmk": res(SECRET, "b", {}),
        "fail_no_recovery_window": res(SECRET, "c", {"kmsKeyId": "k", "recoveryWindowInDays": 0}),
        "unknown_key": res(SECRET, "d", {"kmsKeyId": U}),
        "fail_aws_managed_alias": res(SECRET, "e", {"kmsKeyId": "alias/aws/secretsmanager"}),
        "fail_aws_managed_alias_arn": res(SECRET, "f", {"kmsKeyId": "arn:aws:kms:ap-southeast-1:1:alias/aws/secretsmanager"}),
        "pass_customer_alias": res(SECRET, "g", {"kmsKeyId": "alias/shop-secrets"}),
    })

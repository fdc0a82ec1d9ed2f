from pulumi_policy.proxy import UNKNOWN_NUMBER_VALUE as UN

from policies.core import UNKNOWN_STRING_VALUE as U
from policies.secretsmanager import ROTATION, SECRET


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
    })


def test_sec02_kms_and_recovery(res, assert_exact):
    assert_exact("SEC-02", {
        "pass_cmk_default_window": res(SECRET, "a", {"kmsKeyId": "arn:aws:kms:k"}),
        "fail_no_cmk": res(SECRET, "b", {}),
        "fail_no_recovery_window": res(SECRET, "c", {"kmsKeyId": "k", "recoveryWindowInDays": 0}),
        "unknown_key": res(SECRET, "d", {"kmsKeyId": U}),
    })

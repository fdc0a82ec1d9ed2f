from pulumi_policy.proxy import UNKNOWN_ARRAY_VALUE as UA
from pulumi_policy.proxy import UNKNOWN_NUMBER_VALUE as UN

from policies.cloudwatch import LOG_GROUP, METRIC_ALARM
from policies.core import UNKNOWN_STRING_VALUE as U

GROUP = {"retentionInDays": 365, "kmsKeyId": "arn:aws:kms:k"}
ALARM = {"comparisonOperator": "GreaterThanThreshold", "evaluationPeriods": 3, "alarmActions": ["arn:aws:sns:t"]}


def test_cw01_log_groups(res, variant, assert_exact):
    fixtures = {
        "pass_one_year": res(LOG_GROUP, "a", GROUP),
        "pass_never_expire": res(LOG_GROUP, "a2", variant(GROUP, {"retentionInDays": 0})),
        "fail_retention_unset": res(LOG_GROUP, "b", variant(GROUP, {"retentionInDays": variant.DELETE})),
        "fail_too_short": res(LOG_GROUP, "c", variant(GROUP, {"retentionInDays": 30})),
        "fail_no_kms": res(LOG_GROUP, "d", variant(GROUP, {"kmsKeyId": variant.DELETE})),
        "unknown_kms": res(LOG_GROUP, "e", variant(GROUP, {"kmsKeyId": U})),
    }
    assert_exact("CW-01", fixtures)
    assert_exact("CW-01", {"pass_thirty_days_allowed": fixtures["fail_too_short"],
                           "fail_seven_days": res(LOG_GROUP, "f", variant(GROUP, {"retentionInDays": 7}))},
                 {"minRetentionDays": 30})
    assert_exact("CW-01", {"pass_known_retention": fixtures["pass_one_year"],
                           "fail_unset_retention": fixtures["fail_retention_unset"],
                           "unknown_days": res(LOG_GROUP, "g", variant(GROUP, {"retentionInDays": UN}))})


def test_cw02_alarms(res, variant, assert_exact):
    assert_exact("CW-02", {
        "pass_notifies": res(METRIC_ALARM, "a", ALARM),
        "fail_actions_disabled": res(METRIC_ALARM, "b", variant(ALARM, {"actionsEnabled": False})),
        "fail_no_actions": res(METRIC_ALARM, "c", variant(ALARM, {"alarmActions": []})),
        "unknown_actions": res(METRIC_ALARM, "d", variant(ALARM, {"alarmActions": UA})),
    })

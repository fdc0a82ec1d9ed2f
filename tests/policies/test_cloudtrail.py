from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE as UB

from policies.cloudtrail import TRAIL
from policies.core import UNKNOWN_STRING_VALUE as U

GOOD = {
    "s3BucketName": "logs",
    "isMultiRegionTrail": True,
    "enableLogFileValidation": True,
    "kmsKeyId": "arn:aws:kms:k",
    "cloudWatchLogsGroupArn": "arn:aws:logs:r:1:log-group:trail:*",
    "cloudWatchLogsRoleArn": "arn:aws:iam::1:role/t",
    "includeGlobalServiceEvents": True,
}


def trail(res, variant, name, changes=None):
    return res(TRAIL, name, variant(GOOD, changes or {}))


def test_ct01_all_regions_and_management(res, variant, assert_exact):
    data_only = [{"name": "data", "fieldSelectors": [{"field": "eventCategory", "equals": ["Data"]},
                                                     {"field": "resources.type", "equals": ["AWS::S3::Object"]}]}]
    management = [{"name": "mgmt", "fieldSelectors": [{"field": "eventCategory", "equals": ["Management"]}]}]
    assert_exact(
        "CT-01",
        {
            "pass_multi_region": trail(res, variant, "a"),
            "pass_advanced_with_management": trail(
                res, variant, "a2", {"advancedEventSelectors": management + data_only}
            ),
            "pass_selector_all": trail(
                res, variant, "a3", {"eventSelectors": [{"includeManagementEvents": True, "readWriteType": "All"}]}
            ),
            "fail_single_region": trail(res, variant, "b", {"isMultiRegionTrail": variant.DELETE}),
            "fail_logging_off": trail(res, variant, "c", {"enableLogging": False}),
            "fail_management_excluded": trail(
                res, variant, "d", {"eventSelectors": [{"includeManagementEvents": False}]}
            ),
            "fail_write_only": trail(res, variant, "e", {"eventSelectors": [{"readWriteType": "WriteOnly"}]}),
            "fail_advanced_data_only": trail(res, variant, "f", {"advancedEventSelectors": data_only}),
            "unknown_multi_region": trail(res, variant, "g", {"isMultiRegionTrail": UB}),
        },
    )


def test_ct02_to_ct04(res, variant, assert_exact):
    assert_exact("CT-02", {"pass_validation": trail(res, variant, "a"),
                           "fail_no_validation": trail(res, variant, "b", {"enableLogFileValidation": variant.DELETE}),
                           "unknown_validation": trail(res, variant, "c", {"enableLogFileValidation": UB})})
    assert_exact("CT-03", {"pass_kms": trail(res, variant, "a"),
                           "fail_no_kms": trail(res, variant, "b", {"kmsKeyId": variant.DELETE}),
                           "unknown_kms": trail(res, variant, "c", {"kmsKeyId": U})})
    assert_exact("CT-04", {"pass_cloudwatch": trail(res, variant, "a"),
                           "fail_no_group": trail(res, variant, "b", {"cloudWatchLogsGroupArn": variant.DELETE}),
                           "fail_no_role": trail(res, variant, "c", {"cloudWatchLogsRoleArn": variant.DELETE}),
                           "unknown_group": trail(res, variant, "d", {"cloudWatchLogsGroupArn": U})})


def test_ct05_delivery_notifications(res, assert_exact):
    assert_exact("CT-05", {
        "pass_topic": res(TRAIL, "a", {**GOOD, "snsTopicName": "trail-deliveries"}),
        "fail_no_topic": res(TRAIL, "b", GOOD),
        "fail_empty_topic": res(TRAIL, "b2", {**GOOD, "snsTopicName": ""}),
        "unknown_topic": res(TRAIL, "c", {**GOOD, "snsTopicName": U}),
    })

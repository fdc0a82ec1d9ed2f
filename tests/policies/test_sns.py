import json

from policies.core import UNKNOWN_STRING_VALUE as U
from policies.sns import TOPIC, TOPIC_POLICY

PUBLISH = {
    "Sid": "Publish",
    "Effect": "Allow",
    "Action": "sns:Publish",
    "Resource": "arn:aws:sns:ap-southeast-1:1:alerts",
}


def test_sns01_encrypted(res, assert_exact):
    assert_exact("SNS-01", {
        "pass_kms": res(TOPIC, "a", {"kmsMasterKeyId": "alias/shop"}),
        "fail_plain": res(TOPIC, "b", {}),
        "unknown_key": res(TOPIC, "c", {"kmsMasterKeyId": U}),
    })


def test_sns02_not_public(res, assert_exact):
    def policy(kind, name, *statements):
        return res(kind, name, {"arn": "arn:aws:sns:ap-southeast-1:1:alerts",
                                "policy": json.dumps({"Version": "2012-10-17", "Statement": list(statements)})})

    assert_exact(
        "SNS-02",
        {
            "pass_service_with_source": policy(
                TOPIC_POLICY, "a", {**PUBLISH, "Principal": {"Service": "cloudwatch.amazonaws.com"}}
            ),
            "pass_star_with_source_account": policy(
                TOPIC_POLICY,
                "a2",
                {**PUBLISH, "Principal": "*", "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}},
            ),
            "pass_topic_without_policy": res(TOPIC, "a3", {"kmsMasterKeyId": "k"}),
            "fail_star": policy(TOPIC_POLICY, "b", {**PUBLISH, "Principal": "*"}),
            "fail_inline_aws_star": policy(TOPIC, "c", {**PUBLISH, "Principal": {"AWS": "*"}}),
            "fail_star_with_wildcard_source": policy(
                TOPIC_POLICY,
                "d",
                {**PUBLISH, "Principal": "*", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:cloudwatch:*"}}},
            ),
            "fail_not_json": res(TOPIC_POLICY, "e", {"arn": "a", "policy": "nope"}),
            "unknown_policy": res(TOPIC_POLICY, "f", {"arn": "a", "policy": U}),
        },
    )


def test_sns03_accounts_only_under_a_condition(res, assert_exact):
    def policy(kind, name, *statements):
        return res(kind, name, {"arn": "arn:aws:sns:ap-southeast-1:111122223333:alerts",
                                "policy": json.dumps({"Version": "2012-10-17", "Statement": list(statements)})})

    own = {**PUBLISH, "Resource": "arn:aws:sns:ap-southeast-1:111122223333:alerts"}
    assert_exact(
        "SNS-03",
        {
            "pass_same_account_role": policy(
                TOPIC_POLICY, "a", {**own, "Principal": {"AWS": "arn:aws:iam::111122223333:role/app"}}
            ),
            "pass_other_account_with_condition": policy(TOPIC_POLICY, "a2", {
                **own, "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}}),
            "pass_service": policy(TOPIC, "a3", {**own, "Principal": {"Service": "events.amazonaws.com"}}),
            "pass_deny": policy(TOPIC_POLICY, "a4", {**own, "Effect": "Deny",
                                                     "Principal": {"AWS": "arn:aws:iam::444455556666:root"}}),
            "fail_other_account": policy(
                TOPIC_POLICY, "b", {**own, "Principal": {"AWS": ["arn:aws:iam::444455556666:root"]}}
            ),
            "fail_inline_other_role": policy(
                TOPIC, "c", {**own, "Principal": {"AWS": "arn:aws:iam::444455556666:role/partner"}}
            ),
            "fail_topic_account_unknown": policy(TOPIC_POLICY, "d", {
                **PUBLISH, "Resource": "*", "Principal": {"AWS": "arn:aws:iam::111122223333:role/app"}}),
            "unknown_policy": res(TOPIC_POLICY, "e", {"arn": "a", "policy": U}),
        },
    )

import json

from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE as UB

from policies.core import UNKNOWN_STRING_VALUE as U
from policies.sqs import QUEUE, QUEUE_POLICY, REDRIVE_POLICY

TLS_DENY = {"Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": "arn:aws:sqs:r:1:q",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
PRODUCER = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:role/producer"}, "Action": "sqs:SendMessage",
            "Resource": "arn:aws:sqs:r:1:q"}


def test_sqs01_encryption(res, assert_exact):
    assert_exact("SQS-01", {
        "pass_sqs_managed": res(QUEUE, "a", {"sqsManagedSseEnabled": True}),
        "pass_kms": res(QUEUE, "a2", {"kmsMasterKeyId": "alias/aws/sqs"}),
        "pass_kms_with_flag_false": res(QUEUE, "a3", {"sqsManagedSseEnabled": False, "kmsMasterKeyId": "k"}),
        "pass_unset_sse_sqs_by_default": res(QUEUE, "a4", {}),
        "pass_empty_key_flag_unset": res(QUEUE, "a5", {"kmsMasterKeyId": ""}),
        "fail_unencrypted": res(QUEUE, "b", {"sqsManagedSseEnabled": False}),
        "fail_unencrypted_string_false": res(QUEUE, "b2", {"sqsManagedSseEnabled": "false", "kmsMasterKeyId": ""}),
        "unknown_flag": res(QUEUE, "c", {"sqsManagedSseEnabled": UB}),
        "unknown_key": res(QUEUE, "c2", {"sqsManagedSseEnabled": False, "kmsMasterKeyId": U}),
    })


def queue_with_dlq(res, name, redrive=None, separate=False):
    dlq = res(QUEUE, f"{name}-dlq", {"sqsManagedSseEnabled": True})
    policy = json.dumps(
        redrive if redrive is not None else {"deadLetterTargetArn": "arn:aws:sqs:r:1:dlq", "maxReceiveCount": 5}
    )
    if separate:
        queue = res(QUEUE, name, {})
        resource = res(REDRIVE_POLICY, f"{name}-rp", {"queueUrl": "u", "redrivePolicy": policy},
                       {"queueUrl": [queue.urn], "redrivePolicy": [dlq.urn]})
        return [queue, dlq, resource]
    return [res(QUEUE, name, {"redrivePolicy": policy}, {"redrivePolicy": [dlq.urn]}), dlq]


def test_sqs02_dead_letter_queue(res, assert_exact):
    main, dlq = queue_with_dlq(res, "a")
    assert_exact(
        "SQS-02",
        {
            "pass_redrive": [main, dlq],
            "pass_is_dead_letter_queue": [dlq, main],
            "pass_separate_redrive_resource": queue_with_dlq(res, "a3", separate=True),
            "pass_redrive_allow_policy": res(
                QUEUE, "a4", {"redriveAllowPolicy": json.dumps({"redrivePermission": "allowAll"})}
            ),
            "fail_no_redrive": res(QUEUE, "b", {}),
            "fail_no_target": queue_with_dlq(res, "c", {"maxReceiveCount": 5}),
            "fail_too_many_receives": queue_with_dlq(res, "d", {"deadLetterTargetArn": "arn", "maxReceiveCount": 50}),
            "unknown_redrive": res(QUEUE, "e", {"redrivePolicy": U}),
        },
    )
    assert_exact("SQS-02", {"pass_three": queue_with_dlq(res, "a", {"deadLetterTargetArn": "x", "maxReceiveCount": 3}),
                            "fail_five_above_three": queue_with_dlq(res, "b")}, {"maxReceiveCount": 3})


def test_sqs03_queue_policies(res, assert_exact):
    def qp(name, *statements, kind=QUEUE_POLICY):
        return res(
            kind,
            name,
            {"queueUrl": "u", "policy": json.dumps({"Version": "2012-10-17", "Statement": list(statements)})},
        )

    assert_exact(
        "SQS-03",
        {
            "pass_tls_and_named_principal": qp("a", TLS_DENY, PRODUCER),
            "pass_inline_queue_policy": qp("a2", TLS_DENY, PRODUCER, kind=QUEUE),
            "pass_queue_without_policy": res(QUEUE, "a3", {}),
            "fail_no_tls_deny": qp("b", PRODUCER),
            "fail_public_without_condition": qp("c", TLS_DENY, {**PRODUCER, "Principal": "*"}),
            "fail_sqs_star": qp("d", TLS_DENY, {**PRODUCER, "Action": ["sqs:*"]}),
            "fail_inline_no_tls_deny": qp("e", PRODUCER, kind=QUEUE),
            "unknown_policy": res(QUEUE_POLICY, "f", {"queueUrl": "u", "policy": U}),
            "fail_wildcard_account_role": qp(
                "g", TLS_DENY, {**PRODUCER, "Principal": {"AWS": "arn:aws:iam::*:role/producer"}}
            ),
            "fail_public_with_unrelated_condition": qp(
                "h", TLS_DENY, {**PRODUCER, "Principal": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}
            ),
            "pass_public_scoped_to_topic": qp(
                "i",
                TLS_DENY,
                {
                    **PRODUCER,
                    "Principal": "*",
                    "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:ap-southeast-1:123456789012:orders"}},
                },
            ),
        },
    )

import json

from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE as UB

from policies.core import UNKNOWN_STRING_VALUE as U
from policies.kms import KEY, KEY_POLICY

ROOT = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}, "Action": "kms:*", "Resource": "*"}


def test_kms01_rotation(res, assert_exact):
    assert_exact("KMS-01", {
        "pass_rotating": res(KEY, "a", {"enableKeyRotation": True}),
        "pass_asymmetric": res(KEY, "a2", {"customerMasterKeySpec": "RSA_2048", "keyUsage": "SIGN_VERIFY"}),
        "fail_not_rotating": res(KEY, "b", {}),
        "unknown_rotation": res(KEY, "c", {"enableKeyRotation": UB}),
    })


def test_kms02_deletion(res, assert_exact):
    assert_exact(
        "KMS-02",
        {
            "pass_thirty_days": res(KEY, "a", {"deletionWindowInDays": 30}),
            "pass_default_window": res(KEY, "a2", {}),
            "fail_short_window": res(KEY, "b", {"deletionWindowInDays": 7}),
            "fail_bypass_lockout": res(KEY, "c", {"bypassPolicyLockoutSafetyCheck": True}),
            "unknown_bypass": res(KEY, "d", {"bypassPolicyLockoutSafetyCheck": UB}),
            "fail_key_policy_bypass": res(
                KEY_POLICY, "e", {"keyId": "k", "policy": "{}", "bypassPolicyLockoutSafetyCheck": True}
            ),
            "pass_key_policy_default": res(KEY_POLICY, "f", {"keyId": "k", "policy": "{}"}),
        },
    )


def test_kms03_not_public(res, assert_exact):
    conditioned = {**ROOT, "Principal": "*", "Condition": {"StringEquals": {"kms:CallerAccount": "1"}}}
    assert_exact(
        "KMS-03",
        {
            "pass_account_root": res(KEY, "a", {"policy": json.dumps({"Statement": [ROOT]})}),
            "pass_no_policy": res(KEY, "a2", {}),
            "pass_star_with_condition": res(KEY, "a3", {"policy": json.dumps({"Statement": [conditioned]})}),
            "fail_star_principal": res(KEY, "b", {"policy": json.dumps({"Statement": [{**ROOT, "Principal": "*"}]})}),
            "fail_aws_star_principal": res(
                KEY, "c", {"policy": json.dumps({"Statement": [{**ROOT, "Principal": {"AWS": ["*"]}}]})}
            ),
            "unknown_policy": res(KEY, "d", {"policy": U}),
            "fail_key_policy_resource_public": res(
                KEY_POLICY, "e", {"keyId": "k", "policy": json.dumps({"Statement": [{**ROOT, "Principal": "*"}]})}
            ),
            "pass_key_policy_resource_root": res(
                KEY_POLICY, "f", {"keyId": "k", "policy": json.dumps({"Statement": [ROOT]})}
            ),
            "fail_star_with_unrelated_condition": res(
                KEY,
                "g",
                {
                    "policy": json.dumps(
                        {
                            "Statement": [
                                {**ROOT, "Principal": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}
                            ]
                        }
                    )
                },
            ),
            "fail_wildcard_account": res(
                KEY, "h", {"policy": json.dumps({"Statement": [{**ROOT, "Principal": {"AWS": "arn:aws:iam::*:root"}}]})}
            ),
        },
    )


def test_kms04_enabled(res, assert_exact):
    assert_exact("KMS-04", {
        "pass_default": res(KEY, "a", {"enableKeyRotation": True}),
        "pass_enabled": res(KEY, "a2", {"isEnabled": True}),
        "fail_disabled": res(KEY, "b", {"isEnabled": False}),
        "unknown_enabled": res(KEY, "c", {"isEnabled": UB}),
    })

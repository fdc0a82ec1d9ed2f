from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE as UB

from policies.efs import FILE_SYSTEM


def test_efs01_encrypted(res, assert_exact):
    fixtures = {
        "pass_encrypted": res(FILE_SYSTEM, "a", {"encrypted": True}),
        "pass_cmk": res(FILE_SYSTEM, "a2", {"encrypted": True, "kmsKeyId": "arn:aws:kms:k"}),
        "fail_default": res(FILE_SYSTEM, "b", {}),
        "fail_false": res(FILE_SYSTEM, "c", {"encrypted": False}),
        "unknown_flag": res(FILE_SYSTEM, "d", {"encrypted": UB}),
    }
    assert_exact("EFS-01", fixtures)
    assert_exact("EFS-01", {"pass_cmk": fixtures["pass_cmk"], "fail_aws_key": fixtures["pass_encrypted"]},
                 {"requireKmsKey": True})

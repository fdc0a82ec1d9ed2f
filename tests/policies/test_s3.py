import json

from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE as UB

from policies import s3
from policies.core import UNKNOWN_STRING_VALUE as U

TLS_DENY = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


def bucket_stack(res, name, *settings):
    """A bucket plus settings resources; each setting is (type, props) joined through `bucket` property deps."""
    bucket = res(s3.BUCKET, name, {"bucket": f"{name}-bucket"})
    others = [res(kind, f"{name}-{i}", {"bucket": "mock-id", **props}, {"bucket": [bucket.urn]})
              for i, (kind, props) in enumerate(settings)]
    return [bucket, *others]


def test_s301_public_access_block(res, assert_exact):
    all_on = dict.fromkeys(("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"), True)
    by_name = [res(s3.BUCKET, "n", {"bucket": "named"}),
               res(s3.PUBLIC_ACCESS_BLOCK, "n-pab", {"bucket": "named", **all_on})]
    assert_exact(
        "S3-01",
        {
            "pass_all_flags": bucket_stack(res, "a", (s3.PUBLIC_ACCESS_BLOCK, all_on)),
            "pass_joined_by_literal_bucket_name": by_name,
            "fail_missing": bucket_stack(res, "b"),
            "fail_flag_off": bucket_stack(
                res, "c", (s3.PUBLIC_ACCESS_BLOCK, {**all_on, "restrictPublicBuckets": False})
            ),
            "fail_other_bucket_only": [
                res(s3.BUCKET, "d", {"bucket": "d"}),
                *bucket_stack(res, "d2", (s3.PUBLIC_ACCESS_BLOCK, all_on)),
            ],
            "unknown_flag": bucket_stack(res, "e", (s3.PUBLIC_ACCESS_BLOCK, {**all_on, "blockPublicAcls": UB})),
        },
    )


def test_s302_tls_only_policy(res, assert_exact):
    allow = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}, "Action": "s3:GetObject", "Resource": "*"}
    assert_exact(
        "S3-02",
        {
            "pass_deny_insecure": bucket_stack(
                res, "a", (s3.POLICY, {"policy": json.dumps({"Statement": [allow, TLS_DENY]})})
            ),
            "fail_no_policy": bucket_stack(res, "b"),
            "fail_no_tls_statement": bucket_stack(
                res, "c", (s3.POLICY, {"policy": json.dumps({"Statement": [allow]})})
            ),
            "fail_deny_wrong_value": bucket_stack(
                res,
                "d",
                (
                    s3.POLICY,
                    {
                        "policy": json.dumps(
                            {"Statement": [{**TLS_DENY, "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}
                        )
                    },
                ),
            ),
            "fail_not_json": bucket_stack(res, "e", (s3.POLICY, {"policy": "{not json"})),
            "unknown_policy": bucket_stack(res, "f", (s3.POLICY, {"policy": U})),
            "pass_inline_policy": [
                res(s3.BUCKET, "g", {"bucket": "g", "policy": json.dumps({"Statement": [allow, TLS_DENY]})})
            ],
            "fail_inline_policy_without_tls": [
                res(s3.BUCKET, "h", {"bucket": "h", "policy": json.dumps({"Statement": [allow]})})
            ],
        },
    )


def test_s303_no_public_access(res, assert_exact):
    enforced = (s3.OWNERSHIP, {"rule": {"objectOwnership": "BucketOwnerEnforced"}})
    public_read = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
    oac = {**public_read, "Principal": {"Service": "cloudfront.amazonaws.com"},
           "Condition": {"StringEquals": {"AWS:SourceArn": "arn:aws:cloudfront::1:distribution/E1"}}}
    star_with_cloudfront = {
        **public_read,
        "Condition": {"StringEquals": {"aws:SourceArn": "arn:aws:cloudfront::1:distribution/E1"}},
    }
    star_with_other = {**public_read, "Condition": {"StringEquals": {"aws:SourceArn": "arn:aws:sns:x"}}}
    assert_exact(
        "S3-03",
        {
            "pass_enforced_oac_policy": bucket_stack(
                res, "a", enforced, (s3.POLICY, {"policy": json.dumps({"Statement": [oac]})})
            ),
            "pass_star_scoped_to_cloudfront": bucket_stack(
                res, "a2", enforced, (s3.POLICY, {"policy": json.dumps({"Statement": [star_with_cloudfront]})})
            ),
            "fail_no_ownership": bucket_stack(res, "b"),
            "fail_object_writer": bucket_stack(res, "c", (s3.OWNERSHIP, {"rule": {"objectOwnership": "ObjectWriter"}})),
            "fail_public_acl": bucket_stack(res, "d", enforced, (s3.ACL, {"acl": "public-read"})),
            "fail_acl_not_canned": bucket_stack(res, "d3", enforced, (s3.ACL, {"acl": "website"})),
            "fail_inline_acl_not_canned": [res(s3.BUCKET, "d4", {"bucket": "d4", "acl": "website"}),
                                           res(enforced[0], "d4-own", {"bucket": "d4", **enforced[1]})],
            "pass_inline_private_acl": [res(s3.BUCKET, "d6", {"bucket": "d6", "acl": "private"}),
                                        res(enforced[0], "d6-own", {"bucket": "d6", **enforced[1]})],
            "pass_private_acl": bucket_stack(res, "d5", enforced, (s3.ACL, {"acl": "private"})),
            "fail_public_grant": bucket_stack(
                res,
                "d2",
                enforced,
                (
                    s3.ACL,
                    {
                        "accessControlPolicy": {
                            "grants": [
                                {
                                    "grantee": {
                                        "type": "Group",
                                        "uri": "http://acs.amazonaws.com/groups/global/AllUsers",
                                    },
                                    "permission": "READ",
                                }
                            ],
                            "owner": {"id": "o"},
                        }
                    },
                ),
            ),
            "fail_public_policy": bucket_stack(
                res, "e", enforced, (s3.POLICY, {"policy": json.dumps({"Statement": [public_read]})})
            ),
            "fail_star_other_source": bucket_stack(
                res, "e2", enforced, (s3.POLICY, {"policy": json.dumps({"Statement": [star_with_other]})})
            ),
            "unknown_ownership": bucket_stack(res, "f", (s3.OWNERSHIP, {"rule": {"objectOwnership": U}})),
            "pass_star_with_principal_arn": policy_with(
                res, "g", enforced, {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::1:role/app"}}
            ),
            "pass_star_with_source_vpce": policy_with(
                res, "h", enforced, {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}
            ),
            "pass_star_with_vpce_account": policy_with(
                res, "i", enforced, {"StringEquals": {"aws:VpceAccount": "123456789012"}}
            ),
            "fail_star_with_wildcard_principal_arn": policy_with(
                res, "j", enforced, {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/app"}}
            ),
            "fail_star_with_negated_vpce": policy_with(
                res, "k", enforced, {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}
            ),
            "fail_star_with_if_exists": policy_with(
                res, "l", enforced, {"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}}
            ),
            "fail_any_account_role": bucket_stack(
                res,
                "m",
                enforced,
                (
                    s3.POLICY,
                    {
                        "policy": json.dumps(
                            {"Statement": [{**public_read, "Principal": {"AWS": "arn:aws:iam::*:role/reader"}}]}
                        )
                    },
                ),
            ),
            "fail_inline_public_policy": [
                res(s3.BUCKET, "n", {"bucket": "n", "policy": json.dumps({"Statement": [public_read]})}),
                res(s3.OWNERSHIP, "n-own", {"bucket": "n", "rule": {"objectOwnership": "BucketOwnerEnforced"}}),
            ],
            "fail_inline_public_grant": [
                res(
                    s3.BUCKET,
                    "o",
                    {
                        "bucket": "o",
                        "grants": [
                            {
                                "type": "Group",
                                "uri": "http://acs.amazonaws.com/groups/global/AllUsers",
                                "permissions": ["READ"],
                            }
                        ],
                    },
                ),
                res(s3.OWNERSHIP, "o-own", {"bucket": "o", "rule": {"objectOwnership": "BucketOwnerEnforced"}}),
            ],
        },
    )


def policy_with(res, name, ownership, condition):
    statement = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
                 "Condition": condition}
    return bucket_stack(res, name, ownership, (s3.POLICY, {"policy": json.dumps({"Statement": [statement]})}))


def test_s304_encryption(res, assert_exact):
    def sse(algorithm):
        return (s3.ENCRYPTION, {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": algorithm}}]})

    fixtures = {
        "pass_kms": bucket_stack(res, "a", sse("aws:kms")),
        "fail_missing": bucket_stack(res, "b"),
        "fail_aes256": bucket_stack(res, "c", sse("AES256")),
        "unknown_algorithm": bucket_stack(res, "d", sse(U)),
        "pass_inline_kms": [res(s3.BUCKET, "e", {"bucket": "e", "serverSideEncryptionConfiguration": {
            "rule": {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": "k"}}}})],
        "fail_inline_aes256": [res(s3.BUCKET, "f", {"bucket": "f", "serverSideEncryptionConfiguration": {
            "rule": {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}}})],
    }
    assert_exact("S3-04", fixtures)
    allowed = {"pass_kms": fixtures["pass_kms"], "pass_aes256_allowed": fixtures["fail_aes256"],
               "pass_missing_is_sse_s3": fixtures["fail_missing"], "fail_other_algorithm": bucket_stack(res, "g",
                                                                                                   sse("metallica"))}
    assert_exact("S3-04", allowed, {"allowAes256": True})


def test_s305_versioning(res, assert_exact):
    enabled = (s3.VERSIONING, {"versioningConfiguration": {"status": "Enabled"}})
    assert_exact("S3-05", {
        "pass_enabled": bucket_stack(res, "a", enabled),
        "fail_missing": bucket_stack(res, "b"),
        "fail_suspended": bucket_stack(res, "c", (s3.VERSIONING, {"versioningConfiguration": {"status": "Suspended"}})),
        "unknown_status": bucket_stack(res, "d", (s3.VERSIONING, {"versioningConfiguration": {"status": U}})),
        "pass_inline_enabled": [res(s3.BUCKET, "e", {"bucket": "e", "versioning": {"enabled": True}})],
        "fail_inline_disabled": [res(s3.BUCKET, "f", {"bucket": "f", "versioning": {"enabled": False}})],
    })
    assert_exact("S3-05", {
        "pass_lifecycle": bucket_stack(res, "a", enabled, (s3.LIFECYCLE, {"rules": []})),
        "pass_inline_lifecycle": [res(s3.BUCKET, "c", {"bucket": "c", "versioning": {"enabled": True},
                                                       "lifecycleRules": [{"enabled": True, "id": "old"}]})],
        "fail_no_lifecycle": bucket_stack(res, "b", enabled),
        "fail_unversioned_without_lifecycle": bucket_stack(res, "d"),
    }, {"requireLifecycle": True})


def test_s306_logging(res, assert_exact):
    target = res(s3.BUCKET, "logs", {"bucket": "logs"})

    def logged(name, target_deps):
        bucket = res(s3.BUCKET, name, {"bucket": name})
        logging = res(s3.LOGGING, f"{name}-log", {"bucket": "mock", "targetBucket": "mock"},
                      {"bucket": [bucket.urn], "targetBucket": target_deps(bucket)})
        return [bucket, logging, target]

    assert_exact("S3-06", {
        "pass_other_target": logged("a", lambda b: [target.urn]),
        "fail_missing": bucket_stack(res, "b"),
        "fail_self_target": logged("c", lambda b: [b.urn]),
        "unknown_target_literal": [res(s3.BUCKET, "d", {"bucket": "d"}),
                                   res(s3.LOGGING, "d-log", {"bucket": "d", "targetBucket": U})],
        "pass_inline_other_target": [res(s3.BUCKET, "e", {"bucket": "e", "logging": {"targetBucket": "logs"}})],
        "fail_inline_self_target": [res(s3.BUCKET, "f", {"bucket": "f", "logging": {"targetBucket": "f"}})],
        "fail_inline_no_target": [res(s3.BUCKET, "g", {"bucket": "g", "logging": {"targetPrefix": "x/"}})],
        "unknown_inline_target": [res(s3.BUCKET, "h", {"bucket": "h", "logging": {"targetBucket": U}})],
    })


def test_s307_no_policy_lockout(res, assert_exact):
    def doc(*statements):
        return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})

    lockout = {"Effect": "Deny", "Principal": "*", "Action": "s3:PutBucketPolicy", "Resource": "arn:aws:s3:::b"}
    assert_exact(
        "S3-07",
        {
            "pass_tls_deny_with_condition": res(s3.POLICY, "a", {"bucket": "b", "policy": doc(TLS_DENY)}),
            "pass_deny_exempting_deployer": res(s3.POLICY, "a2", {"bucket": "b", "policy": doc(
                {**lockout, "Condition": {"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::1:role/deploy"}}})}),
            "pass_deny_data_only": res(s3.POLICY, "a3", {"bucket": "b", "policy": doc(
                {**lockout, "Action": ["s3:DeleteObject"]})}),
            "pass_bucket_without_policy": res(s3.BUCKET, "a4", {"bucket": "a4"}),
            "fail_deny_put_policy": res(s3.POLICY, "b", {"bucket": "b", "policy": doc(lockout)}),
            "fail_deny_all_s3_aws_star": res(s3.POLICY, "c", {"bucket": "b", "policy": doc(
                {**lockout, "Principal": {"AWS": ["*"]}, "Action": "s3:*"})}),
            "fail_inline_deny_put_wildcard": res(s3.BUCKET, "d", {"bucket": "d", "policy": doc(
                {**lockout, "Action": ["s3:GetObject", "s3:Put*"]})}),
            "fail_not_json": res(s3.POLICY, "e", {"bucket": "b", "policy": "{"}),
            "unknown_policy": res(s3.POLICY, "f", {"bucket": "b", "policy": U}),
        },
    )


def test_s308_event_notifications(res, assert_exact):
    assert_exact("S3-08", {
        "pass_eventbridge": bucket_stack(res, "a", (s3.NOTIFICATION, {"eventbridge": True})),
        "pass_joined_by_name": [res(s3.BUCKET, "a2", {"bucket": "a2"}),
                                res(s3.NOTIFICATION, "a2-n", {"bucket": "a2", "queues": [{"queueArn": "q"}]})],
        "fail_none": bucket_stack(res, "b"),
        "fail_other_bucket": [res(s3.BUCKET, "c", {"bucket": "c"}), res(s3.NOTIFICATION, "c-n", {"bucket": "x"})],
        "fail_unknown_name_is_not_joined": [res(s3.BUCKET, "d", {"bucket": U}),
                                            res(s3.NOTIFICATION, "d-n", {"bucket": "x"})],
    })


def test_s309_object_lock(res, assert_exact):
    assert_exact("S3-09", {
        "pass_lock_enabled": [res(s3.BUCKET, "a", {"bucket": "a", "objectLockEnabled": True})],
        "pass_inline_configuration": [res(s3.BUCKET, "a2", {"bucket": "a2", "objectLockConfiguration": {
            "objectLockEnabled": "Enabled"}})],
        "pass_lock_configuration": bucket_stack(res, "a3", (s3.OBJECT_LOCK, {"rule": {
            "defaultRetention": {"mode": "GOVERNANCE", "days": 30}}})),
        "fail_no_lock": bucket_stack(res, "b"),
        "fail_lock_off": [res(s3.BUCKET, "c", {"bucket": "c", "objectLockEnabled": False})],
        "unknown_flag": [res(s3.BUCKET, "d", {"bucket": "d", "objectLockEnabled": UB})],
    })


def test_s310_replication(res, assert_exact):
    enabled = {"rules": [{"id": "all", "status": "Enabled", "destination": {"bucket": "arn:aws:s3:::replica"}}]}
    assert_exact("S3-10", {
        "pass_replication_config": bucket_stack(res, "a", (s3.REPLICATION, {"role": "r", **enabled})),
        "pass_inline_replication": [res(s3.BUCKET, "a2", {"bucket": "a2", "replicationConfiguration": {
            "role": "r", **enabled}})],
        "fail_none": bucket_stack(res, "b"),
        "fail_rule_disabled": bucket_stack(res, "c", (s3.REPLICATION, {
            "role": "r", "rules": [{**enabled["rules"][0], "status": "Disabled"}]})),
        "unknown_status": bucket_stack(res, "d", (s3.REPLICATION, {
            "role": "r", "rules": [{**enabled["rules"][0], "status": U}]})),
    })

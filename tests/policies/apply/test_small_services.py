"""Logs, names, Firehose, SQS, KMS, S3 and CloudFront apply rules."""

import json

from policies.apply import cloudfront, firehose, kms, logs, names, s3, sqs
from tests.policies.conftest import outcomes


def test_apl_log_01_retention(res, assert_exact):
    assert_exact("APL-LOG-01", {"pass_365": res(logs.LOG_GROUP, "a", {"retentionInDays": 365}),
                                "fail_100": res(logs.LOG_GROUP, "b", {"retentionInDays": 100})})


def test_apl_log_02_delivery_names(res, assert_exact):
    assert_exact("APL-LOG-02", {"pass_name": res(logs.DELIVERY_SOURCE, "a", {"name": "dev-cdn-access-logs"}),
                                "fail_long": res(logs.DELIVERY_DESTINATION, "b", {"name": "x" * 61})})


def test_apl_name_01_stack_scoped(res, assert_exact):
    # fixtures' URNs are of stack "test"
    assert_exact("APL-NAME-01", {
        "pass_scoped": res(logs.LOG_GROUP, "a", {"name": "/aws/kinesisfirehose/test-events"}),
        "pass_auto_named": res(firehose.STREAM, "b", {}),
        "fail_fixed": res(logs.LOG_GROUP, "c", {"name": "/aws/kinesisfirehose/events"}),
        "pass_dms_service_role": res("aws:iam/role:Role", "d", {"name": "dms-vpc-role"}),
        "fail_fixed_role": res("aws:iam/role:Role", "e", {"name": "shop-app"}),
    })
    # Where every stack has its own account, fixed names cannot collide: the rule's threshold turns it off.
    fixed = {"fixed": res(logs.LOG_GROUP, "c", {"name": "/aws/kinesisfirehose/events"})}
    assert outcomes("APL-NAME-01", fixed, {"sharedAccount": False})["pass"] == {"fixed"}
    assert outcomes("APL-NAME-01", fixed)["fail"] == {"fixed"}



def test_apl_fh_01_stream(res, assert_exact):
    assert_exact("APL-FH-01", {
        "pass_bounds": res(firehose.STREAM, "a", {"name": "test-events", "extendedS3Configuration": {
            "bufferingSize": 64, "bufferingInterval": 300}}),
        "fail_interval": res(firehose.STREAM, "b", {"extendedS3Configuration": {"bufferingInterval": 1200}}),
        "fail_partitioning": res(firehose.STREAM, "c", {"extendedS3Configuration": {
            "bufferingSize": 5, "dynamicPartitioningConfiguration": {"enabled": True}}}),
    })


def test_apl_sqs_01_attributes(res, assert_exact):
    assert_exact("APL-SQS-01", {
        "pass_fifo": res(sqs.QUEUE, "a", {"name": "orders.fifo", "fifoQueue": True, "visibilityTimeoutSeconds": 30}),
        "fail_fifo_name": res(sqs.QUEUE, "b", {"name": "orders", "fifoQueue": True}),
        "fail_visibility": res(sqs.QUEUE, "c", {"visibilityTimeoutSeconds": 50_000}),
    })


def test_apl_sqs_02_dead_letter_type(res, assert_exact):
    fifo_dlq = res(sqs.QUEUE, "dlq-fifo", {"fifoQueue": True, "arn": "arn:dlq-fifo"})
    std_dlq = res(sqs.QUEUE, "dlq", {"arn": "arn:dlq"})
    policy = lambda arn: json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": 5})  # noqa: E731
    assert_exact("APL-SQS-02", {
        "pass_same_type": [res(sqs.QUEUE, "a", {"fifoQueue": True, "redrivePolicy": policy("arn:dlq-fifo")}), fifo_dlq],
        "fail_mixed": [res(sqs.QUEUE, "b", {"fifoQueue": True, "redrivePolicy": policy("arn:dlq")}), std_dlq],
    })


def test_apl_kms_01_deletion_window(res, assert_exact):
    assert_exact("APL-KMS-01", {"pass_30": res(kms.KEY, "a", {"deletionWindowInDays": 30}),
                                "fail_45": res(kms.KEY, "b", {"deletionWindowInDays": 45})})


def test_apl_s3_01_bucket_name(res, assert_exact):
    assert_exact("APL-S3-01", {"pass_name": res(s3.BUCKET, "a", {"bucket": "test-assets"}),
                               "fail_upper": res(s3.BUCKET, "b", {"bucket": "Test_Assets"}),
                               "fail_ip": res(s3.BUCKET, "c", {"bucket": "10.0.0.1"})})


def test_apl_s3_02_lifecycle(res, assert_exact):
    def rules(expire, ia=30):
        return {"rules": [{"id": "r", "transitions": [{"days": ia, "storageClass": "STANDARD_IA"},
                                                      {"days": 90, "storageClass": "GLACIER_IR"}],
                           "expiration": {"days": expire}}]}
    assert_exact("APL-S3-02", {"pass_after": res(s3.LIFECYCLE, "a", rules(365)),
                               "fail_expire_before_glacier": res(s3.LIFECYCLE, "b", rules(60)),
                               "fail_ia_too_early": res(s3.LIFECYCLE, "c", rules(365, ia=7))})


def test_apl_cfd_01_certificate_region(res, assert_exact):
    from policies.core import Subject
    from tests.policies.conftest import urn_of

    cert = lambda region: {"viewerCertificate": {"acmCertificateArn": f"arn:aws:acm:{region}:1:certificate/c"}}  # noqa: E731

    def issued(name, region):
        return Subject.of(cloudfront.CERTIFICATE_VALIDATION, name, urn_of(cloudfront.CERTIFICATE_VALIDATION, name),
                          {"certificateArn": "arn:aws:acm:x:1:certificate/c"}, provider={"region": region})
    east, singapore = issued("east", "us-east-1"), issued("sg", "ap-southeast-1")
    assert_exact("APL-CFD-01", {
        "pass_us_east_1": res(cloudfront.DISTRIBUTION, "a", cert("us-east-1")),
        "pass_computed_from_a_us_east_1_certificate": [res(
            cloudfront.DISTRIBUTION, "c", cert("ap-southeast-1"), {"viewerCertificate": [east.urn]}), east],
        "fail_singapore": res(cloudfront.DISTRIBUTION, "b", cert("ap-southeast-1")),
        "fail_computed_from_a_singapore_certificate": [res(
            cloudfront.DISTRIBUTION, "d", cert("ap-southeast-1"), {"viewerCertificate": [singapore.urn]}), singapore],
    })


def test_apl_cfd_02_ttl_order(res, assert_exact):
    assert_exact("APL-CFD-02", {
        "pass_ordered": res(cloudfront.CACHE_POLICY, "a", {"minTtl": 0, "defaultTtl": 3600, "maxTtl": 86400}),
        "fail_default_above_max": res(cloudfront.CACHE_POLICY, "b", {"minTtl": 0, "defaultTtl": 90000, "maxTtl": 86400}),
    })
    assert names.ACCOUNT_UNIQUE


def test_apl_s3_03_access_logs_admitted(res, assert_exact):
    logs = res(s3.BUCKET, "logs", {"bucket": "logs"})
    policy = res(s3.POLICY, "logs-policy", {"bucket": "logs", "policy": json.dumps({"Statement": [{
        "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
        "Resource": "arn:aws:s3:::logs/s3-access/*"}]})})
    closed = res(s3.POLICY, "closed-policy", {"bucket": "logs", "policy": json.dumps({"Statement": []})})

    def logging(name, prefix):
        return res(s3.LOGGING, name, {"bucket": "data", "targetBucket": "logs", "targetPrefix": prefix})
    assert_exact("APL-S3-03", {
        "pass_under_prefix": [logging("a", "s3-access/data/"), logs, policy],
        "pass_no_policy_in_stack": [logging("b", "anything/"), logs],
        "fail_outside_prefix": [logging("c", "data-logs/"), logs, policy],
        "fail_policy_admits_nothing": [logging("d", "s3-access/data/"), logs, closed],
    })


def test_apl_sqs_01_fifo_throughput(res, assert_exact):
    assert_exact("APL-SQS-01", {
        "pass_high_throughput": res(sqs.QUEUE, "a", {"fifoQueue": True, "deduplicationScope": "messageGroup",
                                                      "fifoThroughputLimit": "perMessageGroupId"}),
        "fail_scope_without_limit": res(sqs.QUEUE, "b", {"fifoQueue": True, "deduplicationScope": "messageGroup",
                                                          "fifoThroughputLimit": "perQueue"}),
        "fail_on_standard": res(sqs.QUEUE, "c", {"deduplicationScope": "queue"}),
    })

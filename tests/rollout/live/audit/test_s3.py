"""The S3 collector: each bucket setting becomes its own subject, joined to the bucket as Pulumi models it."""

from __future__ import annotations

import json

from policies._helpers import plain
from rollout.live.audit import s3
from tests.rollout import audit_fixtures as fx


def test_an_opened_bucket_is_found(aws):
    def drift(account):
        client = account.client("s3")
        client.delete_public_access_block(Bucket="shop-assets")
        client.delete_bucket_policy(Bucket="shop-assets")

    added, _ = fx.drift_adds((fx.build_buckets,), drift)
    assert added == {("S3-01", "shop-assets"), ("S3-02", "shop-assets")}


def test_bucket_settings_become_separate_subjects_joined_by_bucket(aws):
    fx.account_with(fx.build_buckets)
    result = fx.run()
    assets = [s for s in result.subjects if s.props.get("bucket") == "shop-assets"]
    assert {s.type for s in assets} == {s3.BUCKET, s3.BUCKET_PUBLIC_ACCESS_BLOCK, s3.BUCKET_POLICY,
                                        s3.BUCKET_OWNERSHIP, s3.BUCKET_ACL, s3.BUCKET_ENCRYPTION,
                                        s3.BUCKET_VERSIONING, s3.BUCKET_LOGGING}
    settings = [s for s in assets if s.type != s3.BUCKET]
    assert all(s.property_dependencies["bucket"] == ["arn:aws:s3:::shop-assets"] for s in settings)
    logging = next(s for s in assets if s.type == s3.BUCKET_LOGGING)
    assert logging.props["targetBucket"] == "shop-logs"


def test_a_bucket_without_settings_is_only_a_bucket():
    subjects = s3.bucket_subjects("bare", {})
    assert [s.type for s in subjects] == [s3.BUCKET]
    assert set(s3.S3_TYPES) >= {s.type for s in subjects}


def test_notifications_object_lock_and_replication_become_settings():
    subjects = s3.bucket_subjects("kept", {
        "GetBucketNotificationConfiguration": {"QueueConfigurations": [
            {"QueueArn": "arn:aws:sqs:r:1:q", "Events": ["s3:ObjectCreated:*"]}]},
        "GetObjectLockConfiguration": {"ObjectLockConfiguration": {"ObjectLockEnabled": "Enabled"}},
        "GetBucketReplication": {"ReplicationConfiguration": {"Role": "arn:aws:iam::1:role/r", "Rules": [
            {"ID": "all", "Status": "Enabled", "Destination": {"Bucket": "arn:aws:s3:::copy"}}]}},
    })
    by_type = {s.type: s for s in subjects}
    assert plain(by_type[s3.BUCKET_NOTIFICATION].props["queues"]) == [{"events": ["s3:ObjectCreated:*"]}]
    assert by_type[s3.BUCKET_OBJECT_LOCK].props["objectLockEnabled"] == "Enabled"
    assert plain(by_type[s3.BUCKET_REPLICATION].props["rules"]) == [{"id": "all", "status": "Enabled"}]
    assert [s.type for s in s3.bucket_subjects("quiet", {"GetBucketNotificationConfiguration": {}})] == [s3.BUCKET]


def test_a_bucket_that_notifies_a_queue_passes_s3_08(aws):
    account = fx.account_with(fx.build_buckets)
    assert ("S3-08", "shop-assets") in fx.violations(fx.run())
    queue = account.client("sqs").create_queue(QueueName="uploads")["QueueUrl"]
    arn = account.client("sqs").get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]
    account.client("s3").put_bucket_notification_configuration(Bucket="shop-assets", NotificationConfiguration={
        "QueueConfigurations": [{"QueueArn": arn["QueueArn"], "Events": ["s3:ObjectCreated:*"]}]})
    assert ("S3-08", "shop-assets") not in fx.violations(fx.run())


def test_a_hand_made_bucket_is_found_and_a_locked_replicated_archive_passes(aws):
    """legacy-uploads: object writer ownership, AES256 only, unversioned, unlogged, a policy that denies everyone
    s3:PutBucketPolicy (S3-07) and lets anyone read (S3-03). shop-archive: versioned, object lock on (S3-09) and
    replicated to another bucket (S3-10), both of which the shop's other buckets lack by design."""
    def drift(account):
        s3_client = account.client("s3")
        config = {"CreateBucketConfiguration": {"LocationConstraint": fx.REGION}}
        s3_client.create_bucket(Bucket="legacy-uploads", ObjectOwnership="ObjectWriter", **config)
        s3_client.put_public_access_block(Bucket="legacy-uploads", PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "BlockPublicPolicy": False, "IgnorePublicAcls": True,
            "RestrictPublicBuckets": False})
        s3_client.put_bucket_encryption(Bucket="legacy-uploads", ServerSideEncryptionConfiguration={"Rules": [{
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
        s3_client.put_bucket_policy(Bucket="legacy-uploads", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Sid": "Read", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::legacy-uploads/*"},
            {"Sid": "Freeze", "Effect": "Deny", "Principal": "*", "Action": "s3:PutBucketPolicy",
             "Resource": "arn:aws:s3:::legacy-uploads"},
            {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": ["arn:aws:s3:::legacy-uploads", "arn:aws:s3:::legacy-uploads/*"],
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))

        fx.secure_bucket(account, "shop-archive", ObjectLockEnabledForBucket=True)
        s3_client.put_bucket_logging(Bucket="shop-archive", BucketLoggingStatus={"LoggingEnabled": {
            "TargetBucket": "shop-logs", "TargetPrefix": "shop-archive/"}})
        s3_client.put_object_lock_configuration(Bucket="shop-archive", ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 30}}})
        s3_client.put_bucket_replication(Bucket="shop-archive", ReplicationConfiguration={
            "Role": f"arn:aws:iam::{fx.ACCOUNT}:role/shop-replication",
            "Rules": [{"ID": "copy", "Status": "Enabled", "Priority": 1, "Filter": {"Prefix": ""},
                       "DeleteMarkerReplication": {"Status": "Disabled"},
                       "Destination": {"Bucket": "arn:aws:s3:::shop-logs"}}]})

    added, _ = fx.drift_adds((fx.build_buckets,), drift)
    by_design = {"S3-08"}  # no event notifications, like the shop's buckets
    failed = {"S3-01", "S3-03", "S3-04", "S3-05", "S3-06", "S3-09", "S3-10"}  # S3-01: public policies not blocked
    assert added == {(c, "legacy-uploads") for c in failed | by_design} | {(c, "shop-archive") for c in by_design} | {
        ("S3-07", "legacy-uploads-policy")}  # judged on the BucketPolicy subject

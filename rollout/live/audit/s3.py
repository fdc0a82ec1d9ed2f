"""The audit's collector for S3 buckets, each setting as its own subject joined by `bucket` (S3-01..10)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from policies.core import Subject
from rollout.live.audit.reading import Collection, Reader, optional, subject, tags

BUCKET = "aws:s3/bucket:Bucket"
BUCKET_PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
BUCKET_OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
BUCKET_ACL = "aws:s3/bucketAcl:BucketAcl"
BUCKET_ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
BUCKET_VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
BUCKET_LOGGING = "aws:s3/bucketLogging:BucketLogging"
BUCKET_LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
BUCKET_NOTIFICATION = "aws:s3/bucketNotification:BucketNotification"
BUCKET_OBJECT_LOCK = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"
BUCKET_REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
S3_TYPES = (BUCKET, BUCKET_PUBLIC_ACCESS_BLOCK, BUCKET_POLICY, BUCKET_OWNERSHIP, BUCKET_ACL, BUCKET_ENCRYPTION,
            BUCKET_VERSIONING, BUCKET_LOGGING, BUCKET_LIFECYCLE, BUCKET_NOTIFICATION, BUCKET_OBJECT_LOCK,
            BUCKET_REPLICATION)
_NOTIFICATION_TARGETS = (("TopicConfigurations", "topics"), ("QueueConfigurations", "queues"),
                         ("LambdaFunctionConfigurations", "lambdaFunctions"))


def bucket_subjects(name: str, responses: Mapping[str, Any]) -> list[Subject]:
    """A bucket and one subject per configured setting, each joined to the bucket by its `bucket` input.

    `responses` holds the Get* responses by operation name; None means the setting is not configured.
    """
    arn = f"arn:aws:s3:::{name}"
    link = {"bucket": [arn]}
    subjects = [subject(BUCKET, name, arn, {"bucket": name, "tags": responses.get("tags") or {}})]

    def setting(type_: str, suffix: str, props: Mapping[str, Any], deps: Mapping[str, Sequence[str]] = link) -> None:
        subjects.append(subject(type_, f"{name}-{suffix}", f"{arn}#{suffix}", {"bucket": name, **props}, deps))

    block = responses.get("GetPublicAccessBlock")
    if block:
        flags = block["PublicAccessBlockConfiguration"]
        setting(BUCKET_PUBLIC_ACCESS_BLOCK, "publicAccessBlock", {
            "blockPublicAcls": flags.get("BlockPublicAcls", False),
            "blockPublicPolicy": flags.get("BlockPublicPolicy", False),
            "ignorePublicAcls": flags.get("IgnorePublicAcls", False),
            "restrictPublicBuckets": flags.get("RestrictPublicBuckets", False)})
    policy = responses.get("GetBucketPolicy")
    if policy:
        setting(BUCKET_POLICY, "policy", {"policy": policy["Policy"]})
    ownership = responses.get("GetBucketOwnershipControls")
    if ownership:
        rules = ownership["OwnershipControls"].get("Rules", [])
        setting(BUCKET_OWNERSHIP, "ownershipControls",
                {"rule": {"objectOwnership": rules[0]["ObjectOwnership"]} if rules else None})
    acl = responses.get("GetBucketAcl")
    if acl:
        grants = [{"grantee": {key: value for key, value in {
            "type": g["Grantee"].get("Type"), "uri": g["Grantee"].get("URI"), "id": g["Grantee"].get("ID")}.items()
            if value is not None}, "permission": g.get("Permission")} for g in acl.get("Grants", [])]
        setting(BUCKET_ACL, "acl", {"accessControlPolicy": {"grants": grants,
                                                            "owner": {"id": acl.get("Owner", {}).get("ID")}}})
    encryption = responses.get("GetBucketEncryption")
    if encryption:
        rules = encryption["ServerSideEncryptionConfiguration"].get("Rules", [])
        setting(BUCKET_ENCRYPTION, "serverSideEncryption", {"rules": [
            {"applyServerSideEncryptionByDefault": {
                "sseAlgorithm": r.get("ApplyServerSideEncryptionByDefault", {}).get("SSEAlgorithm"),
                "kmsMasterKeyId": r.get("ApplyServerSideEncryptionByDefault", {}).get("KMSMasterKeyID")},
             "bucketKeyEnabled": r.get("BucketKeyEnabled", False)} for r in rules]})
    versioning = responses.get("GetBucketVersioning") or {}
    if versioning.get("Status"):
        setting(BUCKET_VERSIONING, "versioning", {"versioningConfiguration": {
            "status": versioning["Status"], "mfaDelete": versioning.get("MFADelete")}})
    logging = (responses.get("GetBucketLogging") or {}).get("LoggingEnabled")
    if logging:
        target = logging.get("TargetBucket")
        setting(BUCKET_LOGGING, "logging", {"targetBucket": target, "targetPrefix": logging.get("TargetPrefix")},
                {"bucket": [arn], "targetBucket": [f"arn:aws:s3:::{target}"]})
    lifecycle = responses.get("GetBucketLifecycleConfiguration")
    if lifecycle:
        setting(BUCKET_LIFECYCLE, "lifecycle", {"rules": [
            {"id": r.get("ID"), "status": r.get("Status")} for r in lifecycle.get("Rules", [])]})
    notification = responses.get("GetBucketNotificationConfiguration") or {}
    targets = {prop: [{"events": c.get("Events", [])} for c in notification.get(key, [])]
               for key, prop in _NOTIFICATION_TARGETS if notification.get(key)}
    if targets or "EventBridgeConfiguration" in notification:
        setting(BUCKET_NOTIFICATION, "notification",
                {**targets, "eventbridge": "EventBridgeConfiguration" in notification})
    lock = (responses.get("GetObjectLockConfiguration") or {}).get("ObjectLockConfiguration")
    if lock:
        setting(BUCKET_OBJECT_LOCK, "objectLock", {"objectLockEnabled": lock.get("ObjectLockEnabled")})
    replication = (responses.get("GetBucketReplication") or {}).get("ReplicationConfiguration")
    if replication:
        setting(BUCKET_REPLICATION, "replication", {"role": replication.get("Role"), "rules": [
            {"id": r.get("ID"), "status": r.get("Status")} for r in replication.get("Rules", [])]})
    return subjects


# Each bucket setting: (Get* operation, error codes meaning "not configured").
_BUCKET_READS = (
    ("GetPublicAccessBlock", ("NoSuchPublicAccessBlockConfiguration",)),
    ("GetBucketPolicy", ("NoSuchBucketPolicy",)),
    ("GetBucketOwnershipControls", ("OwnershipControlsNotFoundError",)),
    ("GetBucketAcl", ()),
    ("GetBucketEncryption", ("ServerSideEncryptionConfigurationNotFoundError",)),
    ("GetBucketVersioning", ()),
    ("GetBucketLogging", ()),
    ("GetBucketLifecycleConfiguration", ("NoSuchLifecycleConfiguration",)),
    ("GetBucketNotificationConfiguration", ()),
    ("GetObjectLockConfiguration", ("ObjectLockConfigurationNotFoundError",)),
    ("GetBucketReplication", ("ReplicationConfigurationNotFoundError",)),
)


def collect_s3(reader: Reader, out: Collection) -> None:
    from botocore import xform_name

    with out.attempt("s3", S3_TYPES) as found:
        s3 = reader.client("s3")
        for bucket in reader.items("s3", "list_buckets", "Buckets[]"):
            name = bucket["Name"]
            responses = {op: optional(getattr(s3, xform_name(op)), *missing, Bucket=name)
                         for op, missing in _BUCKET_READS}
            tagging = optional(s3.get_bucket_tagging, "NoSuchTagSet", Bucket=name)
            responses["tags"] = tags((tagging or {}).get("TagSet"))
            found.extend(bucket_subjects(name, responses))

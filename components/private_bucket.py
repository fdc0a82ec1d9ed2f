"""The settings every bucket of ours gets, in one place: no public access, owner-enforced objects, default
encryption (KMS, or SSE-S3 where an AWS log-delivery service requires it) and versioning.

A function rather than a component: the settings belong to the component that owns the bucket (their parent), and
pulumi-aws v7 makes each of them a resource of its own (controls S3-01, S3-03, S3-04, S3-05 join them back).
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws


def secure_bucket_settings(prefix: str, bucket: aws.s3.Bucket, parent: pulumi.Resource, *,
                           kms_key_arn: pulumi.Input[str] | None = None) -> None:
    """Public access block, BucketOwnerEnforced, default encryption and versioning, named `<prefix>-<setting>`.

    Without `kms_key_arn` the bucket uses SSE-S3 (AES256): S3 server access logs and ALB access logs cannot be
    delivered into a bucket whose default encryption is SSE-KMS.
    """
    opts = pulumi.ResourceOptions(parent=parent)
    aws.s3.BucketPublicAccessBlock(f"{prefix}-public-access", bucket=bucket.id, block_public_acls=True,
                                   block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True,
                                   opts=opts)
    aws.s3.BucketOwnershipControls(f"{prefix}-ownership", bucket=bucket.id,
                                   rule={"object_ownership": "BucketOwnerEnforced"}, opts=opts)
    default = ({"sse_algorithm": "aws:kms", "kms_master_key_id": kms_key_arn} if kms_key_arn is not None
               else {"sse_algorithm": "AES256"})
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"{prefix}-encryption", bucket=bucket.id,
        rules=[{"apply_server_side_encryption_by_default": default, "bucket_key_enabled": kms_key_arn is not None}],
        opts=opts)
    aws.s3.BucketVersioning(f"{prefix}-versioning", bucket=bucket.id,
                            versioning_configuration={"status": "Enabled"}, opts=opts)

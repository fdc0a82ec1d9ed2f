"""Phase 3: the uploads bucket, where the application writes what users upload (product photos, invoices) instead
of the server's disk, so that any instance serves any request.

Private like every bucket of ours (public access blocked, BucketOwnerEnforced, SSE-KMS with a bucket key,
versioning with old versions expiring, access logs, HTTPS only), `protect=True` in production. The app gets
exactly `writer_policy_document()`: get/put/delete objects in this bucket and use its key, nothing else.
"""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws
from pydantic import Field

from components import kms
from components._args import Args, StrInput
from components.baseline import ACCESS_LOG_PREFIX, deny_insecure_transport
from components.private_bucket import secure_bucket_settings


class UploadsArgs(Args):
    log_bucket: StrInput = Field(description="Bucket (name) receiving the S3 access logs. Required.")
    noncurrent_version_days: int = Field(30, ge=1, le=3650, description="Days old versions are kept. Defaults to 30.")
    production: bool = Field(False, description="protect=True on the bucket. Defaults to false.")


def writer_statements(bucket_arn: str, key_arn: str) -> list[dict[str, Any]]:
    """What the application's role needs on the uploads bucket: objects in and out, through its key."""
    return [
        {"Sid": "Uploads", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
         "Resource": f"{bucket_arn}/*"},
        {"Sid": "UploadsList", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": bucket_arn},
        {"Sid": "UploadsKey", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": key_arn},
    ]


class Uploads(pulumi.ComponentResource):
    """Private, encrypted, versioned bucket for user uploads."""

    def __init__(self, name: str, args: UploadsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sme-rollout:static:Uploads", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.key = kms.customer_managed_key(name, f"sme-rollout {name}: user uploads", self)
        self.bucket = aws.s3.Bucket(f"{name}-bucket", opts=pulumi.ResourceOptions(parent=self,
                                                                                   protect=args.production))
        secure_bucket_settings(name, self.bucket, self, kms_key_arn=self.key.arn)
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle", bucket=self.bucket.id,
            rules=[{"id": "expire-old-versions", "status": "Enabled", "filter": {"prefix": ""},
                    "noncurrent_version_expiration": {"noncurrent_days": args.noncurrent_version_days},
                    "abort_incomplete_multipart_upload": {"days_after_initiation": 7}}], opts=child)
        aws.s3.BucketLogging(f"{name}-logging", bucket=self.bucket.id, target_bucket=args.log_bucket,
                             target_prefix=f"{ACCESS_LOG_PREFIX}{name}/", opts=child)
        aws.s3.BucketPolicy(f"{name}-policy", bucket=self.bucket.id,
                            policy=self.bucket.arn.apply(lambda arn: json.dumps(
                                {"Version": "2012-10-17", "Statement": [deny_insecure_transport(arn)]})),
                            opts=child)
        self.bucket_name = self.bucket.bucket
        self.bucket_arn = self.bucket.arn
        self.key_arn = self.key.arn
        self.register_outputs({"bucketName": self.bucket_name})

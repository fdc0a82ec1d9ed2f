"""Phase 3: static assets (images, CSS, JS) moved off the server into a private S3 bucket served by the CDN.

The bucket is never public: all four public-access-block flags, BucketOwnerEnforced (no ACLs), SSE-KMS with a
bucket key, versioning with old versions expiring, access logs to the baseline log bucket, and a bucket policy
that denies plain HTTP. `protect=True` in production.

Who may read it depends on the CDN, which is built after this component (it needs the bucket as an origin, while
the bucket policy needs the distribution's ARN); so the policy is written by `allow_reads()`, which the CDN step
calls exactly once:
- CloudFront: origin access control (SigV4-signed requests); the policy allows `s3:GetObject` only to the
  CloudFront service principal with `aws:SourceArn` = that one distribution, and the KMS key lets CloudFront
  decrypt only from this account.
- Cloudflare: Cloudflare cannot sign requests to a private bucket (R2 would be a second storage system, and
  opening the bucket to Cloudflare's IP ranges would open it to every Cloudflare customer). Decision: the bucket
  stays private; the site's origin serves the asset paths (it reads the bucket with the `reader_policy_arn`
  attached to its role, or deploys sync from it), and Cloudflare's cache rule caches those paths at the edge for
  a long TTL, so the origin sees about one request per asset per TTL and data centre. The policy then only
  denies plain HTTP.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pulumi
import pulumi_aws as aws
from pydantic import Field, field_validator

from components import kms
from components._args import Args, StrInput
from components.baseline import ACCESS_LOG_PREFIX, deny_insecure_transport
from components.private_bucket import secure_bucket_settings


class StaticSiteArgs(Args):
    """Where the assets are served and where access logs go."""

    path_pattern: str = Field("/static/*", description="URL paths served from the bucket. Defaults to /static/*.")
    log_bucket: StrInput = Field(description="Name of the bucket receiving S3 server access logs. Required.")
    noncurrent_version_days: int = Field(30, ge=1, le=3650, description="Days old object versions are kept. "
                                                                        "Defaults to 30.")
    production: bool = Field(False, description="protect=True on the bucket. Defaults to false.")

    @field_validator("path_pattern")
    @classmethod
    def _pattern(cls, value: str) -> str:
        if not re.fullmatch(r"/[A-Za-z0-9._~/-]*\*?", value):
            raise ValueError("must be a URL path pattern like /static/*")
        return value


class StaticSite(pulumi.ComponentResource):
    """Private, encrypted, versioned asset bucket; read access granted to the CDN by `allow_reads()`."""

    bucket_name: pulumi.Output[str]
    bucket_arn: pulumi.Output[str]
    bucket_regional_domain_name: pulumi.Output[str]
    reader_policy_arn: pulumi.Output[str]
    path_pattern: str

    def __init__(self, name: str, args: StaticSiteArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sme-rollout:static:StaticSite", name, None, opts)
        self._name = name
        self._args = args
        self._policy: aws.s3.BucketPolicy | None = None

        self.key = self._create_key()
        self.bucket = self._create_bucket()
        self._create_bucket_settings()
        self.reader_policy = self._create_reader_policy()

        self.bucket_name = self.bucket.bucket
        self.bucket_arn = self.bucket.arn
        self.bucket_regional_domain_name = self.bucket.bucket_regional_domain_name
        self.reader_policy_arn = self.reader_policy.arn
        self.path_pattern = args.path_pattern
        self.register_outputs({"bucketName": self.bucket_name, "readerPolicyArn": self.reader_policy_arn})

    def _child(self, **options: Any) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, **options)

    def _create_key(self) -> aws.kms.Key:
        return kms.customer_managed_key(self._name, f"sme-rollout {self._name}: static assets", self,
                                        service_principals=["cloudfront.amazonaws.com"])

    def _create_bucket(self) -> aws.s3.Bucket:
        return aws.s3.Bucket(f"{self._name}-assets", opts=self._child(protect=self._args.production))

    def _create_bucket_settings(self) -> None:
        bucket = self.bucket.id
        secure_bucket_settings(self._name, self.bucket, self, kms_key_arn=self.key.arn)
        aws.s3.BucketLifecycleConfiguration(
            f"{self._name}-lifecycle", bucket=bucket,
            rules=[{"id": "expire-old-versions", "status": "Enabled", "filter": {"prefix": ""},
                    "noncurrent_version_expiration": {"noncurrent_days": self._args.noncurrent_version_days},
                    "abort_incomplete_multipart_upload": {"days_after_initiation": 7}}],
            opts=self._child())
        aws.s3.BucketLogging(f"{self._name}-logging", bucket=bucket, target_bucket=self._args.log_bucket,
                             target_prefix=f"{ACCESS_LOG_PREFIX}{self._name}/", opts=self._child())

    def _create_reader_policy(self) -> aws.iam.Policy:
        """For the origin's role when the CDN cannot read the bucket itself (Cloudflare): read objects only."""
        document = pulumi.Output.all(self.bucket.arn, self.key.arn).apply(lambda arns: json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{arns[0]}/*"},
                {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": arns[1]}]}))
        return aws.iam.Policy(f"{self._name}-reader", description=f"Read the {self._name} asset bucket",
                              policy=document, opts=self._child())

    def allow_reads(self, distribution_arn: pulumi.Input[str] | None = None) -> aws.s3.BucketPolicy:
        """Write the bucket policy: deny plain HTTP, and (CloudFront) let only that distribution read objects."""
        if self._policy is not None:
            raise RuntimeError(f"{self._name}: allow_reads() was already called")

        def document(values: list[Any]) -> str:
            bucket_arn, arn = values
            statements = [deny_insecure_transport(bucket_arn)]
            if arn:
                statements.append({"Sid": "CloudFrontOriginAccessControl", "Effect": "Allow",
                                   "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject",
                                   "Resource": f"{bucket_arn}/*",
                                   "Condition": {"StringEquals": {"aws:SourceArn": arn}}})
            return json.dumps({"Version": "2012-10-17", "Statement": statements})

        self._policy = aws.s3.BucketPolicy(
            f"{self._name}-policy", bucket=self.bucket.id,
            policy=pulumi.Output.all(self.bucket.arn, distribution_arn).apply(document), opts=self._child())
        return self._policy

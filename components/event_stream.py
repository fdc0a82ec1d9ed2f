"""Event stream (phase 4, optional): marketing events (clicks, views) through Kinesis Data Firehose into a private,
encrypted S3 data bucket, partitioned Hive-style by time so that Athena, Glue or any S3-aware analytics tool can
query it.

Fixed in code: a customer-managed KMS key for the stream, the objects and the delivery logs; a private bucket
(public access blocked, owner-enforced, TLS-only policy, versioned, access-logged); delivery errors logged to a
retained, encrypted log group; a producer role that may only put records into this stream.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pulumi
import pulumi_aws as aws
from pydantic import BaseModel, ConfigDict, Field

from components.baseline import ACCESS_LOG_PREFIX
from components.kms import LOGS_SERVICE, customer_managed_key
from components.private_bucket import secure_bucket_settings

PARTITION_PREFIX = "events/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/"
ERROR_PREFIX = "errors/!{firehose:error-output-type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/"
PRODUCER_ACTIONS = ("firehose:PutRecord", "firehose:PutRecordBatch")
DELIVERY_S3_ACTIONS = ("s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket",
                       "s3:ListBucketMultipartUploads", "s3:PutObject")
KMS_DATA_ACTIONS = ("kms:GenerateDataKey", "kms:Decrypt")


class EventStreamArgs(BaseModel):
    """What varies per stack."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    buffer_seconds: int = Field(300, ge=60, le=900, description="Firehose buffering interval. Defaults to 300.")
    buffer_mb: int = Field(64, ge=64, le=128, description="Firehose buffer size in MB (64 is the minimum with "
                                                          "compression). Defaults to 64.")
    log_retention_days: int = Field(365, description="Retention of the delivery-error log group. Defaults to 365.")
    access_log_bucket: Any = Field(None, description="Bucket (name) receiving the data bucket's access logs. "
                                                     "Defaults to none (no access logs).")
    trusted_principal_arns: list[Any] | None = Field(
        None, description="Principals allowed to assume the producer role. Defaults to the account itself.")


def producer_policy(stream_arn: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "PutEvents", "Effect": "Allow", "Action": list(PRODUCER_ACTIONS), "Resource": stream_arn},
    ]})


def delivery_policy(bucket_arn: str, key_arn: str, log_stream_arn: str) -> str:
    """What Firehose needs to deliver: write objects to this bucket, encrypt with this key, log its errors."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "WriteDataBucket", "Effect": "Allow", "Action": list(DELIVERY_S3_ACTIONS),
         "Resource": [bucket_arn, f"{bucket_arn}/*"]},
        {"Sid": "EncryptObjects", "Effect": "Allow", "Action": list(KMS_DATA_ACTIONS), "Resource": key_arn},
        {"Sid": "LogDeliveryErrors", "Effect": "Allow", "Action": ["logs:PutLogEvents"], "Resource": log_stream_arn},
    ]})


def tls_only_bucket_policy(bucket_arn: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*",
        "Resource": [bucket_arn, f"{bucket_arn}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }]})


def _trust(service: str, account_id: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": account_id}},
    }]})


class EventStream(pulumi.ComponentResource):
    """Firehose → partitioned, encrypted S3 data bucket, with a producer role limited to this stream."""

    def __init__(self, name: str, args: EventStreamArgs | None = None,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sme-rollout:analytics:EventStream", name, {}, opts)
        self._name = name
        self._physical = re.sub(r"[^a-zA-Z0-9_.-]", "-", f"{pulumi.get_stack()}-{name}")[:64]
        self.args = args or EventStreamArgs()
        self._account = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id

        self.key = customer_managed_key(name, f"{name}: marketing event stream, data bucket and logs", self,
                                        [LOGS_SERVICE])
        self.bucket = self._create_bucket()
        self._create_bucket_settings()
        self.log_group, self.log_stream = self._create_logs()
        self.delivery_role = self._create_delivery_role()
        self.stream = self._create_stream()
        self.producer_role = self._create_producer_role()

        self.stream_name = self.stream.name
        self.stream_arn = self.stream.arn
        self.bucket_name = self.bucket.bucket
        self.bucket_arn = self.bucket.arn
        self.register_outputs({"streamName": self.stream.name, "bucketName": self.bucket.bucket,
                               "producerRoleArn": self.producer_role.arn})

    def _child(self, **extra: Any) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, **extra)

    def _create_bucket(self) -> aws.s3.Bucket:
        return aws.s3.Bucket(f"{self._name}-data", force_destroy=False, opts=self._child())

    def _create_bucket_settings(self) -> None:
        name = f"{self._name}-data"
        secure_bucket_settings(name, self.bucket, self, kms_key_arn=self.key.arn)
        aws.s3.BucketPolicy(name, bucket=self.bucket.id, policy=self.bucket.arn.apply(tls_only_bucket_policy),
                            opts=self._child())
        aws.s3.BucketLifecycleConfiguration(name, bucket=self.bucket.id, rules=[{
            "id": "expire-old-versions", "status": "Enabled", "filter": {},
            "noncurrent_version_expiration": {"noncurrent_days": 30},
            "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
        }], opts=self._child())
        if self.args.access_log_bucket is not None:
            aws.s3.BucketLogging(name, bucket=self.bucket.id, target_bucket=self.args.access_log_bucket,
                                 target_prefix=f"{ACCESS_LOG_PREFIX}{self._name}-data/", opts=self._child())

    def _create_logs(self) -> tuple[aws.cloudwatch.LogGroup, aws.cloudwatch.LogStream]:
        group = aws.cloudwatch.LogGroup(f"{self._name}-delivery", name=f"/aws/kinesisfirehose/{self._physical}",
                                        retention_in_days=self.args.log_retention_days, kms_key_id=self.key.arn,
                                        opts=self._child())
        stream = aws.cloudwatch.LogStream(f"{self._name}-delivery", log_group_name=group.name, name="S3Delivery",
                                          opts=self._child())
        return group, stream

    def _create_delivery_role(self) -> aws.iam.Role:
        role = aws.iam.Role(f"{self._name}-delivery", assume_role_policy=self._account.apply(
            lambda account: _trust("firehose.amazonaws.com", account)), opts=self._child())
        log_stream_arn = pulumi.Output.concat(self.log_group.arn, ":log-stream:S3Delivery")
        policy = pulumi.Output.all(self.bucket.arn, self.key.arn, log_stream_arn).apply(
            lambda values: delivery_policy(*values))
        aws.iam.RolePolicy(f"{self._name}-delivery", role=role.id, policy=policy, opts=self._child())
        return role

    def _create_stream(self) -> aws.kinesis.FirehoseDeliveryStream:
        return aws.kinesis.FirehoseDeliveryStream(
            self._name,
            # The stream's name is auto-named (resource name + random suffix), so unique per stack already; its
            # log group below has a fixed name and carries the stack instead.
            destination="extended_s3",
            server_side_encryption={"enabled": True, "key_type": "CUSTOMER_MANAGED_CMK", "key_arn": self.key.arn},
            extended_s3_configuration={
                "bucket_arn": self.bucket.arn,
                "role_arn": self.delivery_role.arn,
                "kms_key_arn": self.key.arn,
                "prefix": PARTITION_PREFIX,
                "error_output_prefix": ERROR_PREFIX,
                "buffering_interval": self.args.buffer_seconds,
                "buffering_size": self.args.buffer_mb,
                "compression_format": "GZIP",
                "cloudwatch_logging_options": {"enabled": True, "log_group_name": self.log_group.name,
                                               "log_stream_name": "S3Delivery"},
            },
            opts=self._child(),
        )

    def _create_producer_role(self) -> aws.iam.Role:
        trusted = (pulumi.Output.all(*self.args.trusted_principal_arns) if self.args.trusted_principal_arns
                   else self._account.apply(lambda account: [f"arn:aws:iam::{account}:root"]))
        role = aws.iam.Role(f"{self._name}-producer", assume_role_policy=trusted.apply(lambda arns: json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": arns}, "Action": "sts:AssumeRole"}]})),
            description=f"Puts events into the {self._name} stream (this stream only).", opts=self._child())
        aws.iam.RolePolicy(f"{self._name}-producer", role=role.id, policy=self.stream.arn.apply(producer_policy),
                           opts=self._child())
        return role

"""Event stream: encrypted Firehose into a private, encrypted, partitioned bucket; producer limited to the stream."""

import json

from components.event_stream import PARTITION_PREFIX, EventStream, EventStreamArgs


def _build(synth, **args):
    return synth(lambda: EventStream("events", EventStreamArgs(**args)))


def _one(inventory, type_):
    (resource,) = inventory.of_type(type_)
    return resource


def test_the_delivery_log_group_name_is_scoped_to_the_stack(synth):
    """Log group names are unique per account and region: two stacks must not collide (the stream is auto-named)."""
    for stack in ("dev", "prod"):
        inventory = synth(lambda: EventStream("events", EventStreamArgs()), stack=stack)
        assert "name" not in _one(inventory, "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream").inputs
        assert _one(inventory, "aws:cloudwatch/logGroup:LogGroup").inputs["name"] == \
            f"/aws/kinesisfirehose/{stack}-events"


def test_stream_is_encrypted_with_the_cmk_and_partitions_by_time(synth):
    inventory = _build(synth, buffer_seconds=120)
    key = _one(inventory, "aws:kms/key:Key")
    assert key.inputs["enableKeyRotation"] is True and key.inputs["deletionWindowInDays"] == 30
    stream = _one(inventory, "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream").inputs
    assert stream["serverSideEncryption"]["enabled"] is True
    assert stream["serverSideEncryption"]["keyType"] == "CUSTOMER_MANAGED_CMK"
    s3 = stream["extendedS3Configuration"]
    assert s3["prefix"] == PARTITION_PREFIX and "year=!{timestamp:yyyy}" in s3["prefix"]
    assert s3["bufferingInterval"] == 120 and s3["compressionFormat"] == "GZIP" and s3["kmsKeyArn"]
    assert s3["cloudwatchLoggingOptions"]["enabled"] is True


def test_data_bucket_is_private_encrypted_versioned_and_tls_only(synth):
    inventory = _build(synth, access_log_bucket="logs")
    block = _one(inventory, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs
    assert all(block[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls",
                                          "restrictPublicBuckets"))
    sse = _one(inventory, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
    assert sse.inputs["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms"
    assert _one(inventory, "aws:s3/bucketVersioning:BucketVersioning").inputs["versioningConfiguration"] == {
        "status": "Enabled"}
    (statement,) = json.loads(_one(inventory, "aws:s3/bucketPolicy:BucketPolicy").inputs["policy"])["Statement"]
    assert statement["Effect"] == "Deny" and statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    logging = _one(inventory, "aws:s3/bucketLogging:BucketLogging").inputs
    assert logging["targetBucket"] == "logs"
    # the baseline log bucket only lets S3 server access logging write under ACCESS_LOG_PREFIX
    assert logging["targetPrefix"].startswith("s3-access/")
    log_group = _one(inventory, "aws:cloudwatch/logGroup:LogGroup").inputs
    assert log_group["retentionInDays"] == 365 and log_group["kmsKeyId"]


def test_without_a_log_bucket_there_is_no_logging_resource(synth):
    assert not _build(synth).of_type("aws:s3/bucketLogging:BucketLogging")


def test_producer_may_only_put_records_into_this_stream(synth):
    inventory = _build(synth)
    policies = {r.name: json.loads(r.inputs["policy"]) for r in inventory.of_type("aws:iam/rolePolicy:RolePolicy")}
    (statement,) = policies["events-producer"]["Statement"]
    assert statement["Action"] == ["firehose:PutRecord", "firehose:PutRecordBatch"]
    stream = inventory.of_type("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream")[0]
    policy = next(r for r in inventory.of_type("aws:iam/rolePolicy:RolePolicy") if r.name == "events-producer")
    assert policy.property_dependencies["policy"] == (stream.urn,)
    assert statement["Resource"].startswith("arn:aws:kinesis:") and "*" not in statement["Resource"]
    delivery = policies["events-delivery"]["Statement"]
    assert delivery[0]["Resource"][0].startswith("arn:aws:s3:::") and all(
        "*" != s["Resource"] for s in delivery)

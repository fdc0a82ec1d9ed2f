"""The uploads bucket: private, encrypted with its own key, versioned, logged, HTTPS only; the app's statements."""

import json

from components.uploads import Uploads, UploadsArgs, writer_statements


def test_bucket_is_private_encrypted_and_https_only(synth):
    inventory = synth(lambda: Uploads("uploads", UploadsArgs(log_bucket="logs", production=True)))
    (bucket,) = inventory.of_type("aws:s3/bucket:Bucket")
    assert bucket.protect is True
    (block,) = inventory.of_type("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    assert all(block.inputs[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls",
                                         "restrictPublicBuckets"))
    (encryption,) = inventory.of_type("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
    assert encryption.inputs["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms"
    (policy,) = inventory.of_type("aws:s3/bucketPolicy:BucketPolicy")
    (statement,) = json.loads(policy.inputs["policy"])["Statement"]
    assert statement["Effect"] == "Deny" and statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_writer_statements_are_scoped_to_the_bucket_and_its_key():
    statements = writer_statements("arn:aws:s3:::u", "arn:aws:kms:r:1:key/k")
    assert {s["Resource"] for s in statements} == {"arn:aws:s3:::u/*", "arn:aws:s3:::u", "arn:aws:kms:r:1:key/k"}
    assert not any("*" == s["Resource"] for s in statements)

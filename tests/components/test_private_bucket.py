"""The shared bucket settings: all four public-access flags, owner-enforced, KMS or SSE-S3, versioning."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.private_bucket import secure_bucket_settings


def settings_of(synth, **kwargs):
    def program() -> None:
        owner = pulumi.ComponentResource("test:owner:Owner", "owner")
        bucket = aws.s3.Bucket("data", opts=pulumi.ResourceOptions(parent=owner))
        secure_bucket_settings("data", bucket, owner, **kwargs)

    inventory = synth(program)
    return {r.type.split(":")[-1]: r for r in inventory.custom_resources() if r.name != "data"}


def test_kms_bucket(synth) -> None:
    settings = settings_of(synth, kms_key_arn="arn:aws:kms:ap-southeast-1:123456789012:key/k")
    assert set(settings) == {"BucketPublicAccessBlock", "BucketOwnershipControls",
                             "BucketServerSideEncryptionConfiguration", "BucketVersioning"}
    block = settings["BucketPublicAccessBlock"].inputs
    assert all(block[flag] is True for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls",
                                                "restrictPublicBuckets"))
    assert settings["BucketOwnershipControls"].inputs["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
    [rule] = settings["BucketServerSideEncryptionConfiguration"].inputs["rules"]
    assert rule == {
        "applyServerSideEncryptionByDefault": {
            "sseAlgorithm": "aws:kms",
            "kmsMasterKeyId": "arn:aws:kms:ap-southeast-1:123456789012:key/k",
        },
        "bucketKeyEnabled": True,
    }
    assert settings["BucketVersioning"].inputs["versioningConfiguration"] == {"status": "Enabled"}
    assert all(r.parent.endswith("test:owner:Owner::owner") for r in settings.values())
    assert {r.name for r in settings.values()} == {"data-public-access", "data-ownership", "data-encryption",
                                                  "data-versioning"}


def test_log_delivery_bucket_uses_sse_s3(synth) -> None:
    [rule] = settings_of(synth)["BucketServerSideEncryptionConfiguration"].inputs["rules"]
    assert rule == {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}, "bucketKeyEnabled": False}

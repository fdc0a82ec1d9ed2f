"""Static site: a private, encrypted, versioned, logged bucket; only the named distribution may read it."""

import json

import pytest
from pydantic import ValidationError

from components.static_site import StaticSite, StaticSiteArgs

DISTRIBUTION = "arn:aws:cloudfront::123456789012:distribution/E123"


def _build(synth, distribution_arn=None, production=False):
    def program():
        import pulumi

        site = StaticSite("assets", StaticSiteArgs(log_bucket="logs-bucket", production=production))
        site.allow_reads(distribution_arn)
        pulumi.export("bucket", site.bucket_name)

    return synth(program)


def _one(inventory, type_):
    (resource,) = inventory.of_type(type_)
    return resource


@pytest.fixture(scope="module")
def cloudfront():
    from rollout.runtime.synth import synthesize_function

    def program():
        site = StaticSite("assets", StaticSiteArgs(log_bucket="logs-bucket", production=True))
        site.allow_reads(DISTRIBUTION)

    return synthesize_function(program)


def test_bucket_blocks_public_access_and_acls(cloudfront):
    block = _one(cloudfront, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs
    assert [block[f] for f in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls",
                               "restrictPublicBuckets")] == [True] * 4
    ownership = _one(cloudfront, "aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs
    assert ownership["rule"]["objectOwnership"] == "BucketOwnerEnforced"
    assert _one(cloudfront, "aws:s3/bucket:Bucket").protect is True


def test_bucket_is_kms_encrypted_versioned_and_logged_elsewhere(cloudfront):
    (rule,) = _one(cloudfront, "aws:s3/bucketServerSideEncryptionConfiguration:"
                               "BucketServerSideEncryptionConfiguration").inputs["rules"]
    assert rule["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms"
    assert rule["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"].startswith("arn:aws:kms:")
    assert rule["bucketKeyEnabled"] is True
    versioning = _one(cloudfront, "aws:s3/bucketVersioning:BucketVersioning").inputs
    assert versioning["versioningConfiguration"] == {"status": "Enabled"}
    logging = _one(cloudfront, "aws:s3/bucketLogging:BucketLogging").inputs
    assert logging["targetBucket"] == "logs-bucket" and logging["targetPrefix"] == "s3-access/assets/"
    (lifecycle,) = _one(cloudfront, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs["rules"]
    assert lifecycle["noncurrentVersionExpiration"] == {"noncurrentDays": 30}


def test_policy_denies_plain_http_and_allows_only_the_distribution(cloudfront):
    statements = json.loads(_one(cloudfront, "aws:s3/bucketPolicy:BucketPolicy").inputs["policy"])["Statement"]
    deny, allow = statements
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"} and allow["Action"] == "s3:GetObject"
    assert allow["Condition"] == {"StringEquals": {"aws:SourceArn": DISTRIBUTION}}
    assert allow["Resource"].endswith("/*")


def test_without_a_distribution_the_policy_only_denies_plain_http(synth):
    inventory = _build(synth)
    (statement,) = json.loads(_one(inventory, "aws:s3/bucketPolicy:BucketPolicy").inputs["policy"])["Statement"]
    assert statement["Effect"] == "Deny"
    assert _one(inventory, "aws:s3/bucket:Bucket").protect is False
    assert inventory.outputs["bucket"].startswith("assets-assets")


def test_reader_policy_reads_objects_only(cloudfront):
    get, decrypt = json.loads(_one(cloudfront, "aws:iam/policy:Policy").inputs["policy"])["Statement"]
    assert get["Action"] == "s3:GetObject" and get["Resource"].endswith("/*")
    assert decrypt["Action"] == "kms:Decrypt" and decrypt["Resource"].startswith("arn:aws:kms:")


def test_children_are_parented_to_the_component(cloudfront):
    (component,) = cloudfront.of_type("sme-rollout:static:StaticSite")
    assert {r.parent for r in cloudfront if r.custom} == {component.urn}


def test_allow_reads_twice_is_an_error(synth):
    def program():
        site = StaticSite("assets", StaticSiteArgs(log_bucket="logs"))
        site.allow_reads()
        with pytest.raises(RuntimeError, match="already"):
            site.allow_reads(DISTRIBUTION)

    assert len(synth(program).of_type("aws:s3/bucketPolicy:BucketPolicy")) == 1


@pytest.mark.parametrize("bad", [{"path_pattern": "static/*"}, {"path_pattern": "/a b"},
                                 {"noncurrent_version_days": 0}, {"public": True}])
def test_bad_args_are_rejected(bad):
    with pytest.raises(ValidationError):
        StaticSiteArgs(log_bucket="logs", **bad)


def test_log_bucket_is_required():
    with pytest.raises(ValidationError):
        StaticSiteArgs()

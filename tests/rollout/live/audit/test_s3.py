"""The S3 collector: each bucket setting becomes its own subject, joined to the bucket as Pulumi models it."""

from __future__ import annotations

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

"""`rollout sync static`: copy what the old server serves under the static path into the asset bucket.

Lists the bucket under the prefix, reads the checksum of every object whose size matches a local file
(HeadObject, checksum mode on), and uploads only new, changed or unverifiable files, each with its content type,
cache-control and a SHA-256 that S3 verifies on receipt (and keeps as `sha256` metadata for the next comparison).
Nothing is deleted from the bucket (objects only S3 has are listed). The bucket's default encryption (SSE-KMS with
the stack's key) applies: no encryption header is sent, which would otherwise pick the AWS-managed key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rollout.analysis.static_files import LocalFile, RemoteObject, SyncPlan, compare, scan_folder
from rollout.errors import UserError


@dataclass
class SyncReport:
    bucket: str
    prefix: str
    plan: SyncPlan
    dry_run: bool
    uploaded: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"bucket": self.bucket, "prefix": self.prefix, "dryRun": self.dry_run, **self.plan.to_json(),
                "uploaded": self.uploaded}


def bucket_listing(s3: Any, bucket: str, prefix: str, local: list[LocalFile]) -> dict[str, RemoteObject]:
    """The bucket's objects under `prefix`; those a local file might equal are read with HeadObject."""
    sizes = {f.key: f.size for f in local}
    listing: dict[str, RemoteObject] = {}
    try:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                key = item["Key"]
                if sizes.get(key) == item.get("Size"):
                    head = s3.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
                    item = {**item, **head, "Key": key, "Size": item["Size"]}
                listing[key] = RemoteObject.from_listing(item)
    except s3.exceptions.NoSuchBucket:
        raise UserError(f"--bucket {bucket}: no such bucket (pulumi stack output assetsBucketName)") from None
    return listing


def sync_static(s3: Any, bucket: str, folder: Path, prefix: str, *, dry_run: bool = False, max_age: int = 3600,
                progress: Callable[[str], None] = lambda _message: None) -> SyncReport:
    if not folder.is_dir():
        raise UserError(f"--from {folder}: not a directory")
    local = scan_folder(folder, prefix, max_age)
    if not local:
        raise UserError(f"--from {folder}: no files to upload")
    plan = compare(local, bucket_listing(s3, bucket, prefix, local))
    report = SyncReport(bucket=bucket, prefix=prefix, plan=plan, dry_run=dry_run)
    if dry_run:
        return report
    for item in [f for f, _ in plan.upload] + plan.unverified:
        progress(f"uploading {item.key} ({item.size} bytes)")
        with item.path.open("rb") as body:
            s3.put_object(Bucket=bucket, Key=item.key, Body=body, ContentType=item.content_type,
                          CacheControl=item.cache_control, ChecksumSHA256=item.sha256_base64,
                          Metadata={"sha256": item.sha256})
        report.uploaded.append(item.key)
    return report

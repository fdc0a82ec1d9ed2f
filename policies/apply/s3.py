"""S3: bucket names, lifecycle transitions and expiration (APL-S3-01..02)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from policies._helpers import get, items, to_int
from policies.apply._rule import rule
from policies.core import Subject

BUCKET = "aws:s3/bucket:Bucket"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
MIN_DAYS = {"STANDARD_IA": 30, "ONEZONE_IA": 30}


def bucket_name(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    name = get(subject.props, "bucket")
    if isinstance(name, str):
        if not re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", name) or ".." in name or \
                re.fullmatch(r"\d+\.\d+\.\d+\.\d+", name) or name.startswith("xn--") or name.endswith("-s3alias"):
            yield f"bucket {name!r} breaks S3's naming rules (3-63 lowercase letters, digits, dots, hyphens)"
    prefix = get(subject.props, "bucketPrefix")
    if isinstance(prefix, str) and len(prefix) > 37:
        yield f"bucketPrefix has {len(prefix)} characters; at most 37 (the provider appends 26)"


def lifecycle(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    for rule_ in items(get(subject.props, "rules")):
        name = get(rule_, "id")
        transitions = [(to_int(get(t, "days")), get(t, "storageClass")) for t in items(get(rule_, "transitions"))]
        expiration = to_int(get(rule_, "expiration", "days"))
        for days, storage_class in transitions:
            if days is None:
                continue
            if storage_class in MIN_DAYS and days < MIN_DAYS[storage_class]:
                yield f"rule {name}: transition to {storage_class} after {days} days; at least {MIN_DAYS[storage_class]}"
            if expiration is not None and expiration <= days:
                yield f"rule {name}: expiration after {expiration} days is not after the {storage_class} transition " \
                      f"({days} days)"


CONTROLS = (
    rule("APL-S3-01", "Bucket names follow S3's rules", (BUCKET,), bucket_name,
         description="3-63 lowercase letters, digits, dots and hyphens; no IP address form, no xn-- or -s3alias; "
                     "bucketPrefix at most 37.", remediation="Rename the bucket (or leave it to auto-naming).",
         sources=("https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",)),
    rule("APL-S3-02", "Lifecycle expirations come after transitions", (LIFECYCLE,), lifecycle,
         description="Expiration days must exceed every transition's days; STANDARD_IA/ONEZONE_IA need 30+ days.",
         remediation="Expire after the last transition.",
         sources=("https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-"
                  "considerations.html",)),
)

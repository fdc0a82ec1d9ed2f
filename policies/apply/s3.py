"""S3: bucket names, lifecycle transitions and expiration, server access logs the target admits (APL-S3-01..03)."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from policies._helpers import actions, each, get, is_allow, items, known, of_type, policy_statements, resources, to_int
from policies.apply._rule import rule
from policies.core import Subject

BUCKET = "aws:s3/bucket:Bucket"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
LOGGING = "aws:s3/bucketLogging:BucketLogging"
POLICY = "aws:s3/bucketPolicy:BucketPolicy"
LOGGING_SERVICE = "logging.s3.amazonaws.com"
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


def _logging_key_patterns(policy: Subject) -> list[str] | None:
    """The object-key patterns the policy lets S3 server access logging write, or None when it cannot be read."""
    try:
        statements = policy_statements(get(policy.props, "policy"))
    except ValueError:
        return None
    patterns = []
    for statement in statements:
        principal = statement.get("Principal") or {}
        services = principal.get("Service", []) if isinstance(principal, Mapping) else []
        services = [services] if isinstance(services, str) else list(services)
        if is_allow(statement) and LOGGING_SERVICE in services and \
                {"s3:PutObject", "s3:*", "*"} & set(actions(statement)):
            patterns += [r.split("/", 1)[1] for r in resources(statement) if "/" in r]
    return patterns


def access_logs_admitted(subjects: Sequence[Subject], _cfg: Mapping[str, Any]):
    """Server access logs go only where the target bucket's policy lets logging.s3.amazonaws.com write (a bucket
    with BucketOwnerEnforced takes no log-delivery ACL): a target prefix outside the allowed keys drops the logs."""
    policies = of_type(subjects, POLICY)
    buckets = of_type(subjects, BUCKET)

    def check(logging: Subject) -> Iterator[str]:
        target, prefix = get(logging.props, "targetBucket"), get(logging.props, "targetPrefix", default="")
        deps = set(logging.property_dependencies.get("targetBucket", ()))
        bucket = next((b for b in buckets if b.urn in deps or known(b.props, "bucket") == target), None)
        if bucket is None:
            return
        policy = next((p for p in policies if bucket.urn in p.property_dependencies.get("bucket", ())
                       or known(p.props, "bucket") == known(bucket.props, "bucket")), None)
        if policy is None:
            return
        patterns = _logging_key_patterns(policy)
        if patterns is None:
            return
        key = f"{prefix}2026-12-01-00-00-00-0123456789ABCDEF"
        if not patterns:
            yield f"the policy of target bucket {bucket.name} does not let {LOGGING_SERVICE} write"
        elif not any(fnmatch.fnmatchcase(key, pattern) for pattern in patterns):
            yield (f"targetPrefix {prefix!r} is outside what bucket {bucket.name}'s policy lets {LOGGING_SERVICE} "
                   f"write ({', '.join(sorted(patterns))})")

    yield from each(subjects, (LOGGING,), check)


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
    rule("APL-S3-03", "Server access logs go where the target bucket admits them", (LOGGING,), access_logs_admitted,
         stack=True,
         description="The target bucket's policy must let logging.s3.amazonaws.com put objects under the target "
                     "prefix; otherwise S3 silently delivers nothing.",
         remediation="Use a targetPrefix under the allowed key pattern, or widen the policy statement.",
         sources=("https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html",)),
)

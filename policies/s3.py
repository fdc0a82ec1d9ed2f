"""S3 buckets and their separate settings resources (pulumi-aws v7): public access, TLS, ownership, encryption,
versioning, logging (S3-01..06), policy lockout, event notifications, object lock, replication (S3-07..10). All but
S3-07 (which reads each policy document where it lives) are stack (S) controls: each bucket is joined to its
settings resources through the settings resource's `bucket` input (property dependencies, or the bucket's literal
name)."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from policies._helpers import (
    actions,
    as_list,
    condition_values,
    denies_insecure_transport,
    each,
    get,
    is_allow,
    items,
    known,
    of_type,
    policy_statements,
    principal_is_public,
    refers_to,
    restricting_conditions,
    truthy,
)
from policies.core import Control, Enforcement, Severity, Subject

BUCKET = "aws:s3/bucket:Bucket"
PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
POLICY = "aws:s3/bucketPolicy:BucketPolicy"
OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
ACL = "aws:s3/bucketAcl:BucketAcl"
ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
LOGGING = "aws:s3/bucketLogging:BucketLogging"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
NOTIFICATION = "aws:s3/bucketNotification:BucketNotification"
OBJECT_LOCK = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"
REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
_BLOCK_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
_PUBLIC_ACLS = {"public-read", "public-read-write", "authenticated-read"}
# S3's canned ACLs (S3 user guide, "Canned ACL"; pulumi-aws aws.s3.CannedAcl): any other value is not one S3 applies
_CANNED_ACLS = {"private", "public-read", "public-read-write", "aws-exec-read", "authenticated-read",
                "bucket-owner-read", "bucket-owner-full-control", "log-delivery-write"}
_PUBLIC_GRANTEES = ("http://acs.amazonaws.com/groups/global/AllUsers",
                    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")


def settings_of(bucket: Subject, subjects: Sequence[Subject], setting_type: str, prop: str = "bucket") -> list[Subject]:
    """The settings resources of one type whose `bucket` input came from this bucket (same join as `refers_to`:
    a property dependency on the bucket's URN, or the bucket's literal name), looked up in an index built once per
    evaluation so that a stack of N buckets costs O(N), not O(N²)."""
    by_urn, by_name = _settings_index(subjects, setting_type, prop)
    found = list(by_urn.get(bucket.urn, ()))
    name = known(bucket.props, "bucket")
    if isinstance(name, str) and name:
        found += [s for s in by_name.get(name, ()) if s not in found]
    return sorted(found, key=lambda s: s.urn)


_index_cache: dict[tuple[int, str, str], tuple[Sequence[Subject], tuple[dict, dict]]] = {}


def _settings_index(subjects: Sequence[Subject], setting_type: str,
                    prop: str) -> tuple[dict[str, list[Subject]], dict[str, list[Subject]]]:
    key = (id(subjects), setting_type, prop)
    cached = _index_cache.get(key)
    if cached is not None and cached[0] is subjects:
        return cached[1]
    by_urn: dict[str, list[Subject]] = {}
    by_name: dict[str, list[Subject]] = {}
    for setting in of_type(subjects, setting_type):
        for urn in setting.property_dependencies.get(prop, ()):
            by_urn.setdefault(urn, []).append(setting)
        value = known(setting.props, prop)
        if isinstance(value, str) and value:
            by_name.setdefault(value, []).append(setting)
    if len(_index_cache) > 64:
        _index_cache.clear()
    _index_cache[key] = (subjects, (by_urn, by_name))
    return by_urn, by_name


def public_access_block(subjects: Sequence[Subject], _cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    def check(bucket: Subject) -> Iterator[str]:
        blocks = settings_of(bucket, subjects, PUBLIC_ACCESS_BLOCK)
        if not blocks:
            yield "has no BucketPublicAccessBlock"
        for block in blocks:
            off = [flag for flag in _BLOCK_FLAGS if not truthy(get(block.props, flag))]
            if off:
                yield f"BucketPublicAccessBlock {block.name} leaves {', '.join(off)} off"

    yield from each(subjects, [BUCKET], check)


def tls_only_policy(subjects: Sequence[Subject], _cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    def check(bucket: Subject) -> Iterator[str]:
        for where, document in policy_documents(bucket, subjects):
            try:
                if denies_insecure_transport(policy_statements(document), "s3"):
                    return
            except ValueError as error:
                yield f"{where}: {error}"
                return
        yield "has no bucket policy denying s3:* when aws:SecureTransport is false"

    yield from each(subjects, [BUCKET], check)


def policy_documents(bucket: Subject, subjects: Sequence[Subject]) -> list[tuple[str, Any]]:
    """(where, policy document) of a bucket: its separate BucketPolicy resources and its inline `policy` (pulumi-aws v7
    still applies the deprecated inline settings of aws.s3.Bucket)."""
    found = [(f"BucketPolicy {p.name}", get(p.props, "policy")) for p in settings_of(bucket, subjects, POLICY)]
    inline = get(bucket.props, "policy")
    if inline is not None:
        found.append(("inline policy", inline))
    return found


def _restricted(statement: Mapping[str, Any], where: str, bucket: Subject, subjects: Sequence[Subject]) -> bool:
    """A public-principal statement is not public when a condition pins it to fixed principals, VPC endpoints,
    accounts or sources (S3's "meaning of public"); an aws:SourceArn computed from a CloudFront distribution of the
    stack (origin access control) counts even while its value is unknown. aws:SourceArn counts only for CloudFront:
    a static bucket has no other service that should read it on a public principal's behalf."""
    if restricting_conditions(statement, ignore=("aws:sourcearn",)):
        return True
    source_arns = condition_values(statement, "aws:SourceArn")
    if not source_arns:
        return False
    if any(":cloudfront::" in str(arn) for arn in source_arns):
        return True
    distributions = {s.urn for s in of_type(subjects, "aws:cloudfront/distribution:Distribution")}
    holders = [p for p in settings_of(bucket, subjects, POLICY) if where == f"BucketPolicy {p.name}"] or [bucket]
    return any(distributions & set(h.property_dependencies.get("policy", ())) for h in holders)


def _public_grants(acl: Subject) -> list[str]:
    grants = items(get(acl.props, "accessControlPolicy", "grants"))
    return [str(get(grant, "grantee", "uri")) for grant in grants if get(grant, "grantee", "uri") in _PUBLIC_GRANTEES]


def _public_inline_grants(bucket: Subject) -> list[str]:
    return [str(get(g, "uri")) for g in items(get(bucket.props, "grants")) if get(g, "uri") in _PUBLIC_GRANTEES]


def no_public_access(subjects: Sequence[Subject], _cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    def check(bucket: Subject) -> Iterator[str]:
        ownership = settings_of(bucket, subjects, OWNERSHIP)
        modes = [get(o.props, "rule", "objectOwnership") for o in ownership]
        if "BucketOwnerEnforced" not in modes:
            yield f"object ownership is {modes or 'not set'}; use BucketOwnerEnforced (disables ACLs)"
        acl_value = get(bucket.props, "acl")
        if acl_value in _PUBLIC_ACLS:
            yield f"bucket acl is {acl_value}"
        elif acl_value is not None and acl_value not in _CANNED_ACLS:
            yield f"bucket acl {acl_value!r} is not a canned ACL S3 knows (what it grants cannot be told)"
        for grantee in _public_inline_grants(bucket):
            yield f"bucket grants access to {grantee}"
        for acl in settings_of(bucket, subjects, ACL):
            if get(acl.props, "acl") in _PUBLIC_ACLS:
                yield f"BucketAcl {acl.name} grants {get(acl.props, 'acl')}"
            elif get(acl.props, "acl") is not None and get(acl.props, "acl") not in _CANNED_ACLS:
                yield f"BucketAcl {acl.name} acl {get(acl.props, 'acl')!r} is not a canned ACL S3 knows"
            for grantee in _public_grants(acl):
                yield f"BucketAcl {acl.name} grants access to {grantee}"
        for where, document in policy_documents(bucket, subjects):
            try:
                statements = policy_statements(document)
            except ValueError as error:
                yield f"{where}: {error}"
                continue
            for statement in statements:
                if is_allow(statement) and principal_is_public(statement.get("Principal")) \
                        and not _restricted(statement, where, bucket, subjects):
                    yield (f"{where} allows Principal '*' without a condition restricting it (CloudFront "
                           "aws:SourceArn, aws:PrincipalArn, aws:SourceVpce, aws:VpceAccount...)")

    yield from each(subjects, [BUCKET], check)
    yield from each(subjects, [POLICY, ACL], lambda setting: _orphan_public(setting, subjects))


def _orphan_public(setting: Subject, subjects: Sequence[Subject]) -> Iterator[str]:
    """A bucket policy or ACL for a bucket that is not in the stack (an existing bucket) is judged on itself: the
    stack is what makes that bucket public."""
    if any(refers_to(setting, "bucket", bucket, "bucket") for bucket in of_type(subjects, BUCKET)):
        return
    if setting.type == ACL:
        if get(setting.props, "acl") in _PUBLIC_ACLS:
            yield f"grants {get(setting.props, 'acl')} on a bucket outside this stack"
        for grantee in _public_grants(setting):
            yield f"grants access to {grantee} on a bucket outside this stack"
        return
    try:
        statements = policy_statements(get(setting.props, "policy"))
    except ValueError as error:
        yield f"policy: {error}"
        return
    for statement in statements:
        if is_allow(statement) and principal_is_public(statement.get("Principal")) \
                and not _restricted(statement, f"BucketPolicy {setting.name}", setting, subjects):
            yield "allows Principal '*' on a bucket outside this stack without a condition restricting it"


def encryption(subjects: Sequence[Subject], cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    allowed = {"aws:kms", "aws:kms:dsse"} | ({"AES256"} if cfg.get("allowAes256") else set())

    def check(bucket: Subject) -> Iterator[str]:
        configs = [
            (
                f"BucketServerSideEncryptionConfiguration {c.name}",
                [
                    get(rule, "applyServerSideEncryptionByDefault", "sseAlgorithm")
                    for rule in items(get(c.props, "rules"))
                ],
            )
            for c in settings_of(bucket, subjects, ENCRYPTION)
        ]
        inline = get(bucket.props, "serverSideEncryptionConfiguration")
        if inline is not None:
            configs.append(("inline serverSideEncryptionConfiguration",
                            [get(inline, "rule", "applyServerSideEncryptionByDefault", "sseAlgorithm")]))
        if not configs and "AES256" not in allowed:
            # S3 encrypts every new bucket with SSE-S3 (AES256) since January 2023: accepted with allowAes256
            yield "has no BucketServerSideEncryptionConfiguration"
        for where, algorithms in configs:
            if not algorithms or any(a not in allowed for a in algorithms):
                yield f"{where}: sseAlgorithm is {algorithms}; use one of {sorted(allowed)}"

    yield from each(subjects, [BUCKET], check)


def versioning(subjects: Sequence[Subject], cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    def check(bucket: Subject) -> Iterator[str]:
        statuses = [
            get(v.props, "versioningConfiguration", "status") for v in settings_of(bucket, subjects, VERSIONING)
        ]
        inline = get(bucket.props, "versioning")
        if inline is not None:
            statuses.append("Enabled" if truthy(get(inline, "enabled")) else "Disabled")
        versioned = "Enabled" in statuses
        if not versioned:
            yield f"versioning is {statuses or 'not configured'}; enable it"
        if cfg.get("requireLifecycle") and not settings_of(bucket, subjects, LIFECYCLE) \
                and not items(get(bucket.props, "lifecycleRules")):
            yield ("versioned bucket has no BucketLifecycleConfiguration to expire old versions" if versioned else
                   "bucket has no BucketLifecycleConfiguration (config requireLifecycle, FSBP S3.13: expire objects "
                   "and abort incomplete multipart uploads)")

    yield from each(subjects, [BUCKET], check)


def access_logging(subjects: Sequence[Subject], _cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    def check(bucket: Subject) -> Iterator[str]:
        loggings = settings_of(bucket, subjects, LOGGING)
        inline = get(bucket.props, "logging")
        if inline is not None:
            if not bucket.property_dependencies.get("logging"):
                target = get(inline, "targetBucket")
                if target is None:
                    yield "inline logging has no targetBucket"
                elif target == known(bucket.props, "bucket"):
                    yield "inline logging logs into the bucket itself"
        if not loggings and inline is None:
            yield "has no BucketLogging"
        for logging in loggings:
            if not logging.property_dependencies.get("targetBucket"):
                get(logging.props, "targetBucket")  # a literal target: an unknown one cannot be judged
            if refers_to(logging, "targetBucket", bucket, "bucket"):
                yield f"BucketLogging {logging.name} logs into the bucket itself"

    yield from each(subjects, [BUCKET], check)


def _denies_policy_changes_to_all(statement: Mapping[str, Any]) -> bool:
    """An unconditional Deny of s3:PutBucketPolicy (directly or through a wildcard) to every principal."""
    if statement.get("Effect") != "Deny" or statement.get("Condition") or "NotAction" in statement:
        return False
    principal = statement.get("Principal")
    public = principal == "*" or (isinstance(principal, Mapping) and "*" in as_list(principal.get("AWS")))
    return public and any(fnmatch.fnmatchcase("s3:putbucketpolicy", str(a).lower()) for a in actions(statement))


def no_policy_lockout(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    where = "inline policy" if subject.type == BUCKET else "policy"
    try:
        statements = policy_statements(get(subject.props, "policy"))
    except ValueError as error:
        yield f"{where}: {error}"
        return
    for index, statement in enumerate(statements):
        if _denies_policy_changes_to_all(statement):
            yield (f"{where} statement {statement.get('Sid', index)} denies s3:PutBucketPolicy to every principal "
                   "without a condition: only the account's root user could ever change the policy again")


def event_notifications(subjects: Sequence[Subject], _cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    def check(bucket: Subject) -> Iterator[str]:
        if not settings_of(bucket, subjects, NOTIFICATION):
            yield "has no BucketNotification (no event reaches a queue, topic, function or EventBridge)"

    yield from each(subjects, [BUCKET], check)


def object_lock(subjects: Sequence[Subject], _cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    def check(bucket: Subject) -> Iterator[str]:
        if truthy(get(bucket.props, "objectLockEnabled")) \
                or get(bucket.props, "objectLockConfiguration", "objectLockEnabled") == "Enabled":
            return
        # a BucketObjectLockConfiguration's objectLockEnabled defaults to (and only accepts) Enabled
        if any(get(c.props, "objectLockEnabled", default="Enabled") == "Enabled"
               for c in settings_of(bucket, subjects, OBJECT_LOCK)):
            return
        yield "object lock is not enabled (objectLockEnabled; objects can be deleted or overwritten)"

    yield from each(subjects, [BUCKET], check)


def replication(subjects: Sequence[Subject], _cfg: Mapping[str, Any]) -> Iterator[tuple[Subject, Any]]:
    def check(bucket: Subject) -> Iterator[str]:
        rules = items(get(bucket.props, "replicationConfiguration", "rules"))
        rules += [r for c in settings_of(bucket, subjects, REPLICATION) for r in items(get(c.props, "rules"))]
        if not any(get(rule, "status") == "Enabled" for rule in rules):
            yield "has no enabled replication rule (a copy in another bucket or region)"

    yield from each(subjects, [BUCKET], check)


_S = ("S3 (S) controls join each aws:s3/bucket:Bucket to its settings resources through their `bucket` input, and "
      "read the bucket's own inline settings too (policy, grants, serverSideEncryptionConfiguration, versioning, "
      "lifecycleRules, logging), which pulumi-aws v7 still applies.")
CONTROLS = (
    Control(
        id="S3-01", title="Every bucket blocks public access", severity=Severity.CRITICAL,
        resource_types=(BUCKET, PUBLIC_ACCESS_BLOCK), check=public_access_block, stack=True, waivable=False,
        description="Each bucket needs a BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, "
                    "ignorePublicAcls and restrictPublicBuckets all true (Checkov CKV2_AWS_6 accepts a block that "
                    "sets only some of them). " + _S,
        remediation="Add aws.s3.BucketPublicAccessBlock(bucket=bucket.id) with all four flags true.",
        sources=("FSBP S3.8", "FSBP S3.1", "CIS 2.1.4", "CKV2_AWS_6", "CKV_AWS_53-56", "AwsSolutions-S2"),
    ),
    Control(
        id="S3-02", title="Bucket policies deny plain HTTP", severity=Severity.HIGH,
        resource_types=(BUCKET, POLICY), check=tls_only_policy, stack=True,
        description="Each bucket needs a policy that denies s3:* when aws:SecureTransport is false. " + _S,
        remediation="Add a BucketPolicy statement {Effect: Deny, Principal: '*', Action: 's3:*', Resource: "
                    "[bucket, bucket/*], Condition: {Bool: {aws:SecureTransport: 'false'}}}.",
        sources=("FSBP S3.5", "CIS 2.1.1", "CKV_AWS_379", "AwsSolutions-S10"),
    ),
    Control(
        id="S3-03", title="Buckets enforce owner, no public ACL or policy", severity=Severity.CRITICAL,
        resource_types=(BUCKET, OWNERSHIP, ACL, POLICY), check=no_public_access, stack=True, waivable=False,
        description="Object ownership must be BucketOwnerEnforced, no ACL may grant public access, and a policy may "
                    "allow Principal '*' (or an arn:aws:iam::*: principal) only under a condition S3 does not count "
                    "as public: fixed aws:SourceArn (CloudFront origin access control), aws:PrincipalArn, "
                    "aws:SourceVpce, aws:VpceAccount, aws:SourceVpc, aws:SourceAccount, aws:PrincipalOrgID, or "
                    "aws:SourceIp CIDRs. Any grant to AllUsers or AuthenticatedUsers fails (CKV2_AWS_43; Checkov "
                    "CKV_AWS_375 fails only FULL_CONTROL and READ_ACP grants to AllUsers, READ fails here too), "
                    "and so does an acl that is no canned ACL S3 knows (as CKV_AWS_20 fails 'website'). A "
                    "BucketPolicy or BucketAcl for a bucket outside the stack is judged on itself. Checkov "
                    "differences: CKV_AWS_57 only fails public WRITE grants "
                    "(READ fails here too); CKV_AWS_70 passes Principal '*' under ArnNotEquals aws:PrincipalArn "
                    "(everyone but one user) and under an aws:SourceArn with wildcards, both public by S3's own "
                    "definition (fixed values only). " + _S,
        remediation="Add BucketOwnershipControls(rule.objectOwnership=BucketOwnerEnforced), drop public ACLs, and "
                    "scope public-principal statements to the distribution with aws:SourceArn.",
        sources=("FSBP S3.2", "FSBP S3.3", "FSBP S3.12", "CKV2_AWS_65", "CKV_AWS_20", "CKV_AWS_57", "CKV_AWS_70",
                 "CKV2_AWS_43", "CKV_AWS_375", "AwsSolutions-S5", "compliance-policies s3-bucket-disallow-public-read"),
    ),
    Control(
        id="S3-04", title="Buckets are encrypted with KMS", severity=Severity.MEDIUM,
        resource_types=(BUCKET, ENCRYPTION), check=encryption, stack=True, config_defaults={"allowAes256": False},
        description="Each bucket needs a BucketServerSideEncryptionConfiguration using aws:kms (config allowAes256 "
                    "accepts SSE-S3 for public assets). A bucket without any configuration fails, unless allowAes256 "
                    "is set: S3 applies SSE-S3 to every new bucket since January 2023 (Checkov CKV_AWS_19 passes "
                    "it). " + _S,
        remediation="Add BucketServerSideEncryptionConfiguration with sseAlgorithm aws:kms (and a KMS key).",
        sources=("FSBP S3.17", "CKV_AWS_19", "CKV_AWS_145", "compliance-policies "
                                                            "s3-bucket-enable-server-side-encryption"),
    ),
    Control(
        id="S3-05", title="Buckets are versioned", severity=Severity.LOW,
        resource_types=(BUCKET, VERSIONING, LIFECYCLE), check=versioning, stack=True,
        config_defaults={"requireLifecycle": False},
        description="Versioning protects against overwrites and deletes; with config requireLifecycle, every bucket "
                    "also needs a lifecycle configuration (FSBP S3.13, Checkov CKV2_AWS_61), a versioned one to "
                    "expire its old versions (advisory part of the row). " + _S,
        remediation="Add BucketVersioning(versioningConfiguration.status=Enabled).",
        sources=("FSBP S3.14", "FSBP S3.10", "FSBP S3.13", "CKV_AWS_21", "CKV2_AWS_61"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="S3-06", title="Bucket access logging goes to another bucket", severity=Severity.MEDIUM,
        resource_types=(BUCKET, LOGGING), check=access_logging, stack=True,
        description="Server access logs must be on, and not delivered into the bucket they describe. " + _S,
        remediation="Add BucketLogging(bucket=b.id, targetBucket=log_bucket.id).",
        sources=("FSBP S3.9", "CKV_AWS_18", "AwsSolutions-S1", "awsguard s3-bucket-logging-enabled"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="S3-07", title="Bucket policies cannot lock everyone out", severity=Severity.HIGH,
        resource_types=(BUCKET, POLICY), check=no_policy_lockout,
        description="An unconditional Deny of s3:PutBucketPolicy (or s3:Put*, s3:*, *) to Principal '*' leaves only "
                    "the account's root user able to change or remove the policy, so a mistaken deployment needs the "
                    "root credentials to undo it; judged on the bucket's inline policy and on every BucketPolicy. "
                    "Deny statements with a condition (aws:SecureTransport, aws:PrincipalArn) are fine.",
        remediation="Add a condition that exempts the deploying role (ArnNotEquals aws:PrincipalArn), or deny only "
                    "the data actions.",
        sources=("CKV_AWS_93",),
    ),
    Control(
        id="S3-08", title="Buckets send event notifications", severity=Severity.LOW,
        resource_types=(BUCKET, NOTIFICATION), check=event_notifications, stack=True,
        description="A BucketNotification (SQS, SNS, Lambda or EventBridge) lets uploads and deletes trigger work "
                    "and alerts. Advisory: an SME's log and static-asset buckets need no consumer; waive it for them "
                    "with the reason. " + _S,
        remediation="Add aws.s3.BucketNotification(bucket=b.id, eventbridge=True) or a queue/topic target.",
        sources=("FSBP S3.11", "CKV2_AWS_62"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="S3-09", title="Buckets lock objects", severity=Severity.LOW,
        resource_types=(BUCKET, OBJECT_LOCK), check=object_lock, stack=True,
        description="Object lock (objectLockEnabled, or a BucketObjectLockConfiguration) keeps object versions from "
                    "being deleted or overwritten for a retention period (WORM). Advisory: an SME needs it for "
                    "audit or ransomware-proof backups, not for site assets, and it can only be turned on for a "
                    "versioned bucket. " + _S,
        remediation="Create the bucket with objectLockEnabled=true and add a BucketObjectLockConfiguration with a "
                    "default retention.",
        sources=("FSBP S3.15", "CKV_AWS_143"),
        enforcement=Enforcement.ADVISORY,
    ),
    Control(
        id="S3-10", title="Buckets replicate to another bucket", severity=Severity.LOW,
        resource_types=(BUCKET, REPLICATION), check=replication, stack=True,
        description="An enabled replication rule (inline replicationConfiguration or a BucketReplicationConfig) "
                    "keeps a copy in another bucket, typically another region. Advisory: cross-region replication "
                    "doubles storage and transfer cost, and an SME's assets can be rebuilt from the deploy. " + _S,
        remediation="Add aws.s3.BucketReplicationConfig(bucket=b.id, role=..., rules=[{status: 'Enabled', "
                    "destination: {bucket: replica.arn}}]) (both buckets versioned).",
        sources=("FSBP S3.7", "CKV_AWS_144"),
        enforcement=Enforcement.ADVISORY,
    ),
)

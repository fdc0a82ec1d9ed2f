"""Elastic Load Balancing v2: names, health checks, HTTPS listeners and access-log delivery (APL-ALB-01..06)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from policies._helpers import (
    actions,
    each,
    get,
    is_allow,
    known,
    of_type,
    policy_statements,
    refers_to,
    resources,
    to_int,
    truthy,
)
from policies.apply._rule import name_problems, rule
from policies.core import Subject

TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
LISTENER = "aws:lb/listener:Listener"
CERTIFICATE = "aws:acm/certificate:Certificate"
CERTIFICATE_VALIDATION = "aws:acm/certificateValidation:CertificateValidation"
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
BUCKET_SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
ELB_API = "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/"
ALB_LOGS = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html"
ELB_LOG_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com"
NAME = r"(?!internal-)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"


def target_group_name(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    yield from name_problems(subject, limit=32, pattern=NAME, what="a target group name", prefix_limit=6)


def load_balancer_name(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    yield from name_problems(subject, limit=32, pattern=NAME, what="a load balancer name", prefix_limit=6)


def health_check(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    check = get(subject.props, "healthCheck") or {}
    interval, timeout = to_int(get(check, "interval")), to_int(get(check, "timeout"))
    if interval is not None and not 5 <= interval <= 300:
        yield f"healthCheck.interval {interval} is outside 5-300 s"
    if timeout is not None and not 2 <= timeout <= 120:
        yield f"healthCheck.timeout {timeout} is outside 2-120 s"
    if interval is not None and timeout is not None and timeout >= interval:
        yield f"healthCheck.timeout {timeout} must be smaller than the interval {interval}"
    for key in ("healthyThreshold", "unhealthyThreshold"):
        value = to_int(get(check, key))
        if value is not None and not 2 <= value <= 10:
            yield f"healthCheck.{key} {value} is outside 2-10"
    delay = to_int(get(subject.props, "deregistrationDelay"))
    if delay is not None and not 0 <= delay <= 3600:
        yield f"deregistrationDelay {delay} is outside 0-3600 s"
    slow = to_int(get(subject.props, "slowStart"))
    if slow is not None and slow != 0 and not 30 <= slow <= 900:
        yield f"slowStart {slow} must be 0 or 30-900 s"


def listener_certificate_validated(subjects: Sequence[Subject], _cfg: Mapping[str, Any]):
    """An HTTPS listener whose certificate is a stack-issued ACM certificate nobody waits to be validated fails
    (the certificate is still PENDING_VALIDATION when the listener is created)."""
    certificates = of_type(subjects, CERTIFICATE)
    validations = of_type(subjects, CERTIFICATE_VALIDATION)

    def check(listener: Subject) -> Iterator[str]:
        if str(get(listener.props, "protocol", default="")).upper() not in ("HTTPS", "TLS"):
            return
        if not get(listener.props, "certificateArn") and not listener.property_dependencies.get("certificateArn"):
            yield "an HTTPS/TLS listener needs certificateArn"
            return
        for certificate in certificates:
            if not refers_to(listener, "certificateArn", certificate, "arn"):
                continue
            if known(certificate.props, "validationMethod") == "DNS" and not any(
                    refers_to(v, "certificateArn", certificate, "arn") for v in validations):
                yield (f"certificateArn comes from certificate {certificate.name}, which no CertificateValidation "
                       "waits for: the listener is created while it is PENDING_VALIDATION")

    yield from each(subjects, (LISTENER,), check)


def _bucket_of(subjects: Sequence[Subject], bucket_name: Any) -> Subject | None:
    return next((b for b in of_type(subjects, BUCKET) if known(b.props, "bucket") == bucket_name
                 or known(b.props, "id") == bucket_name), None)


def _targets(subject: Subject, bucket: Subject, *types: str, subjects: Sequence[Subject]) -> list[Subject]:
    return [s for s in of_type(subjects, *types) if refers_to(s, "bucket", bucket, "bucket", "id")]


def access_log_delivery(subjects: Sequence[Subject], _cfg: Mapping[str, Any]):
    """ALB access logs need a bucket policy that lets ELB (the region's ELB account or the log delivery service)
    put objects, and a bucket encrypted with SSE-S3 (SSE-KMS is not supported for ALB access logs)."""

    def check(lb: Subject) -> Iterator[str]:
        logs = get(lb.props, "accessLogs")
        if not logs or not truthy(get(logs, "enabled")):
            return
        bucket = _bucket_of(subjects, get(logs, "bucket"))
        deps = set(lb.property_dependencies.get("accessLogs", ()))
        if bucket is None:
            bucket = next((b for b in of_type(subjects, BUCKET) if b.urn in deps), None)
        if bucket is None:
            return  # a bucket of another stack: not judged here
        policies = _targets(lb, bucket, BUCKET_POLICY, subjects=subjects)
        if not any(_admits_elb(p) for p in policies):
            yield (f"access logs go to bucket {bucket.name}, whose policy does not allow s3:PutObject for the ELB "
                   f"account or {ELB_LOG_SERVICE}")
        for sse in _targets(lb, bucket, BUCKET_SSE, subjects=subjects):
            for rule_ in get(sse.props, "rules") or []:
                algorithm = get(rule_, "applyServerSideEncryptionByDefault", "sseAlgorithm")
                if algorithm and str(algorithm).startswith("aws:kms"):
                    yield f"bucket {bucket.name} defaults to {algorithm}; ALB access logs support SSE-S3 only"

    yield from each(subjects, (LOAD_BALANCER,), check)


def _admits_elb(policy: Subject) -> bool:
    try:
        statements = policy_statements(get(policy.props, "policy"))
    except ValueError:
        return False
    for statement in statements:
        if not is_allow(statement) or not {"s3:PutObject", "s3:*", "*"} & set(actions(statement)):
            continue
        principal = statement.get("Principal") or {}
        services = principal.get("Service", []) if isinstance(principal, Mapping) else []
        accounts = principal.get("AWS", []) if isinstance(principal, Mapping) else []
        services = [services] if isinstance(services, str) else list(services)
        accounts = [accounts] if isinstance(accounts, str) else list(accounts)
        if ELB_LOG_SERVICE in services or any(":root" in str(a) or str(a).isdigit() for a in accounts):
            if resources(statement):
                return True
    return False


_NAME_SOURCES = (ELB_API + "API_CreateTargetGroup.html", ELB_API + "API_CreateLoadBalancer.html")
CONTROLS = (
    rule("APL-ALB-01", "Target group names fit 32 characters", (TARGET_GROUP,), target_group_name,
         description="At most 32 alphanumerics or hyphens, not starting or ending with a hyphen; namePrefix at "
                     "most 6; an auto-name is the resource name plus 8 characters.",
         remediation="Shorten the resource name (or set a short name).", sources=_NAME_SOURCES),
    rule("APL-ALB-02", "Load balancer names fit 32 characters", (LOAD_BALANCER,), load_balancer_name,
         description="At most 32 alphanumerics or hyphens, not starting with internal- or a hyphen, not ending "
                     "with a hyphen; namePrefix at most 6.",
         remediation="Shorten the resource name (or set a short name).", sources=_NAME_SOURCES),
    rule("APL-ALB-03", "Target group health checks are within the API's bounds", (TARGET_GROUP,), health_check,
         description="interval 5-300 s, timeout 2-120 s and below the interval, thresholds 2-10, deregistration "
                     "delay 0-3600 s, slow start 0 or 30-900 s.",
         remediation="Use values within the bounds.", sources=(ELB_API + "API_CreateTargetGroup.html",
                                                               ELB_API + "API_ModifyTargetGroupAttributes.html")),
    rule("APL-ALB-04", "HTTPS listeners use a validated certificate", (LISTENER,), listener_certificate_validated,
         stack=True,
         description="A listener needs a certificate; a DNS-validated ACM certificate of the stack must be awaited "
                     "(aws.acm.CertificateValidation) or creating the listener fails with UnsupportedCertificate.",
         remediation="Take certificateArn from the CertificateValidation resource.",
         sources=("https://www.pulumi.com/registry/packages/aws/api-docs/acm/certificatevalidation/",
                  ELB_API + "API_CreateListener.html")),
    rule("APL-ALB-05", "ALB access logs go to a bucket that admits ELB delivery", (LOAD_BALANCER,),
         access_log_delivery, stack=True,
         description="The bucket policy must allow s3:PutObject for the region's ELB account (older regions) or "
                     "logdelivery.elasticloadbalancing.amazonaws.com, and the bucket must use SSE-S3.",
         remediation="Add the delivery statement to the log bucket policy; use AES256 default encryption.",
         sources=(ALB_LOGS,)),
)

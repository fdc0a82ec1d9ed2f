"""CloudFront: the viewer certificate's region, cache policy TTL order (APL-CFD-01..02)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from policies._helpers import get, to_int
from policies.apply._rule import rule
from policies.core import Subject

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
CACHE_POLICY = "aws:cloudfront/cachePolicy:CachePolicy"


def certificate_region(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    """Judges a literal ARN only: one computed from a certificate of the program carries, offline, the mock's region
    rather than its provider's (the real ARN is known after apply)."""
    if subject.property_dependencies.get("viewerCertificate"):
        return
    arn = get(subject.props, "viewerCertificate", "acmCertificateArn")
    if isinstance(arn, str) and arn.startswith("arn:aws:acm:") and arn.split(":")[3] != "us-east-1":
        yield f"acmCertificateArn is in {arn.split(':')[3]}; CloudFront uses ACM certificates from us-east-1 only"


def ttl_order(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    low, default, high = (to_int(get(subject.props, k)) for k in ("minTtl", "defaultTtl", "maxTtl"))
    if low is not None and default is not None and default < low:
        yield f"defaultTtl {default} is below minTtl {low}"
    if high is not None and default is not None and default > high:
        yield f"defaultTtl {default} is above maxTtl {high}"


CONTROLS = (
    rule("APL-CFD-01", "CloudFront certificates come from us-east-1", (DISTRIBUTION,), certificate_region,
         description="A distribution's ACM certificate must be requested in us-east-1.",
         remediation="Issue the certificate with a us-east-1 provider.",
         sources=("https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cnames-and-https-requirements.html",)),
    rule("APL-CFD-02", "Cache policy TTLs are ordered", (CACHE_POLICY,), ttl_order,
         description="minTtl <= defaultTtl <= maxTtl.", remediation="Order the TTLs.",
         sources=("https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CachePolicyConfig.html",)),
)

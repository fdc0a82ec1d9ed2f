"""CloudFront: the viewer certificate's region, cache policy TTL order (APL-CFD-01..02)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from policies._helpers import each, get, of_type, to_int
from policies.apply._rule import rule
from policies.core import Subject

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
CACHE_POLICY = "aws:cloudfront/cachePolicy:CachePolicy"
CERTIFICATE = "aws:acm/certificate:Certificate"
CERTIFICATE_VALIDATION = "aws:acm/certificateValidation:CertificateValidation"


def certificate_region(subjects: Sequence[Subject], _cfg: Mapping[str, Any]):
    """A literal ARN is judged by its region; one computed from a certificate of the program by that certificate's
    region input or provider (offline, a computed ARN carries the mock's region, not the provider's)."""
    certificates = {s.urn: s for s in of_type(subjects, CERTIFICATE, CERTIFICATE_VALIDATION)}

    def region_of(certificate: Subject) -> Any:
        return get(certificate.props, "region") or (certificate.provider or {}).get("region")

    def check(distribution: Subject) -> Iterator[str]:
        deps = distribution.property_dependencies.get("viewerCertificate", ())
        if deps:
            for urn in deps:
                certificate = certificates.get(urn)
                region = region_of(certificate) if certificate is not None else None
                if isinstance(region, str) and region != "us-east-1":
                    yield (f"the certificate comes from {certificate.name} in {region}; CloudFront uses ACM "
                           "certificates from us-east-1 only")
            return
        arn = get(distribution.props, "viewerCertificate", "acmCertificateArn")
        if isinstance(arn, str) and arn.startswith("arn:aws:acm:") and arn.split(":")[3] != "us-east-1":
            yield f"acmCertificateArn is in {arn.split(':')[3]}; CloudFront uses ACM certificates from us-east-1 only"

    yield from each(subjects, (DISTRIBUTION,), check)


def ttl_order(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    low, default, high = (to_int(get(subject.props, k)) for k in ("minTtl", "defaultTtl", "maxTtl"))
    if low is not None and default is not None and default < low:
        yield f"defaultTtl {default} is below minTtl {low}"
    if high is not None and default is not None and default > high:
        yield f"defaultTtl {default} is above maxTtl {high}"


CONTROLS = (
    rule("APL-CFD-01", "CloudFront certificates come from us-east-1", (DISTRIBUTION,), certificate_region, stack=True,
         description="A distribution's ACM certificate must be requested in us-east-1.",
         remediation="Issue the certificate with a us-east-1 provider.",
         sources=("https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cnames-and-https-requirements.html",)),
    rule("APL-CFD-02", "Cache policy TTLs are ordered", (CACHE_POLICY,), ttl_order,
         description="minTtl <= defaultTtl <= maxTtl.", remediation="Order the TTLs.",
         sources=("https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CachePolicyConfig.html",)),
)

"""The audit's collector for ACM certificates: transparency logging, key algorithm, names (ACM-01..03)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from policies.core import Subject
from rollout.live.audit.elasticache import SECRET_SET
from rollout.live.audit.reading import Collection, Reader, subject

CERTIFICATE = "aws:acm/certificate:Certificate"


def normalize_certificate(certificate: Mapping[str, Any]) -> Subject:
    """An ACM certificate from DescribeCertificate: transparency logging preference and key algorithm (an imported
    certificate's key is its own, marked by a certificateBody placeholder as in aws.acm.Certificate inputs)."""
    props = {"domainName": certificate.get("DomainName"), "keyAlgorithm": certificate.get("KeyAlgorithm"),
             "subjectAlternativeNames": certificate.get("SubjectAlternativeNames") or None,
             "options": {"certificateTransparencyLoggingPreference":
                         (certificate.get("Options") or {}).get("CertificateTransparencyLoggingPreference")},
             "certificateBody": SECRET_SET if certificate.get("Type") == "IMPORTED" else None}
    return subject(CERTIFICATE, certificate.get("DomainName", certificate["CertificateArn"]),
                    certificate["CertificateArn"], props)


def collect_certificates(reader: Reader, out: Collection) -> None:
    with out.attempt("acm", (CERTIFICATE,)) as found:
        acm = reader.client("acm")
        for summary in reader.items("acm", "list_certificates", "CertificateSummaryList[]"):
            found.append(normalize_certificate(
                acm.describe_certificate(CertificateArn=summary["CertificateArn"])["Certificate"]))

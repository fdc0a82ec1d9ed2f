"""The audit's collector for ACM certificates: transparency logging, key algorithm, names (ACM-01..03)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from policies.core import Subject
from rollout.live.audit.elasticache import SECRET_SET
from rollout.live.audit.reading import Collection, Reader, subject

CERTIFICATE = "aws:acm/certificate:Certificate"
TYPES = (CERTIFICATE,)
# ListCertificates returns only RSA_1024 and RSA_2048 certificates unless Includes.keyTypes names the others (ACM API
# reference, Filters.keyTypes): every key type ACM knows, so that ECDSA and larger RSA certificates are audited too.
KEY_TYPES = ("RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1")


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
    with out.attempt("acm", TYPES) as found:
        acm = reader.client("acm")
        for summary in reader.items("acm", "list_certificates", "CertificateSummaryList[]",
                                    Includes={"keyTypes": list(KEY_TYPES)}):
            found.append(normalize_certificate(
                acm.describe_certificate(CertificateArn=summary["CertificateArn"])["Certificate"]))

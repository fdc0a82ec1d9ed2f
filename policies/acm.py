"""ACM certificates: certificate transparency logging, strong key algorithms, no wildcard names, replaced without
a gap (ACM-01..04)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from policies._helpers import get, items
from policies.core import Control, Enforcement, Severity, Subject

CERTIFICATE = "aws:acm/certificate:Certificate"
# ACM KeyAlgorithm values (ACM API reference, RequestCertificate.KeyAlgorithm: RSA_2048 default; RSA_1024..4096 and
# EC_prime256v1/secp384r1/secp521r1 exist): RSA_1024 is the one below FSBP ACM.2's 2048-bit floor.
STRONG_KEYS = ["RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1"]


def transparency_logging(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if get(subject.props, "options", "certificateTransparencyLoggingPreference") == "DISABLED":
        yield ("options.certificateTransparencyLoggingPreference is DISABLED (browsers reject public certificates "
               "missing from CT logs, and mis-issued certificates go unnoticed)")


def strong_key(subject: Subject, cfg: Mapping[str, Any]) -> Iterator[str]:
    if get(subject.props, "privateKey") is not None or get(subject.props, "certificateBody") is not None:
        return  # an imported certificate: its key algorithm is in the certificate, not in the inputs
    algorithm = get(subject.props, "keyAlgorithm", default="RSA_2048")  # ACM's default for requested certificates
    allowed = list(cfg.get("allowedKeyAlgorithms") or STRONG_KEYS)
    if algorithm not in allowed:
        yield f"keyAlgorithm is {algorithm}; use one of {allowed}"


def no_wildcard(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    names = [get(subject.props, "domainName"), *items(get(subject.props, "subjectAlternativeNames"))]
    wildcards = [str(n) for n in names if n is not None and "*" in str(n)]
    if wildcards:
        yield (f"names {', '.join(wildcards)}: one certificate (and whoever can use it) covers every host of the "
               "domain; request one per name the site serves")


def create_before_replace(subject: Subject, _cfg: Mapping[str, Any]) -> Iterator[str]:
    if subject.options.get("deleteBeforeReplace"):
        yield ("resource option deleteBeforeReplace is set: a replacement deletes the certificate while listeners "
               "and distributions still serve it (ACM refuses, and the update fails half done) before the new one "
               "exists")


CONTROLS = (
    Control(
        id="ACM-01", title="Certificates are logged for transparency", severity=Severity.MEDIUM,
        resource_types=(CERTIFICATE,), check=transparency_logging,
        description="Certificate transparency logging stays ENABLED (the default).",
        remediation="Drop options.certificate_transparency_logging_preference or set it to ENABLED.",
        sources=("CKV_AWS_234",),
    ),
    Control(
        id="ACM-02", title="Certificates use strong keys", severity=Severity.MEDIUM, resource_types=(CERTIFICATE,),
        check=strong_key, config_defaults={"allowedKeyAlgorithms": STRONG_KEYS},
        description="Requested certificates use RSA of at least 2048 bits or an ECDSA curve (config allowlist); "
                    "imported certificates are not judged.",
        remediation="Set key_algorithm to EC_prime256v1 or RSA_2048.",
        sources=("FSBP ACM.2",),
    ),
    Control(
        id="ACM-03", title="Certificates name their hosts, not a wildcard", severity=Severity.LOW,
        resource_types=(CERTIFICATE,), check=no_wildcard, enforcement=Enforcement.ADVISORY,
        description="A wildcard in domainName or subjectAlternativeNames lets the certificate (on any load "
                    "balancer or distribution of the account, or exported) vouch for every host of the domain, "
                    "including ones that do not exist yet. Advisory: ACM certificates are free per name, but a "
                    "shop with many subdomains may prefer one wildcard.",
        remediation="Request the certificate for the exact names (shop.example.vn, www.shop.example.vn).",
        sources=("CKV2_AWS_71",),
    ),
    Control(
        id="ACM-04", title="Certificates are replaced before they are deleted", severity=Severity.MEDIUM,
        resource_types=(CERTIFICATE,), check=create_before_replace,
        description="Changing a certificate's names or key replaces it. Pulumi's default creates the new "
                    "certificate, moves the listeners and distributions to it, then deletes the old one; the "
                    "deleteBeforeReplace resource option reverses that and leaves the site without its certificate "
                    "(or stops on ACM's ResourceInUseException). Terraform's default is the reverse of Pulumi's, "
                    "which is why Checkov CKV_AWS_233 asks for lifecycle create_before_destroy: a Terraform "
                    "certificate without it translates to deleteBeforeReplace=True here.",
        remediation="Drop deleteBeforeReplace from the certificate's resource options.",
        sources=("CKV_AWS_233",),
    ),
)

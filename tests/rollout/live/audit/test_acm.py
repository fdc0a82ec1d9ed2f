"""The ACM collector: certificates with their transparency logging and key algorithm."""

from __future__ import annotations

from policies.core import evaluate
from policies.registry import BY_ID
from rollout.live.audit import acm
from tests.rollout import audit_fixtures as fx


def test_a_certificate_without_transparency_logging_is_found(aws):
    def drift(account):
        account.client("acm").request_certificate(DomainName="legacy.shop.example.vn",
                                                  Options={"CertificateTransparencyLoggingPreference": "DISABLED"})

    added, _ = fx.drift_adds((fx.build_web_tier,), drift)
    assert added == {("ACM-01", "legacy.shop.example.vn")}


def test_certificate_key_algorithm_and_imported_certificates_are_read():
    weak = acm.normalize_certificate({"CertificateArn": "arn:aws:acm:r:1:certificate/a", "DomainName": "old.example",
                                      "KeyAlgorithm": "RSA_1024", "Type": "AMAZON_ISSUED"})
    imported = acm.normalize_certificate({"CertificateArn": "arn:aws:acm:r:1:certificate/b",
                                          "DomainName": "own.example", "KeyAlgorithm": "RSA_1024",
                                          "Type": "IMPORTED"})
    assert {f.name for f in evaluate([BY_ID["ACM-02"]], [weak, imported])} == {"old.example"}


def test_a_wildcard_certificate_is_found(aws):
    def drift(account):
        account.client("acm").request_certificate(DomainName="shop.example.vn",
                                                  SubjectAlternativeNames=["*.shop.example.vn"])

    added, _ = fx.drift_adds((fx.build_web_tier,), drift)
    assert added == {("ACM-03", "shop.example.vn")}

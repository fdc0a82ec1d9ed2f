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


def test_a_key_algorithm_outside_the_configured_allowlist_is_found(aws):
    """Every key ACM issues for a requested certificate (RSA 2048, EC P-256/P-384) is in the default allowlist, so
    an account fails ACM-02 only under a stricter one: here ECDSA only. moto 5.2.5 issues RSA_2048 whatever
    KeyAlgorithm asks, so ACM answers from a botocore Stubber in AWS's response shape, which also holds the collector
    to asking for every key type (ListCertificates alone returns only RSA_1024/RSA_2048 certificates)."""
    from botocore.stub import Stubber

    from rollout.live.session import open_session

    fx.account_with()
    session = open_session()
    client = session.client("acm", region_name=fx.REGION)
    stub = Stubber(client)
    arns = {name: f"arn:aws:acm:{fx.REGION}:{fx.ACCOUNT}:certificate/{name}" for name in ("rsa", "ec")}
    stub.add_response("list_certificates", {"CertificateSummaryList": [
        {"CertificateArn": arn, "DomainName": f"{name}.shop.example.vn"} for name, arn in arns.items()]},
        {"Includes": {"keyTypes": list(acm.KEY_TYPES)}})
    for name, key in (("rsa", "RSA_2048"), ("ec", "EC_prime256v1")):
        stub.add_response("describe_certificate", {"Certificate": {
            "CertificateArn": arns[name], "DomainName": f"{name}.shop.example.vn", "KeyAlgorithm": key,
            "Type": "AMAZON_ISSUED", "Options": {"CertificateTransparencyLoggingPreference": "ENABLED"}}},
            {"CertificateArn": arns[name]})
    config = {"ACM-02": {"allowedKeyAlgorithms": ["EC_prime256v1", "EC_secp384r1"]}}
    with stub:
        result = fx.run(session, clients={"acm": client}, pack_config=config)
    stub.assert_no_pending_responses()
    assert {(f.control, f.name) for f in result.findings if f.control.startswith("ACM")} == {
        ("ACM-02", "rsa.shop.example.vn")}
